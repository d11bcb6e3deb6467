"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) onto the citizen's use cases:
services are the taxonomy's leaves with the bodies that handle them, requests are the cases that
may be published (anonymised), and a POST submits a petition as the portal does."""

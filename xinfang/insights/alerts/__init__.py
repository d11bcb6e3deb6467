"""Early warning about issues (docs/metrics.md, Early warning): weekly control limits per
(category, division) cell, clusters of look-alike petitions, the alerts' owners and messages."""

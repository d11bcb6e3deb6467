"""Exchange of cases between levels (a county hands a case to the city and receives one back):
a JSON Lines file, documented in docs/systems.md. `writer` exports, `reader` reads and verifies,
`services.exchange` (in the services package) writes what was read, as the one write path does.
"""

from .format import FORMAT, VERSION, ExchangeError

__all__ = ["FORMAT", "VERSION", "ExchangeError"]

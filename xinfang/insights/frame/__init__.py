"""The fact rows and staff deadlines held as columns in each process, so that the statistics
count them in memory (store.py), with the figures' Q objects evaluated over them (masks.py)."""

from .store import current, reset

__all__ = ["current", "reset"]

"""The map's shapes (docs/map.md): GeoJSON files the deployment keeps in a folder, one per region,
named by the region's division code (`370687.geojson` holds the townships of 370687). Each
feature's `properties.code` is the code of a division directly below that region. A region
without a file is shown as a table only.

The folder is settings.MAP_SHAPES_DIR (XINFANG_MAP_SHAPES_DIR); the demo county's own drawn
shapes are the default."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings


def shapes_dir() -> Path | None:
    folder = getattr(settings, "MAP_SHAPES_DIR", None)
    return Path(folder) if folder else None


def shape_file(code: str) -> Path | None:
    folder = shapes_dir()
    if folder is None or not code.isdigit():
        return None
    path = folder / f"{code}.geojson"
    return path if path.is_file() else None


@lru_cache(maxsize=256)
def _read(path: str, mtime_ns: int, size: int) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def shapes_of(code: str) -> dict | None:
    """The FeatureCollection of the divisions below `code`, or None when none is configured or
    the file is not a valid collection (read once per file version)."""
    path = shape_file(code)
    if path is None:
        return None
    st = path.stat()
    try:
        data = _read(str(path), st.st_mtime_ns, st.st_size)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return None
    return data


def shaped_codes(data: dict | None) -> set[str]:
    if not data:
        return set()
    return {
        str((feat.get("properties") or {}).get("code", ""))
        for feat in data.get("features", [])
        if isinstance(feat, dict)
    }

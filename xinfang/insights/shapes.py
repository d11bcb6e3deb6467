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


def problems(folder: Path | None = None) -> list[str]:
    """What is wrong with the shapes in the folder, against the division table: files not named
    by a division's code, unreadable files, features without a code or whose code is not a
    division directly below the file's region, codes drawn twice, geometries not polygons."""
    from xinfang.orgs.models import Division

    folder = folder or shapes_dir()
    if folder is None or not folder.is_dir():
        return [f"{folder}: not a folder"]
    found = []
    for path in sorted(folder.glob("*.geojson")):
        region = Division.objects.filter(code=path.stem).first()
        if region is None:
            found.append(f"{path.name}: no division has the code {path.stem}")
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            found.append(f"{path.name}: not readable GeoJSON ({e})")
            continue
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            found.append(f"{path.name}: not a FeatureCollection")
            continue
        children = set(region.children.values_list("code", flat=True))
        seen: set[str] = set()
        for i, feat in enumerate(data.get("features") or []):
            code = str(((feat or {}).get("properties") or {}).get("code", ""))
            kind = ((feat or {}).get("geometry") or {}).get("type")
            if code not in children:
                found.append(f"{path.name}: feature {i} has code {code!r}, not below {region}")
            elif code in seen:
                found.append(f"{path.name}: {code} is drawn twice")
            seen.add(code)
            if kind not in ("Polygon", "MultiPolygon"):
                found.append(f"{path.name}: feature {i} is a {kind}, not a polygon")
    return found

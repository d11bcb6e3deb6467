"""The demo county's map, drawn by the project itself (docs/map.md): an invented layout, no real
boundary. The county is a jittered grid of townships (two rows); each township is cut into
strips, one a village, across its longer side. Neighbours share their vertices, so no two shapes overlap.

`draw()` returns {file name: FeatureCollection}; `python manage.py draw_demo_map` writes them to
xinfang/demo/data/map/ (the files are kept in the repository; the drawing is deterministic).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from . import data

FOLDER = Path(__file__).resolve().parent / "data" / "map"
# The invented extent (longitude, latitude) and the township grid.
WEST, EAST, SOUTH, NORTH = 121.0, 121.6, 36.55, 36.95
ROWS = 2
SEED = 370687


def _r(x: float) -> float:
    return round(x, 5)


def _lerp(p, q, t):
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def _grid(cols: int, rows: int, rng: random.Random) -> list[list[tuple[float, float]]]:
    """Vertices [row][col] of a (cols x rows) grid, interior ones moved by up to a quarter cell;
    border ones move only along the border, so the outline stays a rectangle's."""
    dx, dy = (EAST - WEST) / cols, (NORTH - SOUTH) / rows
    pts = []
    for j in range(rows + 1):
        row = []
        for i in range(cols + 1):
            x, y = WEST + i * dx, SOUTH + j * dy
            if 0 < i < cols:
                x += rng.uniform(-0.25, 0.25) * dx
            if 0 < j < rows:
                y += rng.uniform(-0.25, 0.25) * dy
            row.append((x, y))
        pts.append(row)
    return pts


def _feature(code: str, name: str, ring: list[tuple[float, float]]) -> dict:
    coords = [[_r(x), _r(y)] for x, y in ring]
    coords.append(coords[0])
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [coords]},
    }


def _collection(code: str, name: str, features: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "properties": {"code": code, "name": name, "drawn": "invented demo layout"},
        "features": features,
    }


def draw() -> dict[str, dict]:
    county = data.county()
    code = county["county_code"]
    townships = county["township"]
    rng = random.Random(SEED)
    cols = -(-len(townships) // ROWS)
    grid = _grid(cols, ROWS, rng)
    files: dict[str, dict] = {}
    town_features = []
    for k, town in enumerate(townships):
        j, i = divmod(k, cols)
        j = ROWS - 1 - j  # first townships in the north row
        # Counter-clockwise: south-west, south-east, north-east, north-west.
        sw, se, ne, nw = grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i]
        town_code = code + town["code"]
        town_features.append(_feature(town_code, town["name"], [sw, se, ne, nw]))
        villages = list(town["villages"].items())
        n = len(villages)
        features = []
        # Strips across the longer side (on the ground: a degree of longitude here is about
        # 0.8 of one of latitude), so each village keeps a readable width.
        tall = (nw[1] - sw[1]) > 0.8 * (se[0] - sw[0])
        for v, (suffix, vname) in enumerate(villages):
            if tall:  # bands from south to north
                a, b = _lerp(sw, nw, v / n), _lerp(se, ne, v / n)
                c, d = _lerp(se, ne, (v + 1) / n), _lerp(sw, nw, (v + 1) / n)
            else:  # strips from west to east
                a, b = _lerp(sw, se, v / n), _lerp(sw, se, (v + 1) / n)
                c, d = _lerp(nw, ne, (v + 1) / n), _lerp(nw, ne, v / n)
            features.append(_feature(town_code + suffix, vname, [a, b, c, d]))
        files[f"{town_code}.geojson"] = _collection(town_code, town["name"], features)
    files[f"{code}.geojson"] = _collection(code, "海阳市", town_features)
    return files


def render(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def write(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, collection in sorted(draw().items()):
        path = folder / name
        path.write_text(render(collection), encoding="utf-8")
        written.append(path)
    return written

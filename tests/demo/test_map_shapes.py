"""The demo county's drawn map: every file is a valid GeoJSON collection of the divisions below
its region (codes as in data/county.toml), the shapes of a level do not overlap and fill their
region, and the stored files are what the drawing makes."""

from __future__ import annotations

import json

import pytest

from xinfang.demo import data, mapdraw

FOLDER = mapdraw.FOLDER


def _children() -> dict[str, dict[str, str]]:
    county = data.county()
    code = county["county_code"]
    out = {code: {code + t["code"]: t["name"] for t in county["township"]}}
    for t in county["township"]:
        out[code + t["code"]] = {code + t["code"] + v: n for v, n in t["villages"].items()}
    return out


def _area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _inside(pt, ring) -> bool:
    x, y = pt
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def _files():
    return sorted(FOLDER.glob("*.geojson"))


def test_one_file_per_region_with_places_below_it():
    assert {p.stem for p in _files()} == set(_children())


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_each_file_holds_the_divisions_below_its_region(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    expected = _children()[path.stem]
    codes = [f["properties"]["code"] for f in doc["features"]]
    assert sorted(codes) == sorted(expected)  # each region's code matches a division, once
    for f in doc["features"]:
        assert f["properties"]["name"] == expected[f["properties"]["code"]]
        assert f["geometry"]["type"] == "Polygon"
        (ring,) = f["geometry"]["coordinates"]
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert _area(ring) > 0  # counter-clockwise outer ring (RFC 7946)


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_shapes_do_not_overlap_and_fill_the_region(path):
    rings = [f["geometry"]["coordinates"][0] for f in json.loads(path.read_text())["features"]]
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    steps = 60
    inside_any = 0
    for i in range(steps):
        for j in range(steps):
            pt = (
                min(xs) + (max(xs) - min(xs)) * (i + 0.5) / steps,
                min(ys) + (max(ys) - min(ys)) * (j + 0.5) / steps,
            )
            n = sum(_inside(pt, r) for r in rings)
            assert n <= 1, f"{pt} lies in {n} shapes"
            inside_any += n
    if path.stem == data.county()["county_code"]:
        # The county's townships tile its rectangle: every sample lies in one of them.
        assert inside_any == steps * steps


def test_the_stored_files_are_the_drawing():
    drawn = mapdraw.draw()
    assert {p.name for p in _files()} == set(drawn)
    for p in _files():
        assert p.read_text(encoding="utf-8") == mapdraw.render(drawn[p.name])


@pytest.mark.django_db
def test_the_seeded_demo_county_passes_the_shapes_check():
    from xinfang.demo.county import build_divisions_and_bodies
    from xinfang.insights import shapes

    build_divisions_and_bodies()
    assert shapes.problems(FOLDER) == []

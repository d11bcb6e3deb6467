"""check_map_shapes: a deployment's GeoJSON folder checked against its division table."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from xinfang.insights import shapes


def _write(folder, name, features):
    (folder / name).write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )


def _feature(code, kind="Polygon"):
    ring = [[0, 0], [1, 0], [1, 1], [0, 0]]
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": kind, "coordinates": [ring]},
    }


def test_shapes_whose_codes_are_divisions_below_the_region_pass(county, tmp_path):
    _write(tmp_path, "370687.geojson", [_feature(county.town.code)])
    _write(tmp_path, "370687101.geojson", [_feature(county.village.code)])
    assert shapes.problems(tmp_path) == []
    call_command("check_map_shapes", folder=str(tmp_path))


def test_wrong_codes_twice_drawn_and_lines_are_reported(county, tmp_path):
    _write(
        tmp_path,
        "370687.geojson",
        [_feature(county.town.code), _feature(county.town.code), _feature("370687999")],
    )
    _write(tmp_path, "370687101.geojson", [_feature(county.village.code, "LineString")])
    _write(tmp_path, "999999.geojson", [])
    found = shapes.problems(tmp_path)
    assert any("drawn twice" in p for p in found)
    assert any("'370687999'" in p for p in found)
    assert any("LineString" in p for p in found)
    assert any("999999" in p for p in found)
    with pytest.raises(CommandError):
        call_command("check_map_shapes", folder=str(tmp_path))

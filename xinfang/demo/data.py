"""The demo's data files (`data/*.toml`), read once: stories, names, words, laws, grid ledger."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def load(name: str) -> dict[str, Any]:
    with (DATA / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Story:
    """One matter a petitioner raises, as it runs in the demo county (stories.toml)."""

    key: str
    body: str  # key of the responsible body (county.DemoCounty.body)
    category: tuple[str, ...]
    law: tuple[str, ...]
    title: str
    text: str
    demand: str
    facts: str
    kind: str = "appeal"  # appeal | suggestion | report
    area: str = "any"  # urban | rural | town (staffed township) | grid (staffed village) | any
    group: bool = False
    legal: str = ""  # the statutory channel an appeal of this kind is sent to (W31)
    accused: str = ""  # reports: "dept", "town" or a body key
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def basis(self) -> str:
        return "".join(self.law)


@functools.cache
def stories() -> tuple[Story, ...]:
    out = []
    for row in load("stories")["story"]:
        row = dict(row)
        row["category"] = tuple(row["category"])
        row["law"] = tuple(row["law"])
        row["slots"] = {k: tuple(v) for k, v in row.get("slots", {}).items()}
        out.append(Story(**row))
    return tuple(out)


def story(key: str) -> Story:
    return next(s for s in stories() if s.key == key)


def laws() -> dict[str, tuple[str, ...]]:
    """Each cited law → the category path prefixes it governs (laws.toml)."""
    return {law: tuple(row["categories"]) for law, row in load("laws").items()}


def names() -> dict[str, Any]:
    return load("names")


def plans() -> dict[str, Any]:
    return load("plans")


def words() -> dict[str, str]:
    return load("plans")["words"]


def lists() -> dict[str, list[str]]:
    return load("plans")["lists"]


@dataclass(frozen=True)
class GridRow:
    """A grid ledger row (网格台账) as the grid worker or township staff writes it."""

    target: str  # "<status>@<level>", e.g. "open@town"
    ago: int
    days: int
    kind: str  # dispute | hazard
    title: str
    description: str
    person: str  # responsible person where it is recorded
    level: str = "village"  # where it is recorded: the staffed village, or the township itself


def grid_rows() -> list[GridRow]:
    return [GridRow(**row) for row in load("grid")["row"]]


def grid() -> dict[str, Any]:
    return load("grid")["grid"]


def county() -> dict[str, Any]:
    return load("county")

"""A move's typed inputs, declared once beside the move: a small frozen dataclass whose fields
carry an `Input` spec. Desk forms, the API's per-move schemas and the conversion of posted
values into service arguments are all derived from these specs. Pure: no database.

The kinds are few and fixed; a new move picks from them and needs no page code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TEXT = "text"  # several lines of prose
LINE = "line"  # one line (e.g. a case number)
DATE = "date"  # an ISO date, not before today (`past`: not after today)
CHOICE = "choice"  # one of a fixed mapping's keys
BODY = "body"  # an active body, by id
PERSON = "person"  # an active staff member holding `role`, by id
COUNT = "count"  # a whole number between `minimum` and `maximum`
KINDS = frozenset({TEXT, LINE, DATE, CHOICE, BODY, PERSON, COUNT})


@dataclass(frozen=True)
class Input:
    kind: str
    label: Any  # lazy text: read in the language of whoever looks
    required: bool = True
    help: Any = ""
    choices: Mapping[str, Any] | None = None
    role: str = ""  # PERSON: the role the person must hold
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    rows: int = 3  # TEXT: lines of the text box
    past: bool = False  # DATE: a day that has come (something that happened), not a due date

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown input kind {self.kind!r}")
        if (self.kind == CHOICE) != (self.choices is not None):
            raise ValueError("choices go with, and only with, a choice input")
        if self.kind == PERSON and not self.role:
            raise ValueError("a person input names the role the person must hold")


@dataclass(frozen=True)
class Field:
    """One input of a move, as forms and schemas see it."""

    name: str
    spec: Input

    @property
    def required(self) -> bool:
        return self.spec.required


def _declare(spec: Input, default: Any):
    meta = {"input": spec}
    if spec.required:
        return dataclasses.field(metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def text(label, *, required=True, help="", rows=3, max_length=4000):
    return _declare(Input(TEXT, label, required, help, rows=rows, max_length=max_length), "")


def line(label, *, required=True, help="", max_length=200):
    return _declare(Input(LINE, label, required, help, max_length=max_length), "")


def date(label, *, required=True, help="", past=False):
    return _declare(Input(DATE, label, required, help, past=past), None)


def choice(label, choices: Mapping[str, Any], *, required=True, help=""):
    return _declare(Input(CHOICE, label, required, help, choices=choices), "")


def body(label, *, required=True, help=""):
    return _declare(Input(BODY, label, required, help), None)


def person(label, role: str, *, required=True, help=""):
    return _declare(Input(PERSON, label, required, help, role=role), None)


def count(label, *, minimum: int, maximum: int, required=True, help=""):
    return _declare(Input(COUNT, label, required, help, minimum=minimum, maximum=maximum), None)


@dataclass(frozen=True)
class NoInputs:
    """A move that takes nothing beyond the case (and the version the user saw)."""


def fields_of(inputs: type) -> tuple[Field, ...]:
    """The declared inputs of a move's input class, in declaration order."""
    out = []
    for f in dataclasses.fields(inputs):
        spec = f.metadata.get("input")
        if spec is None:
            raise TypeError(f"{inputs.__name__}.{f.name} has no Input spec")
        out.append(Field(f.name, spec))
    return tuple(out)

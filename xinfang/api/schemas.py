"""Request schemas drawn from the workflow's declarations: one payload schema per move."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from xinfang.cases import workflow
from xinfang.cases.workflow import inputs


def _annotation(spec: workflow.Input) -> tuple[Any, dict]:
    """The JSON type of one input kind and its constraints."""
    if spec.kind in (inputs.TEXT, inputs.LINE):
        return str, {"max_length": spec.max_length, "min_length": 1 if spec.required else None}
    if spec.kind == inputs.DATE:
        return dt.date, {}
    if spec.kind == inputs.CHOICE:
        return Literal[tuple(spec.choices)], {}
    if spec.kind == inputs.COUNT:
        return int, {"ge": spec.minimum, "le": spec.maximum}
    return int, {"ge": 1}  # a body's or a person's id


class MovePayload(Schema):
    model_config = ConfigDict(extra="forbid")


def move_payload(move: workflow.Move) -> type[Schema]:
    fields: dict[str, Any] = {}
    for f in move.fields:
        kind, constraints = _annotation(f.spec)
        constraints = {k: v for k, v in constraints.items() if v is not None}
        description = str(f.spec.label)
        if f.required:
            fields[f.name] = (kind, Field(..., description=description, **constraints))
        else:
            fields[f.name] = (kind | None, Field(None, description=description, **constraints))
    fields["expected_version"] = (
        int | None,
        Field(None, description="The case version the client saw (optimistic locking)"),
    )
    name = "".join(part.title() for part in move.name.split("_")) + "Move"
    return create_model(name, __base__=MovePayload, **fields)

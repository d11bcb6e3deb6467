"""GeoReport v2 answers as JSON or XML (UTF-8, the XML declaration first), errors included."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

# The XML element of a list and of each item, per resource.
ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, name: str, value) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, list):
        for item in value:
            inner = name[:-1] if name.endswith("s") else "item"
            if isinstance(item, dict):
                _fill(ET.SubElement(child, inner), item)
            else:
                ET.SubElement(child, inner).text = _text(item)
    elif isinstance(value, dict):
        _fill(child, value)
    else:
        child.text = _text(value)


def _fill(node: ET.Element, data: dict) -> None:
    for key, value in data.items():
        _element(node, key, value)


def xml_bytes(kind: str, data) -> bytes:
    if kind in ("service_definition", "discovery"):
        root = ET.Element(kind)
        _fill(root, data)
    else:
        outer, inner = ROOTS[kind]
        root = ET.Element(outer)
        for item in data:
            _fill(ET.SubElement(root, inner), item)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def respond(fmt: str, kind: str, data, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            xml_bytes(kind, data), status=status, content_type="text/xml; charset=utf-8"
        )
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def error(fmt: str, code: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", [{"code": code, "description": description}], status=code)

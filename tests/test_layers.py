"""Layers (DESIGN.md): lower rows never import higher ones, and the page apps (portal, desk, api)
are siblings that never import one another. Read from the syntax tree, so imports inside
functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "xinfang"
PAGES = {"portal", "desk", "api"}
# Top (may import everything below) to bottom. `config` wires it all; `demo` sits beside the
# pages and is imported by none of them.
ROWS = [
    {"config"},
    {"demo"},
    PAGES,
    {"insights", "reception", "channels", "documents", "notify", "triage"},
    {"cases"},
    {"taxonomy", "orgs", "accounts"},
    {"core"},
]
RANK = {app: i for i, row in enumerate(ROWS) for app in row}


def imported_apps(source: str) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "xinfang" and len(parts) > 1:
                out.append((node.lineno, parts[1]))
    return out


def offences_in(app: str, source: str) -> list[str]:
    found = []
    for line, other in imported_apps(source):
        if other == app or other not in RANK:
            continue
        if app in PAGES and other in PAGES:
            found.append(f"{line}: page app {app} imports page app {other}")
        elif other == "demo" and app != "config":
            found.append(f"{line}: {app} imports the demo app")
        elif RANK[other] < RANK[app]:
            found.append(f"{line}: {app} imports higher {other}")
    return found


def test_every_app_has_a_row():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert apps - set(RANK) == set(), "place the new app in ROWS (and DESIGN.md)"


def test_no_upward_or_sibling_page_imports():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        app = rel.parts[0]
        if app not in RANK:
            continue
        offences += [f"{rel}:{o}" for o in offences_in(app, path.read_text(encoding="utf-8"))]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("portal", "from xinfang.api.public import PetitionIn\n"),
        ("desk", "def f():\n    from xinfang.portal import views\n"),
        ("cases", "import xinfang.notify.services\n"),
        ("core", "from xinfang.orgs.models import Body\n"),
        ("triage", "from xinfang.desk import views\n"),
        ("cases", "from xinfang.demo import county\n"),
    ],
)
def test_the_check_finds_a_wrong_import(app, source):
    assert offences_in(app, source)


def test_the_check_allows_downward_imports():
    assert offences_in("desk", "from xinfang.cases import services\n") == []
    assert offences_in("notify", "from xinfang.cases.workflow import MOVES\n") == []

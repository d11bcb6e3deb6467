"""One write path (DESIGN.md, Conventions): only the xinfang/cases/services package changes a case's state,
creates or bulk-writes cases, appends CaseEvents or starts Clocks.

The check reads the syntax tree rather than raw text, so comments, strings and `class CaseEvent(`
do not trip it, and a chain split over several lines (`Case.objects.filter(\\n...).update(`) does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "xinfang"
SERVICES = Path("xinfang/cases/services")

GUARDED_MODELS = {"Case", "CaseEvent", "Clock"}
WRITE_METHODS = {
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def _model_aliases(tree: ast.Module) -> dict[str, str]:
    """Local names bound to the guarded models, following `import ... as ...`."""
    names = {m: m for m in GUARDED_MODELS}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in GUARDED_MODELS:
                    names[alias.asname or alias.name] = alias.name
    return names


def _chain_root(node: ast.expr) -> tuple[str | None, list[str]]:
    """For `Case.objects.filter(x).update`, the root name and the attributes along the way."""
    attrs: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            break
    return (node.id if isinstance(node, ast.Name) else None), attrs[::-1]


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        out: list[ast.expr] = []
        for t in node.targets:
            out.extend(t.elts if isinstance(t, ast.Tuple | ast.List) else [t])
        return out
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def find_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for every write outside the one write path found in `source`."""
    tree = ast.parse(source)
    models = _model_aliases(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        for target in _targets(node):
            if isinstance(target, ast.Attribute) and target.attr == "state":
                found.append((node.lineno, "assigns .state"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in models:
                found.append((node.lineno, f"builds {models[func.id]}(...)"))
            elif (
                func.id == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "state"
            ):
                found.append((node.lineno, 'setattr(..., "state", ...)'))
            continue
        if not isinstance(func, ast.Attribute) or func.attr not in WRITE_METHODS:
            continue
        root, attrs = _chain_root(func.value)
        if root in models and attrs and attrs[0] in MANAGERS:
            found.append((node.lineno, f"{models[root]}.{attrs[0]}...{func.attr}(...)"))
        elif func.attr == "update" and any(k.arg == "state" for k in node.keywords):
            found.append((node.lineno, "update(state=...)"))
    return sorted(found)


def find_clock_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for every write of clocks in `source`: through the model's manager, through
    a case's `clocks`, or saving an instance held under a name with "clock" in it."""
    found = [(line, what) for line, what in find_writes(source) if what.startswith("Clock.")]
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, target = node.func.attr, node.func.value
        if method in WRITE_METHODS and "clocks" in _chain_root(target)[1]:
            found.append((node.lineno, f"clocks...{method}(...)"))
        elif method == "save":
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if "clock" in name.lower():
                found.append((node.lineno, f"{name}.save(...)"))
    return sorted(found)


def _python_files() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts
    )


def test_only_cases_services_writes_case_state_events_and_clocks():
    """Views, the API, commands and jobs call services; nothing else writes a case."""
    files = _python_files()
    assert any(p.relative_to(ROOT).parent == SERVICES for p in files)
    offences = []
    for path in files:
        rel = path.relative_to(ROOT)
        if rel.parent == SERVICES:
            continue
        for line, what in find_writes(path.read_text(encoding="utf-8")):
            offences.append(f"{rel}:{line}: {what}")
    assert not offences, "write outside xinfang/cases/services/:\n" + "\n".join(offences)


def test_only_the_clock_service_writes_clocks():
    """Every change of a clock also sets the case's nearest staff deadline (Case.next_due_on,
    what the due-soon and overdue queues read): only services/clocks.py writes clocks, so no
    move can change one and leave the queues behind."""
    clocks = SERVICES / "clocks.py"
    assert find_clock_writes((ROOT / clocks).read_text(encoding="utf-8"))
    offences = []
    for path in _python_files():
        rel = path.relative_to(ROOT)
        if rel == clocks:
            continue
        for line, what in find_clock_writes(path.read_text(encoding="utf-8")):
            offences.append(f"{rel}:{line}: {what}")
    assert not offences, "clocks written outside services/clocks.py:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("Clock.objects.filter(case=c).delete()\n", "Clock.objects...delete(...)"),
        ("case.clocks.filter(status='running').update(due_on=d)\n", "clocks...update(...)"),
        ("clock.save(update_fields=['due_on'])\n", "clock.save(...)"),
        ("self.route_clock.save()\n", "route_clock.save(...)"),
    ],
)
def test_the_clock_detector_flags_a_write(snippet, what):
    assert what in {w for _, w in find_clock_writes(snippet)}


def test_the_clock_detector_ignores_reads():
    source = "case.clocks.filter(status='running').first()\ncase.save()\nClock(period='x')\n"
    assert find_clock_writes(source) == []


def test_services_itself_is_seen_writing():
    """The detector finds the real writes, so an empty result elsewhere means something."""
    kinds = {
        what
        for path in (ROOT / SERVICES).glob("*.py")
        for _, what in find_writes(path.read_text(encoding="utf-8"))
    }
    assert "assigns .state" in kinds
    assert "Case.objects...create(...)" in kinds
    assert "Clock.objects...create(...)" in kinds
    assert "builds CaseEvent(...)" in kinds


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("case.state = 'closed'\n", "assigns .state"),
        ("c.state += 'x'\n", "assigns .state"),
        ("a, b.state = 1, 'closed'\n", "assigns .state"),
        ("self.case.state: str = 'final'\n", "assigns .state"),
        ("setattr(case, 'state', 'closed')\n", 'setattr(..., "state", ...)'),
        ("Case.objects.create(title='x')\n", "Case.objects...create(...)"),
        ("Case.objects.filter(pk=1).update(holder_body=b)\n", "Case.objects...update(...)"),
        (
            "Case.objects.filter(\n    pk=1,\n).exclude(x=2).update(\n    state='closed',\n)\n",
            "Case.objects...update(...)",
        ),
        ("Case.objects.bulk_create([Case(title='x')])\n", "Case.objects...bulk_create(...)"),
        ("Case.objects.all()[:10].delete()\n", "Case.objects...delete(...)"),
        (
            "Case._default_manager.get_or_create(number='1')\n",
            "Case._default_manager...get_or_create(...)",
        ),
        (
            "from xinfang.cases.models import Case as C\nC.objects.create()\n",
            "Case.objects...create(...)",
        ),
        ("qs.update(state='closed')\n", "update(state=...)"),
        ("CaseEvent(case=c, kind='x').save()\n", "builds CaseEvent(...)"),
        ("CaseEvent.objects.create(case=c)\n", "CaseEvent.objects...create(...)"),
        ("Clock.objects.create(case=c, period='handle')\n", "Clock.objects...create(...)"),
        ("Clock.objects.filter(case=c).update(status='stopped')\n", "Clock.objects...update(...)"),
    ],
)
def test_detector_flags_a_write(snippet, what):
    found = find_writes(snippet)
    assert what in {w for _, w in found}, found


def test_detector_names_the_line():
    source = "x = 1\n\n\ncase.state = 'closed'\n"
    assert find_writes(source) == [(4, "assigns .state")]


@pytest.mark.parametrize(
    "snippet",
    [
        "if case.state == 'closed':\n    pass\n",
        "state = case.state\n",
        "# case.state = 'closed'\n",
        'msg = "Case.objects.create(...)"\n',
        "class CaseEvent(models.Model):\n    pass\n",
        "Case.objects.filter(state='replied').count()\n",
        "Case.objects.filter(pk=1).values_list('state', flat=True)\n",
        "Case.objects.select_for_update().filter(pk=1).first()\n",
        "Party.objects.create(case=c)\n",
        "Clock.objects.filter(status='running')\n",
        "d.update({'state': 'x'})\n",
        "f(state='closed')\n",
    ],
)
def test_detector_ignores_reads(snippet):
    assert find_writes(snippet) == []

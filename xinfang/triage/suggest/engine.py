"""The one source of suggestions: the desk's pages, the body box and the API all ask here."""

from __future__ import annotations

from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.selectors import active_version, responsible_body_for
from xinfang.triage.models import TriageModel

from .advice import Advice, low_confidence_threshold, model_text
from .loaded import _loaded, _model_guess, active_models
from .places import place_matcher, suggest_place
from .rules import _rule_guesses, content_type_by_rules, keyword_rules


def suggest(
    title: str,
    body: str,
    address: str = "",
    *,
    within: Division | None = None,
    chosen_leaf: str | None = None,
    chosen_place: str | None = None,
) -> Advice:
    """Advice for one petition text. `within`: the office's division, preferred for places.

    `chosen_leaf` and `chosen_place` are the category and division codes a clerk has already
    set (a registered case): the body then follows them, so a page that shows the case and
    this advice never name different bodies for it."""
    threshold = low_confidence_threshold()
    text = model_text(title, body)
    rows = active_models()
    taxonomy = active_version()
    versions = {kind: row.version for kind, row in rows.items()}

    labels = dict(_content_type_labels())
    if TriageModel.CONTENT_TYPE in rows:
        ctype = _model_guess(_loaded(rows[TriageModel.CONTENT_TYPE]), text, labels, threshold)
    else:
        ctype = content_type_by_rules(text)
        ctype.label = labels.get(ctype.value, ctype.value)

    rules = keyword_rules(taxonomy)
    level1 = leaf = None
    if TriageModel.CATEGORY in rows:
        level1 = _model_guess(_loaded(rows[TriageModel.CATEGORY]), text, {}, threshold)
    if TriageModel.LEAF in rows and rules is not None:
        model_leaf = _model_guess(_loaded(rows[TriageModel.LEAF]), text, {}, threshold)
        known = rules.leaf_by_full_name.get(model_leaf.value)
        if known is not None:
            model_leaf.value, model_leaf.label = known
            leaf = model_leaf
    if leaf is None:
        rule_top, leaf = _rule_guesses(text, level1.value if level1 else None, taxonomy)
        level1 = level1 or rule_top

    place = suggest_place(address, text, within=within)
    body_id, body_name = None, ""
    divisions = _division_chain(chosen_place or (place.code if place else None), within)
    if divisions and rules is not None:
        code = leaf.value if leaf else rules.level1_code.get(level1.value) if level1 else None
        code = chosen_leaf or code
        found: Body | None = responsible_body_for(taxonomy.pk, rules.lineage(code), divisions)
        if found is not None:
            body_id, body_name = found.pk, found.name
    return Advice(ctype, level1, leaf, place, body_id, body_name, versions, threshold)


def _division_chain(code: str | None, within: Division | None) -> list[str]:
    """Division codes from the suggested place (else the office's division) up to the root."""
    if code is None and within is None:
        return []
    chain = place_matcher().chain(code or within.code)
    if not chain and within is not None:
        chain = [d.code for d in within.ancestors()]
    return chain


def _content_type_labels():
    from xinfang.cases.workflow import CONTENT_TYPES as LABELS

    return [(key, str(label)) for key, label in LABELS.items()]


def advice_for_case(case, *, within: Division | None = None) -> Advice:
    """The advice for a registered case: its own text, its category and place as the clerk set
    them. What the route page and the routing record use."""
    return suggest(
        case.title,
        case.body,
        case.address,
        within=within,
        chosen_leaf=case.category.code if case.category_id else None,
        chosen_place=case.place_id,
    )

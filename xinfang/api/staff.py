"""Staff endpoints (token): list and read cases, and make every move of workflow.py."""

from __future__ import annotations

import base64
import datetime as dt
import inspect

from django.contrib.auth import get_user_model
from django.db.models import Q
from ninja import Body as BodyParam
from ninja import Query, Router, Schema
from ninja.security import HttpBearer

from xinfang.cases import selectors as case_selectors
from xinfang.cases import services as case_services
from xinfang.cases import workflow
from xinfang.core.errors import InvalidInput, NotFound
from xinfang.orgs.models import Body

from .services import user_for_token


class StaffToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["staff"], auth=StaffToken())


class CaseFilters(Schema):
    state: str | None = None
    category: str | None = None
    division: str | None = None
    channel: str | None = None
    content_type: str | None = None
    holder: int | None = None
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    cursor: str | None = None
    limit: int = 50


def _encode_cursor(case) -> str:
    return base64.urlsafe_b64encode(f"{case.registered_at.isoformat()}|{case.pk}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return dt.datetime.fromisoformat(at), int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("无效的分页游标", fields={"cursor": ["无效的分页游标"]}) from exc


def case_summary(case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_label": workflow.STATE_LABELS[case.state],
        "channel": case.channel,
        "content_type": case.content_type,
        "category": case.category.full_name if case.category_id else None,
        "place": case.place_id,
        "holder": case.holder_body.name,
        "registered_at": case.registered_at,
        "version": case.version,
    }


@router.get("/v1/cases", summary="Cases visible to the token's user (keyset pagination)")
def list_cases(request, filters: Query[CaseFilters]):
    qs = case_selectors.cases_visible_to(request.auth).select_related("holder_body", "category")
    f = filters
    if f.state:
        qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category__code__startswith=f.category)
    if f.division:
        qs = qs.filter(place__path__contains=f"{f.division}/")
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.content_type:
        qs = qs.filter(content_type=f.content_type)
    if f.holder:
        qs = qs.filter(holder_body_id=f.holder)
    if f.registered_from:
        qs = qs.filter(registered_at__date__gte=f.registered_from)
    if f.registered_to:
        qs = qs.filter(registered_at__date__lte=f.registered_to)
    if f.cursor:
        at, pk = _decode_cursor(f.cursor)
        qs = qs.filter(Q(registered_at__lt=at) | Q(registered_at=at, pk__lt=pk))
    limit = max(1, min(f.limit, 200))
    page = list(qs.order_by("-registered_at", "-pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "items": [case_summary(c) for c in page],
        "next_cursor": _encode_cursor(page[-1]) if more else None,
    }


@router.get("/v1/cases/{number}", summary="One case, with parties masked, clocks and timeline")
def get_case(request, number: str):
    case = case_selectors.case_get_for_user(request.auth, number)
    show_identity = case_selectors.may_see_identity(request.auth, case)
    out = case_summary(case)
    out.update(
        {
            "body": case.body,
            "address": case.address,
            "parties": [p.masked() for p in case.parties.all()] if show_identity else [],
            "identity_hidden": not show_identity,
            "clocks": case_selectors.clock_entries(case),
            "timeline": case_selectors.timeline_entries(case, for_citizen=False),
            "flags": {
                "supervised": case.supervised,
                "listed_supervision": case.listed_supervision,
                "leader_level": case.leader_level,
                "is_group": case.is_group,
                "repeat_of": case.repeat_of.number if case.repeat_of_id else None,
            },
        }
    )
    return out


def _move_info(move: workflow.Move) -> dict:
    func = case_services.MOVE_FUNCTIONS[move.name]
    params = [
        {"name": name, "required": p.default is inspect.Parameter.empty}
        for name, p in inspect.signature(func).parameters.items()
        if name not in ("case", "actor", "expected_version")
    ]
    return {
        "name": move.name,
        "label": move.label,
        "article": move.article,
        "target": move.target,
        "params": params,
    }


@router.get("/v1/cases/{number}/moves", summary="The moves this user may make on the case now")
def list_moves(request, number: str):
    case = case_selectors.case_get_for_user(request.auth, number)
    return {
        "version": case.version,
        "moves": [_move_info(m) for m in case_services.available_moves(request.auth, case)],
    }


def _convert(name: str, value):
    """Turn JSON values into what a service takes: ids into rows, strings into dates."""
    if value is None:
        return None
    if name == "body":
        body = Body.objects.filter(pk=value, is_active=True).first()
        if body is None:
            raise InvalidInput("请选择有效的单位", fields={name: ["请选择有效的单位"]})
        return body
    if name in ("handler", "leader"):
        user = get_user_model().objects.filter(pk=value, is_active=True).first()
        if user is None:
            raise InvalidInput("请选择有效的人员", fields={name: ["请选择有效的人员"]})
        return user
    if name in ("report_due", "due_on", "deadline"):
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise InvalidInput(
                "日期格式应为YYYY-MM-DD", fields={name: ["日期格式应为YYYY-MM-DD"]}
            ) from exc
    if name == "days":
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInput("应为整数", fields={name: ["应为整数"]}) from exc
    return value


def call_move(*, actor, number: str, move: str, payload: dict):
    """Dispatch a move by name with a JSON payload; used by the API and the pages."""
    if move not in case_services.MOVE_FUNCTIONS:
        raise NotFound(f"未知的操作：{move}")
    case = case_selectors.case_get_for_user(actor, number)
    func = case_services.MOVE_FUNCTIONS[move]
    params = inspect.signature(func).parameters
    allowed = set(params) - {"case", "actor"}
    unknown = set(payload) - allowed
    if unknown:
        raise InvalidInput(
            "请求中有无法识别的字段", fields={k: ["无法识别的字段"] for k in unknown}
        )
    missing = [
        n
        for n, p in params.items()
        if n not in ("case", "actor") and p.default is inspect.Parameter.empty and n not in payload
    ]
    if missing:
        raise InvalidInput("请填写必填项", fields={k: ["此项为必填项"] for k in missing})
    kwargs = {k: _convert(k, v) for k, v in payload.items()}
    return func(case=case, actor=actor, **kwargs)


@router.post(
    "/v1/cases/{number}/moves/{move}",
    summary="Make a move (403 role/scope, 404 missing, 409 stale or not allowed, 422)",
)
def make_move(request, number: str, move: str, payload: dict = BodyParam(default={})):
    case = call_move(actor=request.auth, number=number, move=move, payload=payload or {})
    return {
        "number": case.number,
        "state": case.state,
        "state_label": workflow.STATE_LABELS[case.state],
        "version": case.version,
    }

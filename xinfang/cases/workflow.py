"""The case state machine, declared once as data (STATUTE.md). Pure: no database.

The move table is what services enforce, what draws the action buttons and what the API accepts.
Articles: W = 信访工作条例 (2022), X = 信访条例 (2005, configurable defaults).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from xinfang.core.errors import MoveNotAllowed, PermissionDenied


class S:
    REGISTERED = "registered"
    TRANSFERRED = "transferred"
    REMIT_OBJECTED = "remit_objected"
    ACCEPTED = "accepted"
    DECIDED = "decided"
    REPLIED = "replied"
    MEDIATED = "mediated"
    UNDER_REVIEW = "under_review"
    REVIEW_DECIDED = "review_decided"
    UNDER_REREVIEW = "under_rereview"
    FINAL = "final"
    NOT_ACCEPTED = "not_accepted"
    REDIRECTED = "redirected"
    MERGED = "merged"
    CLOSED = "closed"


STATE_LABELS: dict[str, str] = {
    S.REGISTERED: "已登记",
    S.TRANSFERRED: "已转送交办",
    S.REMIT_OBJECTED: "管辖异议待定",
    S.ACCEPTED: "已受理办理中",
    S.DECIDED: "处理意见待签发",
    S.REPLIED: "已答复",
    S.MEDIATED: "已调解",
    S.UNDER_REVIEW: "复查中",
    S.REVIEW_DECIDED: "已复查",
    S.UNDER_REREVIEW: "复核中",
    S.FINAL: "复核终结",
    S.NOT_ACCEPTED: "不予受理",
    S.REDIRECTED: "已导入法定途径",
    S.MERGED: "已合并",
    S.CLOSED: "已办结",
}
STATES = tuple(STATE_LABELS)
TERMINAL = frozenset({S.NOT_ACCEPTED, S.REDIRECTED, S.MERGED, S.CLOSED})
OPEN = frozenset(STATES) - TERMINAL

# Pseudo-roles beside the staff roles of orgs.Role.
PETITIONER = "petitioner"
SYSTEM = "system"

INTAKE = "intake_clerk"
HANDLER = "handler"
HEAD = "head"
SUPERVISOR = "supervisor"
LEADER = "leader"
GRID = "grid_worker"

# Who must hold the role: at the case's holder body, at the body that sent it, anywhere whose
# scope covers the holder, or at the holder or a petition office above it.
AT_HOLDER = "holder"
AT_SENDER = "sender"
IN_SCOPE = "scope"
AT_OFFICE = "office"
# Staff of a body handling its own part of a case beside the lead body (W24).
AT_CO_HANDLER = "co_handler"

CONTENT_TYPES = {"suggestion": "建议意见", "report": "检举控告", "appeal": "申诉求决"}
DECISIONS = {"support": "支持", "explain": "解释说明", "reject": "不予支持"}
RATINGS = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
LEADER_LEVELS = {"A": "A级", "B": "B级", "C": "C级"}
CHANNELS = {
    "web": "网上信访", "mobile": "手机信访", "letter": "来信", "visit": "来访", "phone": "电话",
    "fax": "传真", "video": "视频信访", "grid": "网格上报", "hotline": "12345热线转办",
}
LEGAL_CHANNELS = {
    "litigation": "诉讼", "arbitration": "仲裁", "party_appeal": "党内申诉",
    "reconsideration": "行政复议", "ruling": "行政裁决", "confirmation": "行政确认",
    "licensing": "行政许可", "penalty": "行政处罚", "duty": "依职责处理",
}


@dataclass(frozen=True)
class Context:
    """What guards may look at. Built by services from the case; built by hand in tests."""

    state: str
    today: dt.date
    content_type: str = "appeal"
    channel: str = "web"
    extension_used: bool = False
    extension_requested: bool = False
    hearing_active: bool = False
    rated: str = ""
    # Due dates of running clocks by period key.
    due: dict[str, dt.date] = field(default_factory=dict)
    holder_is_discipline: bool = False
    holder_level: int = 3
    # Whether co-handling bodies work on the case beside the lead body (W24).
    co_handling: bool = False


Guard = Callable[[Context], str | None]


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: an overlay that leaves the state as it is
    roles: frozenset[str]
    article: str
    acting: str = AT_HOLDER
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    notice: str | None = None
    citizen_visible: bool = True
    guards: tuple[Guard, ...] = ()

    def allowed_from(self, state: str) -> bool:
        return state in self.sources


def _within(period: str, message: str) -> Guard:
    def guard(ctx: Context) -> str | None:
        due = ctx.due.get(period)
        if due is None or ctx.today > due:
            return message
        return None

    guard.__name__ = f"within_{period}"
    return guard


def _window_over_or_rated(ctx: Context) -> str | None:
    for period in ("review_request", "rereview_request"):
        due = ctx.due.get(period)
        if due is not None and ctx.today <= due and ctx.rated not in ("satisfied", "basically"):
            return "申请复查（复核）期限未满，且信访人未表示满意，暂不能办结"
    due = ctx.due.get("rating")
    if due is not None and ctx.today <= due and not ctx.rated:
        # An unrated case is reported as unrated, so the petitioner keeps the chance to rate.
        return "评价期限未满且信访人尚未评价，暂不能办结"
    return None


def _not_extended(ctx: Context) -> str | None:
    return "办理期限已延期一次，不能再次延期（W34）" if ctx.extension_used else None


def _no_pending_extension(ctx: Context) -> str | None:
    return "已有延期申请等待负责人审批" if ctx.extension_requested else None


def _extension_requested(ctx: Context) -> str | None:
    return None if ctx.extension_requested else "承办人尚未提出延期申请"


def _not_rated(ctx: Context) -> str | None:
    return "已经评价过" if ctx.rated else None


def _hearing_on(ctx: Context) -> str | None:
    return None if ctx.hearing_active else "当前没有进行中的听证"


def _hearing_off(ctx: Context) -> str | None:
    return "听证正在进行" if ctx.hearing_active else None


def _supervision_open(ctx: Context) -> str | None:
    return None if "supervision" in ctx.due else "没有待回复的督办单"


def _co_handling(ctx: Context) -> str | None:
    return None if ctx.co_handling else "该事项没有协办单位"


def _grid_case(ctx: Context) -> str | None:
    if ctx.channel != "grid":
        return "只有网格上报的事项逐级上报"
    if ctx.holder_level <= 3:
        return "已在县级，不能再逐级上报"
    return None


def _report_needs_discipline(ctx: Context) -> str | None:
    # W22, W28: reports of misconduct are handled by discipline inspection bodies.
    if ctx.content_type == "report" and not ctx.holder_is_discipline:
        return "检举控告类事项由纪检监察机关受理"
    return None


ROUTING = frozenset({S.REGISTERED})
# Where a lead body and co-handling bodies may work together (W24).
HANDLING = frozenset({S.TRANSFERRED, S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_REREVIEW})
RECEIVED = frozenset({S.REGISTERED, S.TRANSFERRED})
ANSWERED = frozenset({S.REPLIED, S.MEDIATED, S.REVIEW_DECIDED, S.FINAL})
STAFF_ROUTERS = frozenset({INTAKE, HEAD})
BODY_STAFF = frozenset({HANDLER, HEAD})

MOVES: dict[str, Move] = {
    m.name: m
    for m in [
        # Sorting and routing.
        Move("transfer", "转送", ROUTING, S.TRANSFERRED, STAFF_ROUTERS, "W22", AT_OFFICE,
             starts=("accept_notice", "remit_objection"), stops=("route",), notice="transfer_slip"),
        Move("assign", "交办", ROUTING, S.TRANSFERRED, STAFF_ROUTERS, "W22", AT_OFFICE,
             starts=("accept_notice", "remit_objection", "result_report"), stops=("route",), notice="assign_slip"),
        Move("object_remit", "提出管辖异议", frozenset({S.TRANSFERRED}), S.REMIT_OBJECTED,
             BODY_STAFF, "W23", stops=("remit_objection",), citizen_visible=False,
             guards=(_within("remit_objection", "已超过5个工作日的异议期限（W23）"),)),
        Move("agree_return", "同意退回", frozenset({S.REMIT_OBJECTED}), S.REGISTERED,
             STAFF_ROUTERS, "W23", AT_SENDER, starts=("route",), stops=("accept_notice",),
             citizen_visible=False),
        Move("reject_objection", "不同意退回", frozenset({S.REMIT_OBJECTED}), S.TRANSFERRED,
             STAFF_ROUTERS, "W23/W24", AT_SENDER, citizen_visible=False),
        Move("accept", "受理", RECEIVED, S.ACCEPTED, BODY_STAFF, "W23/W31",
             starts=("handle",), stops=("route", "accept_notice", "remit_objection"),
             notice="acceptance_notice", guards=(_report_needs_discipline,)),
        Move("decline", "不予受理", RECEIVED, S.NOT_ACCEPTED, BODY_STAFF | {INTAKE}, "W19/W23",
             AT_OFFICE, stops=("route", "accept_notice", "remit_objection"),
             notice="non_acceptance_notice"),
        Move("not_reaccept", "不再受理", ROUTING, S.NOT_ACCEPTED, BODY_STAFF | {INTAKE}, "W36",
             AT_OFFICE, stops=("route",), notice="non_reacceptance_notice"),
        Move("redirect_to_legal_channel", "导入法定途径", RECEIVED, S.REDIRECTED,
             BODY_STAFF | {INTAKE}, "W31", AT_OFFICE,
             stops=("route", "accept_notice", "remit_objection"), notice="legal_channel_notice"),
        Move("merge_repeat", "合并重复件", RECEIVED, S.MERGED, STAFF_ROUTERS | {HANDLER},
             "W21/W22", AT_OFFICE, stops=("route", "accept_notice", "remit_objection")),
        # Handling.
        Move("mediate", "调解结案", frozenset({S.ACCEPTED}), S.MEDIATED, BODY_STAFF, "W33",
             stops=("handle", "result_report", "proposal_feedback"), starts=("rating",),
             notice="mediation_agreement"),
        Move("request_extension", "申请延期", frozenset({S.ACCEPTED}), None, BODY_STAFF, "W34",
             citizen_visible=False, guards=(_not_extended, _no_pending_extension)),
        Move("refuse_extension", "不予延期", frozenset({S.ACCEPTED}), None, frozenset({HEAD}),
             "W34", citizen_visible=False, guards=(_extension_requested,)),
        Move("extend", "批准延期", frozenset({S.ACCEPTED}), None, frozenset({HEAD}), "W34",
             notice="extension_notice", guards=(_not_extended, _extension_requested)),
        Move("decide", "拟定处理意见", frozenset({S.ACCEPTED}), S.DECIDED, BODY_STAFF, "W32",
             citizen_visible=False),
        Move("return_draft", "退回修改", frozenset({S.DECIDED}), S.ACCEPTED, frozenset({HEAD}),
             "W32", citizen_visible=False),
        Move("reply", "签发答复", frozenset({S.DECIDED}), S.REPLIED, frozenset({HEAD}), "W32/W34",
             starts=("review_request", "rating"),
             stops=("handle", "result_report", "proposal_feedback"), notice="reply_opinion"),
        # Joint handling: a lead body plus co-handling bodies, each with its part (W24).
        Move("add_co_handler", "增加协办单位", HANDLING, None, BODY_STAFF | {INTAKE}, "W24",
             AT_OFFICE, citizen_visible=False),
        Move("answer_co_handling", "协办回复", HANDLING, None, BODY_STAFF, "W24",
             AT_CO_HANDLER, citizen_visible=False, guards=(_co_handling,)),
        # After the reply.
        Move("rate", "评价", ANSWERED, None, frozenset({PETITIONER}), "W22", AT_HOLDER,
             stops=("rating",), guards=(_not_rated, _within("rating", "已超过评价期限"))),
        Move("request_review", "申请复查", frozenset({S.REPLIED}), S.UNDER_REVIEW,
             frozenset({PETITIONER, INTAKE}), "W35", AT_OFFICE,
             starts=("review_decide",), stops=("review_request", "rating"),
             guards=(_within("review_request", "已超过收到处理意见之日起30日的复查申请期限（W35）"),)),
        Move("decide_review", "作出复查意见", frozenset({S.UNDER_REVIEW}), S.REVIEW_DECIDED,
             BODY_STAFF, "W35", starts=("rereview_request", "rating"), stops=("review_decide",),
             notice="review_opinion"),
        Move("request_rereview", "申请复核", frozenset({S.REVIEW_DECIDED}), S.UNDER_REREVIEW,
             frozenset({PETITIONER, INTAKE}), "W36", AT_OFFICE,
             starts=("rereview_decide",), stops=("rereview_request", "rating"),
             guards=(_within("rereview_request", "已超过收到复查意见之日起30日的复核申请期限（W36）"),)),
        Move("start_hearing", "举行听证", frozenset({S.UNDER_REREVIEW}), None, BODY_STAFF, "W36",
             guards=(_hearing_off,)),
        Move("end_hearing", "听证结束", frozenset({S.UNDER_REREVIEW}), None, BODY_STAFF, "W36",
             guards=(_hearing_on,)),
        Move("decide_rereview", "作出复核意见", frozenset({S.UNDER_REREVIEW}), S.FINAL,
             BODY_STAFF, "W36", stops=("rereview_decide",), starts=("rating",),
             notice="rereview_opinion", guards=(_hearing_off,)),
        Move("close", "办结归档", ANSWERED, S.CLOSED, BODY_STAFF | {INTAKE, SYSTEM}, "W22/W36",
             AT_OFFICE, stops=("review_request", "rereview_request", "rating", "supervision"),
             guards=(_window_over_or_rated,)),
        # Overlays and escalation.
        Move("supervise", "督办", OPEN, None, frozenset({SUPERVISOR}), "W40/X36", IN_SCOPE,
             starts=("supervision",), notice="supervision_notice", citizen_visible=False),
        Move("answer_supervision", "督办回复", OPEN, None, BODY_STAFF, "W40",
             stops=("supervision",), citizen_visible=False, guards=(_supervision_open,)),
        Move("list_supervision", "挂牌督办", OPEN, None, frozenset({SUPERVISOR, LEADER}), "W39",
             IN_SCOPE, citizen_visible=False),
        Move("assign_leader", "领导包案", OPEN, None, frozenset({SUPERVISOR, LEADER}), "W18",
             IN_SCOPE, citizen_visible=False),
        Move("escalate", "提请领导协调", OPEN, None, frozenset({SUPERVISOR}), "W40", IN_SCOPE,
             citizen_visible=False),
        Move("escalate_grid", "逐级上报", ROUTING, None,
             frozenset({GRID, HANDLER, HEAD}), "W17 (grid)", guards=(_grid_case,)),
    ]
}

# Registration is the move that creates a case; it has no source state.
REGISTER_ROLES = frozenset({INTAKE, HANDLER, HEAD, GRID, PETITIONER})


def moves_from(state: str) -> list[Move]:
    return [m for m in MOVES.values() if m.allowed_from(state)]


def get_move(name: str) -> Move:
    try:
        return MOVES[name]
    except KeyError:
        raise MoveNotAllowed(f"未知的操作：{name}", code="unknown_move") from None


def guard_failures(move: Move, ctx: Context) -> list[str]:
    return [msg for g in move.guards if (msg := g(ctx))]


def check(move: Move, ctx: Context, roles: set[str] | frozenset[str]) -> None:
    """Raise unless `roles` may make `move` now. Roles are those the actor holds for this case."""
    if not roles & move.roles:
        raise PermissionDenied(f"您没有权限执行“{move.label}”")
    if not move.allowed_from(ctx.state):
        raise MoveNotAllowed(
            f"事项当前状态为“{STATE_LABELS.get(ctx.state, ctx.state)}”，不能执行“{move.label}”"
        )
    failures = guard_failures(move, ctx)
    if failures:
        raise MoveNotAllowed(failures[0], code="guard_failed")


def available(ctx: Context, roles: set[str] | frozenset[str]) -> list[Move]:
    """The moves these roles may make now: what the pages draw and the API lists."""
    return [
        m for m in moves_from(ctx.state)
        if roles & m.roles and not guard_failures(m, ctx)
    ]

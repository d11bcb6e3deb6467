"""Workbench: inbox queues per body and role, Chinese full-text search, the case page with its
moves, unmasking with a logged reason, and report protection (W22, W23, W30, W32, W34, W46)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import register_appeal, report_against
from xinfang.cases import services, workflow
from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.selectors import InboxFilters, inbox, inbox_queues

TZ = ZoneInfo("Asia/Shanghai")
DAY0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=TZ)  # a Monday


def at(day: dt.datetime | dt.date, hour: int = 10):
    if isinstance(day, dt.datetime):
        return time_machine.travel(day, tick=False)
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def numbers(user, queue="all", **filters) -> set[str]:
    return {c.number for c in inbox(user, queue, InboxFilters(**filters), None, 200).items}


def to_housing(county, **overrides):
    case = register_appeal(county, **overrides).case
    return services.transfer(case=case, actor=county.users["clerk"], body=county.housing)


def to_land(county, **overrides):
    case = register_appeal(county, **overrides).case
    return services.transfer(case=case, actor=county.users["clerk"], body=county.land)


def report_against_housing(county):
    """A report (检举控告) accusing the housing bureau, routed to discipline inspection."""
    return report_against(
        county,
        county.housing,
        title="住建局工作人员违规收取拆迁补偿好处费",
        text="反映住建局某科长在拆迁补偿中收受好处费。",
        parties=[
            services.PartyInput(name="张三", phone="13800138000", id_number="370687199001011234")
        ],
    )


# ---------------------------------------------------------------------------------------------
# Queues


def test_new_queue_holds_what_reached_my_body_and_nothing_from_other_bodies(county):
    """W23: a body sees what was transferred to it; the land bureau's case is not in its inbox."""
    with at(DAY0):
        mine = to_housing(county)
        other = to_land(county, title="宅基地确权纠纷", text="宅基地边界不清。")
        handler = county.users["handler"]
        assert numbers(handler, "new") == {mine.number}
        assert other.number not in numbers(handler, "all")
        assert numbers(county.users["land_handler"], "new") == {other.number}
        # The clerk's office sent both on: it follows them up, but its new queue is empty.
        assert numbers(county.users["clerk"], "all") >= {mine.number, other.number}
        assert numbers(county.users["clerk"], "new") == set()
        services.accept(case=mine, actor=handler)
        assert numbers(handler, "new") == set()


def test_due_soon_and_overdue_follow_the_staff_clocks(county):
    """W23: the 15-day acceptance notice clock makes a transferred case due soon, then overdue."""
    with at(DAY0):
        case = to_housing(county)
    handler = county.users["handler"]
    with at(DAY0.date() + dt.timedelta(days=5)):
        assert case.number not in numbers(handler, "due_soon")
        assert case.number not in numbers(handler, "overdue")
    with at(DAY0.date() + dt.timedelta(days=15)):
        assert case.number in numbers(handler, "due_soon")
        assert case.number not in numbers(handler, "overdue")
    with at(DAY0.date() + dt.timedelta(days=20)):
        assert case.number in numbers(handler, "overdue")
        assert case.number not in numbers(handler, "due_soon")
        assert case.number in numbers(county.users["supervisor"], "overdue")
        assert case.number not in numbers(county.users["land_handler"], "overdue")


def test_a_case_late_on_one_deadline_and_due_soon_on_another_is_in_both_queues(county):
    """W40: a supervision notice's reply date passes while the handling period runs on; when
    the handling period nears its end the case is overdue and due soon at once, and the
    nearest-deadline order ranks it by the passed date."""
    u = county.users
    with at(DAY0):
        case = services.accept(case=to_housing(county), actor=u["handler"])
        case = services.supervise(
            case=case,
            actor=u["supervisor"],
            grounds="久拖不办",
            due_on=DAY0.date() + dt.timedelta(days=3),
        )
        calm = services.accept(
            case=to_housing(county, title="小区路灯不亮", text="路灯坏了。"), actor=u["handler"]
        )
    handle = case.clocks.get(period="handle").due_on
    with at(handle - dt.timedelta(days=1)):
        for user in (u["handler"], u["supervisor"], u["leader"]):
            assert numbers(user, "overdue") == {case.number}
            assert numbers(user, "due_soon") == {case.number, calm.number}
        page = inbox(u["supervisor"], "all", InboxFilters(sort="due"), None, 200)
        assert [c.number for c in page.items][:2] == [case.number, calm.number]
        assert page.items[0].next_due == DAY0.date() + dt.timedelta(days=3)
        services.answer_supervision(case=case, actor=u["handler"], answer="已约谈物业")
        assert numbers(u["supervisor"], "overdue") == set()
        assert numbers(u["supervisor"], "due_soon") == {case.number, calm.number}


def test_the_overdue_queue_lists_newest_registration_first_whatever_the_due_dates(county):
    """A page of a due queue is merged from each due date's newest cases (on PostgreSQL): the
    case registered first but sent on last is due last, and still comes last, page by page."""
    u = county.users
    with at(DAY0):
        early = register_appeal(county).case
    later = []
    for i in range(1, 4):
        with at(DAY0 + dt.timedelta(days=i)):
            later.append(to_housing(county, title=f"小区路灯不亮{i}", text="路灯坏了。"))
    with at(DAY0 + dt.timedelta(days=4)):
        early = services.transfer(case=early, actor=u["clerk"], body=county.housing)
    due = {c.number: Case.objects.get(pk=c.pk).next_due_on for c in [early, *later]}
    assert len(set(due.values())) == 4 and due[early.number] == max(due.values())
    with at(DAY0 + dt.timedelta(days=60)):
        # The office registered and sent on every one: two reasons to see each, one listing.
        for user in (u["supervisor"], u["handler"], u["clerk"]):
            seen, cursor = [], None
            while True:
                page = inbox(user, "overdue", InboxFilters(), cursor, 1)
                seen += [c.number for c in page.items]
                cursor = page.next_cursor
                if not cursor:
                    break
            assert seen == [c.number for c in reversed(later)] + [early.number]
            whole = inbox(user, "overdue", InboxFilters(), None, 3)
            assert [c.number for c in whole.items] == seen[:3] and whole.next_cursor


def test_citizen_windows_never_make_a_case_overdue(county):
    """W35: the 30 days to ask for review are the petitioner's, not a staff deadline.
    (Explained, not supported: no carrying out is owed, W32.)"""
    u = county.users
    with at(DAY0):
        case = to_housing(county)
        case = services.accept(case=case, actor=u["handler"])
        case = services.decide(
            case=case, actor=u["handler"], decision="explain", facts="属实", reasons="已列入计划"
        )
        case = services.reply(case=case, actor=u["head"])
    with at(DAY0.date() + dt.timedelta(days=45)):
        assert case.number not in numbers(u["handler"], "overdue")
        assert case.number not in numbers(u["supervisor"], "overdue")


def test_head_signs_off_extensions_and_replies(county):
    """W32, W34: the handler's extension request and draft reply wait in the head's queue."""
    u = county.users
    with at(DAY0):
        case = services.accept(case=to_housing(county), actor=u["handler"])
        assert "signoff" in inbox_queues(u["head"])
        assert "signoff" not in inbox_queues(u["handler"])
        assert numbers(u["head"], "signoff") == set()
        case = services.request_extension(case=case, actor=u["handler"], days=20, reason="需鉴定")
        assert numbers(u["head"], "signoff") == {case.number}
        case = services.extend(case=case, actor=u["head"])
        assert numbers(u["head"], "signoff") == set()
        case = services.decide(
            case=case, actor=u["handler"], decision="explain", facts="属实", reasons="无法律依据"
        )
        assert numbers(u["head"], "signoff") == {case.number}
        assert numbers(u["city_head"], "signoff") == set()
        services.reply(case=case, actor=u["head"])
        assert numbers(u["head"], "signoff") == set()


def test_supervised_and_leader_owned_queues(county):
    """W18, W40: a supervised case and a leader's own case show in those queues."""
    u = county.users
    with at(DAY0):
        case = services.accept(case=to_housing(county), actor=u["handler"])
        plain = to_housing(county, title="小区路灯不亮", text="路灯坏了。")
        case = services.supervise(case=case, actor=u["supervisor"], grounds="久拖不办")
        assert numbers(u["handler"], "supervised") == {case.number}
        case = services.assign_leader(
            case=case,
            actor=u["leader"],
            level="B",
            leader=u["leader"],
            body=county.housing,
            plan="约谈物业，限期维修",
            deadline=DAY0.date() + dt.timedelta(days=30),
        )
        assert "leader" in inbox_queues(u["leader"])
        assert numbers(u["leader"], "leader") == {case.number}
        assert plain.number not in numbers(u["leader"], "leader")


def test_filters_and_keyset_pages(county, taxonomy_leaf):
    """Filters narrow the inbox; pages follow (registered_at, id) without repeats or gaps."""
    u = county.users
    made = []
    for i in range(5):
        with at(DAY0 + dt.timedelta(hours=i)):
            made.append(
                register_appeal(
                    county,
                    title=f"漏水{i}",
                    channel="visit" if i % 2 else "letter",
                    category=taxonomy_leaf if i == 0 else None,
                ).case.number
            )
    clerk = u["clerk"]
    assert numbers(clerk, channel="visit") == {made[1], made[3]}
    assert numbers(clerk, category=taxonomy_leaf.code[:2]) == {made[0]}
    assert numbers(clerk, category=taxonomy_leaf.code) == {made[0]}
    assert numbers(clerk, division=county.county.code) == set(made)
    assert numbers(clerk, division=county.town.code) == set()
    seen, cursor = [], None
    while True:
        page = inbox(clerk, "all", None, cursor, 2)
        seen += [c.number for c in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == made[::-1]


@pytest.fixture
def taxonomy_leaf(tmp_path):
    from xinfang.taxonomy.selectors import leaves
    from xinfang.taxonomy.services import load_taxonomy

    csv = tmp_path / "taxonomy.csv"
    csv.write_text("level1,level2,level3\n城乡建设,住房保障,物业管理\n", encoding="utf-8")
    load_taxonomy(path=csv)
    return leaves().get(name="物业管理")


# ---------------------------------------------------------------------------------------------
# Search (both engines: this module runs on SQLite and, with DATABASE_URL, on PostgreSQL)


def test_search_finds_a_two_character_word_and_not_a_lone_character(county, client):
    """拆迁 is one jieba word of “小区拆迁补偿不到位”; 拆 alone is no word of it."""
    case = register_appeal(county, title="小区拆迁补偿不到位", text="补偿款迟迟未发放。").case
    register_appeal(county, title="楼顶漏水", text="无人维修。")
    clerk = county.users["clerk"]
    assert numbers(clerk, q="拆迁") == {case.number}
    assert numbers(clerk, q="拆迁 补偿") == {case.number}
    assert numbers(clerk, q="拆") == set()
    assert numbers(clerk, q="拆迁 漏水") == set()
    client.force_login(clerk)
    page = client.get("/desk/", {"q": "拆迁"}).content.decode()
    assert case.number in page and "楼顶漏水" not in page


def test_reindex_search_fills_old_cases(county):
    case = register_appeal(county, title="小区拆迁补偿不到位").case
    Case.objects.filter(pk=case.pk).update(search_text="")  # as before search text existed
    assert numbers(county.users["clerk"], q="拆迁") == set()
    call_command("reindex_search", stdout=open("/dev/null", "w"))
    assert numbers(county.users["clerk"], q="拆迁") == {case.number}


# ---------------------------------------------------------------------------------------------
# Report protection (W30, W46)


def test_report_never_reaches_the_accused_body(county, client):
    """Not in its inbox, not by search, its case page is 404 — for the accused body's staff."""
    case = report_against_housing(county)
    for name in ("handler", "head"):
        user = county.users[name]
        assert case.number not in numbers(user, "all")
        assert case.number not in numbers(user, "all", q="拆迁")
        client.force_login(user)
        assert client.get(f"/desk/case/{case.number}/").status_code == 404
        assert case.number not in client.get("/desk/", {"q": "拆迁"}).content.decode()
    client.force_login(county.users["discipline_handler"])
    assert client.get(f"/desk/case/{case.number}/").status_code == 200
    assert case.number in numbers(county.users["discipline_handler"], "new", q="拆迁")


def test_reporter_identity_hidden_from_the_sending_office(county, client):
    """W30: the office that sent a report on sees the case, not who reported it."""
    case = report_against_housing(county)
    client.force_login(county.users["clerk"])
    page = client.get(f"/desk/case/{case.number}/").content.decode()
    assert case.number in page and "张**" not in page and "/unmask/" not in page
    party = case.parties.get()
    r = client.post(f"/desk/case/{case.number}/parties/{party.pk}/unmask/", {"reason": "核实身份"})
    assert r.status_code == 403
    assert "张三" not in r.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind="unmask").exists()


# ---------------------------------------------------------------------------------------------
# Case page


def test_unmasking_needs_a_reason_and_is_logged(county, client):
    case = to_housing(county)
    party = case.parties.get()
    client.force_login(county.users["handler"])
    page = client.get(f"/desk/case/{case.number}/").content.decode()
    assert "张**" in page and "张三" not in page and "13800138000" not in page
    url = f"/desk/case/{case.number}/parties/{party.pk}/unmask/"
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 422 and "张三" not in refused.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind="unmask").exists()
    shown = client.post(url, {"reason": "电话联系信访人核实情况"})
    body = shown.content.decode()
    assert shown.status_code == 200 and "张三" in body and "13800138000" in body
    event = CaseEvent.objects.get(case=case, kind="unmask")
    assert event.extra["reason"] == "电话联系信访人核实情况" and event.extra["party"] == party.pk
    assert event.actor == county.users["handler"] and not event.citizen_visible
    case.refresh_from_db()
    assert case.event_count == event.seq  # hash chain anchored on the case
    # Shown once: the next visit is masked again.
    assert "张三" not in client.get(f"/desk/case/{case.number}/").content.decode()


def _shown_moves(html: str) -> set[str]:
    return set(re.findall(r'<details class="move" id="move-([a-z_]+)"', html))


@pytest.mark.parametrize("who", ["handler", "head", "clerk", "supervisor", "land_handler"])
def test_moves_shown_are_exactly_the_available_moves(county, client, who):
    u = county.users
    case = services.accept(case=to_housing(county), actor=u["handler"])
    case = services.request_extension(case=case, actor=u["handler"], days=10, reason="需鉴定")
    client.force_login(u[who])
    r = client.get(f"/desk/case/{case.number}/")
    if who == "land_handler":
        assert r.status_code == 404
        return
    # The case page offers the available moves declared for it (a joint meeting's decision is
    # made from the meeting's page).
    available = services.available_moves(u[who], case)
    expected = {m.name for m in available if workflow.CASE_PAGE in m.pages}
    assert _shown_moves(r.content.decode()) == expected
    if who == "head":
        assert "extend" in expected and "decide" in expected
    if who == "handler":
        assert "extend" not in expected  # only the head approves (W34)


def test_move_forms_post_through_the_services(county, client):
    """W23, W34: the handler accepts and asks for an extension from the case page."""
    case = to_housing(county)
    client.force_login(county.users["handler"])
    url = f"/desk/case/{case.number}/move/"
    r = client.post(url + "accept/", {"accept-version": case.version, "accept-note": ""})
    assert r.status_code == 302 and r["Location"] == f"/desk/case/{case.number}/"
    case.refresh_from_db()
    assert case.state == "accepted" and case.handler == county.users["handler"]
    bad = client.post(
        url + "request_extension/",
        {
            "request_extension-version": case.version,
            "request_extension-days": "45",
            "request_extension-reason": "需鉴定",
        },
    )
    assert bad.status_code == 422
    case.refresh_from_db()
    assert not case.extension_requested
    r = client.post(
        url + "request_extension/",
        {
            "request_extension-version": case.version,
            "request_extension-days": "20",
            "request_extension-reason": "需鉴定",
        },
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.extension_requested


def test_a_stale_version_shows_the_conflict_message(county, client):
    case = to_housing(county)
    stale = case.version
    services.accept(case=case, actor=county.users["handler2"])
    client.force_login(county.users["handler"])
    r = client.post(
        f"/desk/case/{case.number}/move/request_extension/",
        {
            "request_extension-version": stale,
            "request_extension-days": "10",
            "request_extension-reason": "需鉴定",
        },
    )
    assert r.status_code == 409
    assert "该事项已被他人处理，请刷新后查看最新情况再操作" in r.content.decode()
    case.refresh_from_db()
    assert not case.extension_requested


def test_transfer_form_never_offers_the_accused_body(county, client):
    """W30: a report's routing form lists discipline inspection, never the accused bureau."""
    case = register_appeal(
        county,
        content_type="report",
        title="违规收费",
        text="某局乱收费。",
        accused_body=county.land,
    ).case
    client.force_login(county.users["clerk"])
    html = client.get(f"/desk/case/{case.number}/").content.decode()
    form = html[html.index('id="move-transfer"') :]
    form = form[: form.index("</details>")]
    assert county.discipline.name in form and county.land.name not in form


def test_case_page_lists_clocks_notices_and_attachments(county, client, settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    case = register_appeal(
        county,
        attachments=[services.AttachmentInput(name="信件.pdf", content=b"%PDF-1.4 scan")],
    ).case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    client.force_login(county.users["handler"])
    html = client.get(f"/desk/case/{case.number}/").content.decode()
    assert "告知期限" in html or 'data-period="accept_notice"' in html
    assert "天" in html
    att = case.attachments.get()
    r = client.get(f"/desk/case/{case.number}/files/{att.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 scan"
    from xinfang.documents.models import Notice

    notice = Notice.objects.filter(case=case, status=Notice.RENDERED).first()
    if notice is not None:
        assert notice.title in html
        r = client.get(f"/desk/case/{case.number}/notices/{notice.pk}/")
        assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(county.users["land_handler"])
    assert client.get(f"/desk/case/{case.number}/files/{att.pk}/").status_code == 404


def test_the_api_list_shares_the_inbox_queues_and_search(county, client):
    """GET /api/v1/cases takes the same queue and search as the desk inbox (one selector)."""
    from tests.api.test_staff_api import auth, token_for

    u = county.users
    case = services.accept(
        case=to_housing(county, title="小区拆迁补偿不到位", text="补偿款未发放。"),
        actor=u["handler"],
    )
    to_housing(county, title="楼顶漏水", text="无人维修。")
    services.decide(case=case, actor=u["handler"], decision="support", facts="属实", reasons="应当")
    headers = auth(token_for(u["head"]))
    got = client.get("/api/v1/cases", {"queue": "signoff"}, headers=headers).json()
    assert [i["number"] for i in got["items"]] == [case.number]
    got = client.get("/api/v1/cases", {"q": "拆迁"}, headers=headers).json()
    assert [i["number"] for i in got["items"]] == [case.number]
    assert client.get("/api/v1/cases", {"queue": "nope"}, headers=headers).status_code == 422

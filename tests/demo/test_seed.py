"""`seed_demo` builds the demo county once, through the services, and prints the logins.

One seeding for the whole class (it takes several seconds); the stories' checks are in
`stories.py` and run over the same data."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from xinfang.cases import selectors, services, workflow
from xinfang.cases.models import (
    Case,
    CaseEvent,
    Clock,
    CoHandler,
    GridItem,
    SupervisionNotice,
)
from xinfang.cases.selectors import overdue_clocks
from xinfang.core import audit, events
from xinfang.demo import data, planner, procedure, seed
from xinfang.demo.county import (
    DEMO_PASSWORD,
    LOGIN_HINTS,
    build_divisions_and_bodies,
    staff_plan,
)
from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership, Role
from xinfang.taxonomy.models import RoutingRule

from .stories import StoryChecks


def _counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "clocks": Clock.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "bodies": Body.objects.count(),
        "divisions": Division.objects.count(),
        "rules": RoutingRule.objects.count(),
        "grid_items": GridItem.objects.count(),
        "co_handlers": CoHandler.objects.count(),
        "notices": SupervisionNotice.objects.count(),
    }


def _county():
    county = build_divisions_and_bodies()
    for username, *_ in staff_plan():
        county.users[username] = get_user_model().objects.get(username=username)
    return county


class SeedDemoTests(StoryChecks, TestCase):
    """One seeding per class (it takes a few seconds); each test reads the result."""

    @classmethod
    def setUpTestData(cls):
        cls.seed_once()

    def test_every_state_has_cases_and_the_total_is_about_150(self):
        states = set(Case.objects.values_list("state", flat=True))
        assert set(workflow.STATE_LABELS) <= states, set(workflow.STATE_LABELS) - states
        assert 140 <= Case.objects.count() <= 180
        assert self.errors == "", self.errors

    def test_the_demo_shows_every_move_of_the_procedure(self):
        """Routing (W22, W23), handling (W31-W34), review (W35, W36), supervision (W18, W40)."""
        shown = set(
            "transfer assign object_remit agree_return reject_objection accept decline "
            "not_reaccept redirect_to_legal_channel merge_repeat mediate request_extension "
            "extend decide return_draft reply rate request_review decide_review "
            "request_rereview start_hearing end_hearing decide_rereview close supervise "
            "answer_supervision list_supervision assign_leader escalate escalate_grid "
            "refuse_extension add_co_handler answer_co_handling overdue_flagged unmask".split()
        )
        kinds = set(CaseEvent.objects.values_list("kind", flat=True))
        assert shown <= kinds, shown - kinds

    def test_the_demo_holds_a_joint_meeting_and_letters_to_the_leader(self):
        """W39: a meeting whose decisions are tasks in the bodies' inboxes; W18: letters."""
        from xinfang.reception.models import Meeting

        meeting = Meeting.objects.get()
        tasks = list(meeting.decisions.all())
        assert len(tasks) == 2 and sum(1 for t in tasks if t.case_id) == 1
        kinds = set(CaseEvent.objects.values_list("kind", flat=True))
        assert {"address_leader", "instruct", "meeting_decision"} <= kinds
        assert Case.objects.filter(letter_leader__username="leader").count() == 1

    def test_the_statistics_count_every_demo_case(self):
        from xinfang.insights.models import CaseFact

        assert CaseFact.objects.count() == Case.objects.count()

    def test_every_channel_and_content_type_appears(self):
        assert set(Case.objects.values_list("channel", flat=True)) == set(workflow.CHANNELS)
        assert set(Case.objects.values_list("content_type", flat=True)) == set(
            workflow.CONTENT_TYPES
        )

    def test_logins_are_printed_with_the_password_and_every_role(self):
        assert DEMO_PASSWORD in self.output
        for username, _name, _body, _roles in staff_plan():
            assert username in self.output
        for role in Role:
            assert role.value in self.output
        admin = get_user_model().objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert get_user_model().objects.get(username="clerk").check_password(DEMO_PASSWORD)

    def test_running_again_creates_nothing_and_still_prints_the_logins(self):
        before = _counts()
        out = StringIO()
        call_command("seed_demo", stdout=out)
        assert _counts() == before
        assert "clerk" in out.getvalue() and DEMO_PASSWORD in out.getvalue()

    def test_every_timeline_chain_is_intact_and_ends_in_the_case_state(self):
        """The audit log is hash-chained (DESIGN.md, CaseEvent); every move went through services."""
        events: dict[int, list[CaseEvent]] = {}
        for event in CaseEvent.objects.order_by("case_id", "seq"):
            events.setdefault(event.case_id, []).append(event)
        for case in Case.objects.all():
            chain = events[case.pk]
            head = audit.GENESIS
            for seq, event in enumerate(chain, start=1):
                assert event.seq == seq and event.prev_hash == head, case.number
                head = audit.link_hash(head, event.hash_payload())
                assert event.hash == head, case.number
            assert case.audit_head == head and case.event_count == len(chain)
            assert chain[0].kind == "register"
            moves = [e for e in chain if e.to_state]
            assert moves[-1].to_state == case.state, case.number
        try:
            from xinfang.cases.audit import verify_audit_chain
        except ImportError:  # pragma: no cover - the verifier ships separately
            return
        assert verify_audit_chain().intact

    def test_history_spreads_over_four_months_and_never_into_the_future(self):
        now = timezone.now()
        first = Case.objects.order_by("registered_at").first().registered_at
        assert now - first > dt.timedelta(days=90)
        assert now - first <= dt.timedelta(days=planner.SPAN_DAYS + 1)
        assert not CaseEvent.objects.filter(at__gt=now).exists()

    def test_some_are_overdue_some_extended_and_some_due_soon(self):
        """W34: 60 days from acceptance, one extension of at most 30 days."""
        assert overdue_clocks().filter(period="handle").exists()
        extended = Case.objects.filter(extension_used=True)
        assert extended.exists()
        assert Clock.objects.filter(
            case__in=extended, period="handle", extension_days__gt=0
        ).exists()
        today = timezone.localdate()
        assert Clock.objects.filter(
            period="handle",
            status=Clock.RUNNING,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=5),
        ).exists()

    def test_reports_groups_supervision_leaders_ratings_and_grid_escalations(self):
        """W22/W28 reports to discipline; W20 at most 5 representatives; W18 包案; W40 督办."""
        held = set(
            Case.objects.filter(content_type="report")
            .exclude(
                state__in=[
                    workflow.S.REGISTERED,
                    workflow.S.NOT_ACCEPTED,
                    workflow.S.REDIRECTED,
                    workflow.S.MERGED,
                ]
            )
            .values_list("holder_body__kind", flat=True)
        )
        assert held == {BodyKind.DISCIPLINE}
        for case in Case.objects.filter(is_group=True):
            assert 1 <= case.parties.filter(kind="representative").count() <= 5
        assert Case.objects.filter(is_group=True).count() >= 3
        assert set(
            Case.objects.exclude(leader_level="").values_list("leader_level", flat=True)
        ) == {"A", "B", "C"}
        assert Case.objects.filter(supervised=True).exists()
        assert Case.objects.filter(listed_supervision=True).exists()
        assert Case.objects.exclude(rating="").count() >= 10
        assert CaseEvent.objects.filter(kind="escalate_grid").exists()
        assert CaseEvent.objects.filter(kind="merge_repeat").exists()
        assert Case.objects.filter(repeat_of__isnull=False).count() >= 1

    def test_reviews_go_to_the_superior_body(self):
        """W35: review by the superior of the deciding body; W36: re-review one step up."""
        for case in Case.objects.filter(state=workflow.S.UNDER_REVIEW):
            request = case.events.get(kind="request_review")
            assert case.holder_body.subordinates.filter(pk=request.old["holder_body_id"]).exists()
        assert Case.objects.filter(
            state=workflow.S.FINAL, holder_body__division__code="370600"
        ).exists()

    def test_routing_rules_map_categories_to_the_county_departments(self):
        from xinfang.taxonomy.selectors import responsible_body

        case = Case.objects.filter(category__full_name__startswith="劳动和社会保障/").first()
        assert responsible_body(case.category, case.place).name == "海阳市人力资源和社会保障局"
        case = Case.objects.filter(category__name="违章建筑").first()
        assert responsible_body(case.category, case.place).name == "海阳市综合行政执法局"

    def test_the_same_seed_plans_the_same_cases(self):
        county = _county()
        today = timezone.localdate()
        first = procedure.plan_demo(county, today=today)
        second = procedure.plan_demo(county, today=today)
        assert [p.register["title"] for p in first.cases] == [
            p.register["title"] for p in second.cases
        ]
        assert [s.at for p in first.cases for s in p.steps] == [
            s.at for p in second.cases for s in p.steps
        ]
        assert [(g.spec.title, [s.at for s in g.steps]) for g in first.grid] == [
            (g.spec.title, [s.at for s in g.steps]) for g in second.grid
        ]
        titles = set(Case.objects.values_list("title", flat=True))
        assert {p.register["title"] for p in first.cases} == titles
        assert {g.spec.title for g in first.grid} == set(
            GridItem.objects.values_list("title", flat=True)
        )
        assert procedure.plan_cases(county, today=today)[0].register == first.cases[0].register

    # -- the oversight layer ------------------------------------------------------------------

    def test_joint_handling_shows_answered_and_pending_co_handlers(self):
        """W24: a lead body with co-handling bodies, each reporting on its own part."""
        rows = list(CoHandler.objects.select_related("case"))
        answered = [c for c in rows if c.answered_at is not None]
        pending = [c for c in rows if c.answered_at is None]
        assert len(answered) >= 2 and len(pending) >= 2
        assert all(c.answer for c in answered) and not any(c.answer for c in pending)
        assert all(c.body_id != c.case.holder_body_id for c in rows)
        assert all(c.case.state in workflow.HANDLING for c in rows)
        # Co-handlers added at more than one stage: transferred and accepted.
        assert {workflow.S.TRANSFERRED, workflow.S.ACCEPTED} <= {c.case.state for c in rows}
        assert CaseEvent.objects.filter(kind="answer_co_handling").count() == len(answered)

    def test_supervision_notices_answered_open_and_overdue(self):
        """W40/X36: 督办单 rows with their own reply dates; some answered, some past due."""
        today = timezone.localdate()
        notices = SupervisionNotice.objects.all()
        answered = notices.filter(answered_at__isnull=False)
        open_ = notices.filter(answered_at__isnull=True)
        assert answered.exists() and all(n.answer for n in answered)
        assert open_.filter(due_on__gte=today).exists()
        overdue = open_.filter(due_on__lt=today)
        assert overdue.count() >= 2
        # Answered, then supervised again: one case with both kinds of notice.
        assert answered.filter(case__in=overdue.values("case")).exists()
        for notice in open_:
            assert notice.case.supervised, notice.case.number
            assert notice.case.clocks.filter(period="supervision", status=Clock.RUNNING).exists()

    def test_an_extension_refused_and_one_awaiting_the_head(self):
        """W34: the head may refuse; the 60-day limit then stands. One request is still open."""
        refused = Case.objects.filter(events__kind="refuse_extension").distinct()
        assert refused.count() >= 2
        for case in refused:
            assert not case.extension_used and not case.extension_requested
            assert "extension_request" not in case.decision_detail
        still_open = refused.filter(state=workflow.S.ACCEPTED).first()
        handle = still_open.clocks.get(period="handle", status=Clock.RUNNING)
        assert handle.extension_days == 0
        pending = Case.objects.filter(extension_requested=True, state=workflow.S.ACCEPTED)
        assert pending.exists()
        head = get_user_model().objects.get(username="zhujian_head")
        assert "refuse_extension" in {m.name for m in services.available_moves(head, pending[0])}

    def test_grid_ledger_in_every_status_at_every_level(self):
        """Grid ledger (小事不出村、大事不出镇): village, township and county rows."""
        today = timezone.localdate()
        levels = {Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY}
        items = list(GridItem.objects.select_related("holder_body__division", "case"))
        assert 10 <= len(items) <= 16
        by_status: dict[str, set[int]] = {}
        for item in items:
            by_status.setdefault(item.status, set()).add(item.holder_body.division.level)
        assert by_status[GridItem.OPEN] == levels
        assert by_status[GridItem.SETTLED] == levels
        assert by_status[GridItem.CONVERTED] == {Level.TOWNSHIP, Level.COUNTY}
        overdue = [i for i in items if i.status == GridItem.OPEN and i.due_on < today]
        assert {i.holder_body.division.level for i in overdue} == levels
        assert any(i.status == GridItem.OPEN and i.due_on >= today for i in items)
        for item in items:
            ups = [h for h in item.history if h["action"] == "escalate"]
            expected = {Level.VILLAGE: 0, Level.TOWNSHIP: 1, Level.COUNTY: 2}
            if item.history[0]["to"].endswith("村民委员会"):
                assert len(ups) == expected[item.holder_body.division.level], item.title
            if item.status == GridItem.SETTLED:
                assert item.outcome and item.settled_at
            if item.status == GridItem.CONVERTED:
                assert item.case.channel == "grid" and item.case.title == item.title
                assert item.case.state == workflow.S.ACCEPTED
            else:
                assert item.case is None

    def test_the_demo_leader_owns_cases_of_each_level_with_plan_and_time_limit(self):
        """W18: 包案 with the four fixed: leader, body, plan and time limit."""
        leader = get_user_model().objects.get(username="leader")
        owned = list(selectors.leader_cases(leader))
        assert {c.leader_level for c in owned} == {"A", "B", "C"}
        assert len(owned) >= 6
        for case in owned:
            assert case.leader_plan and case.leader_deadline and case.leader_body_id
        today = timezone.localdate()
        late = [c for c in owned if c.leader_deadline < today]
        assert late and any(c.events.filter(kind="escalate").exists() for c in late)
        assert {c.state for c in owned} >= {
            workflow.S.TRANSFERRED,
            workflow.S.ACCEPTED,
            workflow.S.UNDER_REVIEW,
        }

    def test_the_supervision_job_ran_and_flagged_every_overdue_case(self):
        """W40/X36: overdue without cause is marked once per clock; a second run marks nothing."""
        flagged = CaseEvent.objects.filter(kind=services.OVERDUE_FLAGGED)
        assert flagged.count() >= 10
        assert "个超期标记" in self.output
        supervisor = get_user_model().objects.get(username="supervisor")
        overdue = selectors.overdue_for_user(supervisor)
        assert overdue
        assert services.flag_overdue() == 0

    def test_unmasking_is_logged_and_a_reporter_is_seen_only_by_discipline(self):
        """DESIGN.md Access; W30, W46: every view of unmasked data is on the timeline."""
        unmasked = CaseEvent.objects.filter(kind="unmask").select_related("case", "actor")
        assert unmasked.count() >= 2
        assert not unmasked.filter(citizen_visible=True).exists()
        reports = [e for e in unmasked if e.case.content_type == "report"]
        assert reports
        for event in reports:
            assert event.case.holder_body.kind == BodyKind.DISCIPLINE
            assert event.actor.username == "jiwei_handler"

    def test_logins_say_what_the_grid_worker_township_and_discipline_handlers_can_try(self):
        hints = self.output.split("可以先试试：", 1)[1]
        for username in ("grid_worker", "town_handler", "jiwei_handler", "supervisor", "leader"):
            assert LOGIN_HINTS[username] in hints
            line = next(line for line in hints.splitlines() if LOGIN_HINTS[username] in line)
            assert line.split()[0] == username
        assert "/desk/grid/" in LOGIN_HINTS["grid_worker"]

    def test_a_failing_notification_skips_only_its_own_case(self):
        """An outbox or notice subscriber that fails rolls its move back; the seed goes on."""
        county = _county()
        planner_ = planner.Planner(county, random.Random(1), timezone.localdate())
        failing = planner_.new_case(workflow.S.ACCEPTED, data.story("leak"), reg_ago=6)
        failing.route().accept().decide()
        fine = planner_.new_case(workflow.S.TRANSFERRED, data.story("road"), reg_ago=6).route()

        def broken_outbox(event):
            if event.kind == "accept":
                raise RuntimeError("outbox unavailable")

        events.subscribe(broken_outbox)
        try:
            result = seed.run_plans(planner_.plans, county, {})
        finally:
            events.unsubscribe(broken_outbox)
        assert result.cases == 2
        assert len(result.failures) == 1 and "outbox unavailable" in result.failures[0]
        failing.plan.case.refresh_from_db()
        fine.plan.case.refresh_from_db()
        assert failing.plan.case.state == workflow.S.TRANSFERRED
        assert not failing.plan.case.events.filter(kind="accept").exists()
        assert fine.plan.case.state == workflow.S.TRANSFERRED

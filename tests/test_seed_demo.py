"""`seed_demo` builds the demo county once, through the services, and prints the logins."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from xinfang.cases import demo, workflow
from xinfang.cases.models import Case, CaseEvent, Clock
from xinfang.cases.selectors import overdue_clocks
from xinfang.core import audit
from xinfang.orgs.demo import DEMO_PASSWORD, build_divisions_and_bodies, staff_plan
from xinfang.orgs.models import Body, BodyKind, Division, Membership, Role
from xinfang.taxonomy.models import RoutingRule

# As the suite's conftest does for every test: the default hasher takes ~0.5 s.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    }


class SeedDemoTests(TestCase):
    """One seeding per class (it takes a few seconds); each test reads the result."""

    @classmethod
    def setUpTestData(cls):
        out, err = StringIO(), StringIO()
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            call_command("seed_demo", stdout=out, stderr=err)
        cls.output = out.getvalue()
        cls.errors = err.getvalue()

    def test_every_state_has_cases_and_the_total_is_about_200(self):
        states = set(Case.objects.values_list("state", flat=True))
        assert set(workflow.STATE_LABELS) <= states, set(workflow.STATE_LABELS) - states
        assert 180 <= Case.objects.count() <= 230
        assert self.errors == "", self.errors

    def test_the_demo_shows_every_move_of_the_procedure(self):
        """Routing (W22, W23), handling (W31-W34), review (W35, W36), supervision (W18, W40)."""
        shown = set(
            "transfer assign object_remit agree_return reject_objection accept decline "
            "not_reaccept redirect_to_legal_channel merge_repeat mediate request_extension "
            "extend decide return_draft reply rate request_review decide_review "
            "request_rereview start_hearing end_hearing decide_rereview close supervise "
            "answer_supervision list_supervision assign_leader escalate escalate_grid".split()
        )
        kinds = set(CaseEvent.objects.values_list("kind", flat=True))
        assert shown <= kinds, shown - kinds

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
        assert now - first <= dt.timedelta(days=demo.SPAN_DAYS + 1)
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
        county = build_divisions_and_bodies()
        for username, *_ in staff_plan():
            county.users[username] = get_user_model().objects.get(username=username)
        today = timezone.localdate()
        first = demo.plan_cases(county, today=today)
        second = demo.plan_cases(county, today=today)
        assert [p.register["title"] for p in first] == [p.register["title"] for p in second]
        assert [s.at for p in first for s in p.steps] == [s.at for p in second for s in p.steps]
        titles = set(Case.objects.values_list("title", flat=True))
        assert {p.register["title"] for p in first} == titles

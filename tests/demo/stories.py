"""Checks that the demo tells consistent stories: the body holding each case is the body its story
names (or that body's superiors once review is asked for), the history was made by the bodies
that held the case, each reply cites only laws of its own matter, each notice carries its issuing
body's own number, and every demo login signs in and opens the pages its hint names.

A mixin, run by `test_seed.SeedDemoTests` over its one seeding."""

from __future__ import annotations

import re
from collections import defaultdict
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from xinfang.cases import workflow
from xinfang.cases.models import Case, CaseEvent, GridItem
from xinfang.demo import data, seed
from xinfang.demo.county import COUNTY_CODE, DEMO_PASSWORD, LOGIN_HINTS, staff_plan
from xinfang.documents.models import Notice
from xinfang.orgs.models import Body, Membership

S = workflow.S
# As the suite's conftest does for every test: the default hasher takes ~0.5 s.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LAW = re.compile(r"《[^》]+》")
# Moves made by the body holding the case at that moment (W32-W36: it handles and answers).
BY_HOLDER = {
    "accept",
    "decide",
    "reply",
    "mediate",
    "request_extension",
    "extend",
    "refuse_extension",
    "return_draft",
    "decide_review",
    "decide_rereview",
    "start_hearing",
    "end_hearing",
    "object_remit",
    "redirect_to_legal_channel",
    "answer_supervision",
    "unmask",
}


def _path(case: Case) -> tuple[str, ...]:
    return tuple(case.category.full_name.split("/")) if case.category else ()


class StoryChecks:
    """Needs `cls.result`: the SeedResult of the seeding (its plans name each case's story)."""

    output: str
    errors: str
    result: seed.SeedResult

    @classmethod
    def seed_once(cls) -> None:
        captured = []
        real = seed.seed_cases

        def capture(*args, **kwargs):
            captured.append(real(*args, **kwargs))
            return captured[-1]

        out, err = StringIO(), StringIO()
        seed.seed_cases = capture
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                call_command("seed_demo", stdout=out, stderr=err)
        finally:
            seed.seed_cases = real
        cls.output, cls.errors = out.getvalue(), err.getvalue()
        cls.result = captured[0]

    def _plans(self):
        plans = [p for p in self.result.plans if p.case is not None]
        assert len(plans) == Case.objects.count()
        for plan in plans:
            plan.case.refresh_from_db()
        return plans

    def _body(self, key: str) -> Body:
        from xinfang.demo.county import build_divisions_and_bodies

        if not hasattr(self, "_county_cache"):
            self._county_cache = build_divisions_and_bodies()
        return self._county_cache.body(key)

    def test_each_case_is_filed_under_its_storys_category(self):
        converted = set(GridItem.objects.values_list("case_id", flat=True))
        for plan in self._plans():
            if plan.case.category is None and plan.case.pk in converted:
                continue  # a grid row becomes a case as it was written: no category yet
            assert _path(plan.case) == plan.topic.category, (plan.case.number, plan.topic.key)

    def test_each_case_is_held_by_the_body_its_story_names(self):
        """After routing the story's body holds the case; review goes to its superior (W35),
        re-review to the next (W36); an objection names the story's body (W23)."""
        office = self._body("office")
        for plan in self._plans():
            case, story = plan.case, plan.topic
            own = self._body(story.body)
            asked = case.events.filter(kind__in=["request_review", "request_rereview"]).count()
            expected = own
            for _ in range(asked):
                expected = expected.parent
            where = (case.number, story.key, case.state, case.holder_body.name)
            if asked:
                assert case.holder_body == expected, where
            elif case.state == S.REMIT_OBJECTED:
                objection = case.events.filter(kind="object_remit").latest("seq")
                assert own.name in objection.extra["reason"], where
            elif case.state == S.REGISTERED:
                allowed = {office, own, self._body("town"), self._body("village")}
                assert case.holder_body in allowed, where
            elif case.state in (S.NOT_ACCEPTED, S.REDIRECTED, S.MERGED):
                assert case.holder_body in {office, own}, where
            else:
                assert case.holder_body == own, where

    def test_the_history_was_made_by_the_body_holding_the_case(self):
        """Replaying the timeline: each handling move's actor works for the body that held
        the case at that moment, so notices and timelines name the same body."""
        members = defaultdict(set)
        for user_id, body_id in Membership.objects.values_list("user_id", "body_id"):
            members[user_id].add(body_id)
        names = dict(Body.objects.values_list("name", "pk"))
        checked = 0
        for case in Case.objects.all():
            holder = None
            for event in case.events.order_by("seq"):
                if event.kind == "register":
                    holder = names[event.new["holder"]]
                if event.kind in BY_HOLDER and event.actor_id is not None:
                    assert holder in members[event.actor_id], (case.number, event.kind)
                    checked += 1
                holder = event.new.get("holder_body_id", holder)
            assert holder == case.holder_body_id, case.number
        assert checked > 250

    def test_every_reply_cites_only_laws_of_its_own_matter(self):
        laws = data.laws()
        cited = 0
        for case in Case.objects.exclude(decision_detail={}).select_related("category"):
            basis = (case.decision_detail or {}).get("basis", "")
            path = "/".join(_path(case))
            for law in LAW.findall(basis):
                assert law in laws, (case.number, law)
                assert any(path.startswith(p) for p in laws[law]), (case.number, path, law)
                cited += 1
        assert cited > 50
        # The stories' own data agrees: every law a story cites governs its category.
        for story in data.stories():
            for law in story.law:
                assert any("/".join(story.category).startswith(p) for p in laws[law]), story.key

    def test_notice_numbers_carry_the_issuing_bodys_code_and_never_repeat(self):
        """海住建信答〔2026〕12号: the body's own code, a sequence per body, kind and year,
        gap-free; the body is the one whose staff made the move."""
        members = defaultdict(set)
        for user_id, body_id in Membership.objects.values_list("user_id", "body_id"):
            members[user_id].add(body_id)
        notices = list(Notice.objects.select_related("issuing_body", "event"))
        assert len(notices) > 200
        numbers = [n.number for n in notices]
        assert len(numbers) == len(set(numbers))
        runs = defaultdict(list)
        for notice in notices:
            code = notice.issuing_body.notice_abbreviation
            assert code and notice.number.startswith(code), (notice.number, code)
            assert f"〔{notice.year}〕{notice.sequence}号" in notice.number
            if notice.event.actor_id is not None:
                assert notice.issuing_body_id in members[notice.event.actor_id], notice.number
            runs[(notice.issuing_body_id, notice.kind, notice.year)].append(notice.sequence)
        for sequences in runs.values():
            assert sorted(sequences) == list(range(1, len(sequences) + 1))
        assert len({n.issuing_body_id for n in notices}) >= 10

    def test_reporters_and_petitioners_live_in_the_demo_county(self):
        for case in Case.objects.select_related("place"):
            assert case.place.code.startswith(COUNTY_CODE), case.number

    def test_every_demo_login_signs_in_and_opens_its_pages(self):
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            for username, _name, _body, _roles in staff_plan():
                if username == "admin":
                    continue
                client = self.client_class()
                response = client.post(
                    "/desk/login/", {"username": username, "password": DEMO_PASSWORD}
                )
                assert response.status_code == 302, (username, response.status_code)
                assert client.get("/desk/").status_code == 200, username
                for path in re.findall(r"/desk/[a-z/]*", LOGIN_HINTS.get(username, "")):
                    assert client.get(path).status_code == 200, (username, path)
            admin = self.client_class()
            admin.post("/desk/login/", {"username": "admin", "password": DEMO_PASSWORD})
            assert admin.get("/admin/").status_code == 200

    def test_no_article_codes_in_what_the_demo_wrote(self):
        """People read 《信访工作条例》第二十二条, never W22."""
        code = re.compile(r"\b[WX]\d{1,2}\b")
        for event in CaseEvent.objects.all():
            for key in ("reason", "note", "opinion", "grounds", "answer", "agreement"):
                assert not code.search(str(event.extra.get(key, ""))), (event.kind, key)
        for hint in LOGIN_HINTS.values():
            assert not code.search(hint), hint
        assert not code.search(self.output)

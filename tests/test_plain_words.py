"""Plain words: people never read an internal article code such as W36, X36 or （W35）. Where an
article matters it reads 《信访工作条例》第三十六条, rendered by one function (core.articles.cite).

The pages of every role and of the portal, the error messages, the messages sent to petitioners
and the notices are rendered and scanned; so is every string of the translation catalog, which
catches a new leak before any page shows it."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from tests.conftest import accepted_appeal, register_appeal, replied_appeal, report_against
from xinfang.cases import deadlines, services, workflow
from xinfang.core.articles import chinese_number, cite, codes_in
from xinfang.documents.kinds import KINDS
from xinfang.documents.models import Notice
from xinfang.documents.services import layout_for, template_for
from xinfang.notify import defaults
from xinfang.notify.models import Outbox

CODE = re.compile(r"\b[WX]\d+")
CATALOG = Path(__file__).resolve().parent.parent / "xinfang/locale/zh_Hans/LC_MESSAGES/django.mo"
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


def leaks(text: str) -> list[str]:
    return CODE.findall(text)


class _Readable(HTMLParser):
    """What a person reads on a page: its text and the words in titles, labels, placeholders
    and button values, not the markup, scripts or styles (an inline icon's path says X0)."""

    WORDS = ("title", "alt", "placeholder", "aria-label", "value")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self._skip += 1
        if dict(attrs).get("type") == "hidden" or tag == "meta":
            return  # tokens and versions, not words
        self.parts += [v for k, v in attrs if k in self.WORDS and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def readable(html: str) -> str:
    parser = _Readable()
    parser.feed(html)
    return "\n".join(parser.parts)


# ---------------------------------------------------------------------------------------------
# The one function


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("W36", "《信访工作条例》第三十六条"),
        ("W22/W36", "《信访工作条例》第二十二条、第三十六条"),
        ("W22, W28", "《信访工作条例》第二十二条、第二十八条"),
        ("W19-W21", "《信访工作条例》第十九条、第二十条、第二十一条"),
        ("W40/X36", "《信访工作条例》第四十条、原《信访条例》第三十六条"),
        ("W10", "《信访工作条例》第十条"),
        ("", ""),
    ],
)
def test_an_article_code_reads_as_the_regulation_and_its_article(code, words):
    assert cite(code) == words


def test_article_numbers_are_chinese_numerals():
    assert [chinese_number(n) for n in (1, 10, 15, 20, 36, 100, 105, 110)] == [
        "一",
        "十",
        "十五",
        "二十",
        "三十六",
        "一百",
        "一百零五",
        "一百一十",
    ]


def test_a_note_after_the_code_is_in_words_too():
    with translation.override("zh-hans"):
        assert cite("X36 (configurable default)") == "原《信访条例》第三十六条（默认值，可配置）"


@pytest.mark.parametrize("move", workflow.MOVES.values(), ids=lambda m: m.name)
def test_every_declared_article_reads_in_plain_words(move):
    words = cite(move.article)
    assert words.startswith(("《信访工作条例》", "原《信访条例》")) and not leaks(words)


@pytest.mark.parametrize("period", deadlines.DEFAULT_PERIODS.values(), ids=lambda p: p.key)
def test_every_period_reads_without_a_code(period):
    with translation.override("zh-hans"):
        assert not leaks(cite(period.article))
        assert not leaks(str(period.label)) and not leaks(str(period.ground_label))


def test_the_scan_finds_a_code_where_one_is_left():
    assert codes_in("不再受理（W36）") == ["W36"]
    assert leaks("督办事由：X36 超期") == ["X36"]
    assert not leaks("《信访工作条例》第三十六条 WX 2026W")


# ---------------------------------------------------------------------------------------------
# Every string people may read, in either language


def test_no_string_of_the_catalog_carries_an_article_code():
    with CATALOG.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    assert len(catalog) > 500
    found = [(k, v) for k, v in catalog.items() if leaks(str(k)) or leaks(str(v))]
    assert found == []


def test_no_notice_template_carries_an_article_code():
    for kind in KINDS.values():
        assert not leaks(kind.title) and not leaks(kind.body), kind.key


def test_no_message_text_carries_an_article_code():
    for key in defaults.KEYS:
        for channel in defaults.CHANNELS:
            subject, body = defaults.default(key, channel)
            assert not leaks(subject) and not leaks(body), (key, channel)


def test_every_guard_refusal_reads_without_a_code():
    """Each guard's message when it refuses: the errors a user meets."""
    nothing = workflow.Context(
        state=workflow.S.ACCEPTED,
        today=dt.date(2026, 3, 2),
        extension_used=True,
        extension_requested=True,
        hearing_active=True,
        rated="unsatisfied",
        content_type="report",
        channel="grid",
        holder_level=3,
    )
    with translation.override("zh-hans"):
        for move in workflow.MOVES.values():
            for message in workflow.guard_failures(move, nothing):
                assert not leaks(str(message)), (move.name, message)


# ---------------------------------------------------------------------------------------------
# Rendered: the pages of every role and of the portal, the messages sent, the notices issued


@pytest.fixture
def cases(county):
    u = county.users
    with time_machine.travel(START, tick=False):
        registered = register_appeal(county, title="路灯损坏").case
        accepted = accepted_appeal(county, title="楼顶漏水")
        services.record_hearing(
            case=accepted,
            actor=u["handler"],
            held_on=dt.date(2026, 3, 1),
            participants="张三、物业代表",
            summary="查明漏水原因",
        )
        assigned = register_appeal(county, title="噪音扰民").case
        assigned = services.assign(case=assigned, actor=u["clerk"], body=county.housing)
        assigned = services.accept(case=assigned, actor=u["handler"])
        assigned = services.decide(
            case=assigned, actor=u["handler"], decision="support", facts="属实", reasons="应整改"
        )
        assigned = services.reply(case=assigned, actor=u["head"])
        services.report_result(case=assigned, actor=u["handler"], note="已整改")
        replied = replied_appeal(county, title="道路积水")
        services.supervise(case=replied, actor=u["supervisor"], grounds="支持意见未落实")
        report = report_against(county, county.housing)
        services.decline(
            case=register_appeal(county, title="重复").case, actor=u["clerk"], reason="已在办理"
        )
        return {
            "registered": registered,
            "accepted": accepted,
            "assigned": assigned,
            "replied": replied,
            "report": report,
        }


def _desk_pages(cases) -> list[str]:
    pages = [
        "/desk/",
        "/desk/intake/",
        "/desk/intake/list/",
        "/desk/supervision/",
        "/desk/leaders/",
        "/desk/grid/",
        "/desk/map/",
        "/desk/alerts/",
    ]
    for case in cases.values():
        pages += [f"/desk/case/{case.number}/", f"/desk/supervision/{case.number}/"]
    pages.append(f"/desk/intake/case/{cases['registered'].number}/")
    return pages


@pytest.mark.django_db
def test_no_page_of_any_role_shows_an_article_code(county, cases):
    late = START + dt.timedelta(days=70)  # deadlines run late: the supervision lists fill up
    seen = 0
    for name, user in county.users.items():
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        with time_machine.travel(late, tick=False):
            for url in _desk_pages(cases):
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
                text = readable(response.content.decode())
                assert not leaks(text), (name, url, leaks(text))
                seen += response.status_code == 200
    assert seen > 40


@pytest.mark.django_db
def test_no_portal_page_shows_an_article_code(county, cases):
    client = Client()
    for url in ("/", "/submit/", "/track/", "/board/"):
        text = readable(client.get(url).content.decode())
        assert not leaks(text), (url, leaks(text))
    reg = register_appeal(county, title="供暖不热")
    with time_machine.travel(START, tick=False):
        services.transfer(case=reg.case, actor=county.users["clerk"], body=county.housing)
        services.decline(case=reg.case, actor=county.users["handler"], reason="不属于本机关职责")
    client.post("/track/", {"tracking_code": reg.tracking_code, "password": reg.query_password})
    text = readable(client.get(f"/track/{reg.case.number}/").content.decode())
    assert "不予受理" in text or "不受理" in text
    assert not leaks(text)


@pytest.mark.django_db
def test_no_message_sent_or_notice_issued_shows_an_article_code(county, cases):
    bodies = list(Outbox.objects.values_list("subject", "body"))
    assert bodies
    for subject, body in bodies:
        assert not leaks(subject) and not leaks(body)
    notices = list(Notice.objects.select_related("case"))
    assert {n.kind for n in notices} >= {"acceptance_notice", "reply_opinion", "result_report"}
    for notice in notices:
        title, body = template_for(notice.kind)
        layout = layout_for(notice, title=title, body=body)
        text = "".join([layout.title, layout.addressee, *layout.paragraphs])
        assert not leaks(text), (notice.kind, leaks(text))
        assert not leaks(str(notice.context.get("article", "")))


def test_a_reader_of_english_gets_the_regulations_english_names():
    with translation.override("en"):
        assert cite("W36") == "Regulations on Petition Work (2022), Article 36"
        assert cite("W22, W28") == "Regulations on Petition Work (2022), Articles 22, 28"
        assert cite("X36 (configurable default)") == (
            "former Regulations on Letters and Visits (2005), Article 36 (default, configurable)"
        )

"""The monthly report (信访工作月报): its figures against the statistics selectors on the month
of tests/insights/conftest.py, its states and progress, and who may download it."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import time_machine
from django.urls import reverse

from xinfang.core.errors import InvalidInput
from xinfang.desk.monthly import build, figures, scope
from xinfang.insights.models import MonthlyReport
from xinfang.insights.selectors import StatFilters, statistics, windows
from xinfang.orgs.models import Membership

from .conftest import TODAY, at

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _december():
    # The pages count "today" as 2026-12-20, and sign-ins are fresh on that day.
    with time_machine.travel(at(2026, 12, 20), tick=False):
        yield


@pytest.fixture(autouse=True)
def _report_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE, "QUEUES": ["default"]}}


def _request(user, django_capture_on_commit_callbacks, y=2026, m=11):
    with django_capture_on_commit_callbacks(execute=True):
        return scope.request_report(user=user, year=y, month=m, on=TODAY)


def _pdf_text(report, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    with report.file.open("rb") as fh:
        path.write_bytes(fh.read())
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    out = subprocess.run([tool, "-layout", "-enc", "UTF-8", path, "-"], capture_output=True)
    return out.stdout.decode("utf-8")


def test_figures_are_the_statistics_of_the_month(month):
    fig = figures.compute(month.analyst, windows.month(2026, 11).start, day=TODAY)
    page = statistics(month.analyst, StatFilters(window=windows.month(2026, 11)), day=TODAY)
    assert fig.s.intake == page.intake
    assert (fig.s.on_time.part, fig.s.on_time.whole) == (page.on_time.part, page.on_time.whole)
    assert [r.key for r in fig.s.by_channel] == [r.key for r in page.by_channel]
    assert (fig.s.answered, fig.s.resolved, fig.s.repeats) == (5, 3, 1)
    # Twelve months to November 2026: H in October, A-F in November.
    assert len(fig.trend) == 12
    assert fig.trend[-2:] == [("10月", 1), ("11月", 6)]
    assert sum(n for _m, n in fig.trend) == 7


def test_a_report_is_queued_run_and_kept(month, django_capture_on_commit_callbacks, tmp_path):
    seen = []
    original = build._progress

    def spy(report, percent, **fields):
        seen.append((percent, fields.get("status", report.status)))
        original(report, percent, **fields)

    build._progress = spy
    try:
        report = _request(month.analyst, django_capture_on_commit_callbacks)
    finally:
        build._progress = original
    report.refresh_from_db()
    assert seen[0] == (5, MonthlyReport.RUNNING)
    assert [p for p, _s in seen] == sorted(p for p, _s in seen)
    assert seen[-1] == (100, MonthlyReport.DONE)
    assert (report.status, report.progress) == (MonthlyReport.DONE, 100)
    assert report.scope == [month.county.county.path]
    assert report.pages >= 3 and report.size > 10_000
    flat = _pdf_text(report, tmp_path).replace(" ", "").replace("\n", "")
    assert "信访工作月报" in flat
    assert "2026年11月信访工作情况" in flat
    # The overview quotes the selectors' figures: 6 registered, 19 of 21 deadlines met.
    assert "共登记信访事项6件" in flat
    assert "届满的办理期限21个，按期办结19个，按期办结率90.5%" in flat
    assert "一次性化解3件" in flat
    # Counts of matters and bodies only: no petitioner's name is printed.
    for case in month.cases.values():
        for party in case.parties.all():
            assert party.name not in flat


def test_a_failed_build_keeps_its_error_and_a_done_report_is_not_rebuilt(month, monkeypatch):
    report = MonthlyReport.objects.create(
        month=windows.month(2026, 11).start,
        scope=[month.county.county.path],
        scope_label="海阳市",
        as_of=TODAY,
        requested_by=month.analyst,
    )

    def broken(*a, **k):
        raise RuntimeError("printer jammed")

    monkeypatch.setattr(build.documents, "print_document", broken)
    build.build(report.pk)
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == ("failed", 60, "printer jammed")
    monkeypatch.undo()
    report.status = MonthlyReport.QUEUED
    report.save()
    build.build(report.pk)
    report.refresh_from_db()
    assert report.status == MonthlyReport.DONE
    done_file = report.file.name
    build.build(report.pk)
    report.refresh_from_db()
    assert report.file.name == done_file


def test_a_month_not_begun_is_refused(month):
    with pytest.raises(InvalidInput):
        scope.request_report(user=month.analyst, year=2027, month=1, on=TODAY)


def test_only_staff_whose_divisions_cover_the_report_download_it(
    month, client, django_capture_on_commit_callbacks
):
    report = _request(month.analyst, django_capture_on_commit_callbacks)
    c = month.county
    url = reverse("desk:report_pdf", args=[report.pk])
    client.force_login(month.analyst)
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    # A township analyst's divisions do not cover the county's report.
    town_analyst = month.analyst.__class__.objects.create_user("town-analyst", password="x")
    Membership.objects.create(user=town_analyst, body=c.town_gov, role="analyst")
    client.force_login(town_analyst)
    assert client.get(url).status_code == 404
    assert client.get(reverse("desk:reports")).content.count(b"data-status=") == 0
    # Nor may a handler, who has no statistics at all.
    client.force_login(c.users["handler"])
    assert client.get(url).status_code == 403


def test_the_list_polls_a_report_being_prepared_and_links_a_ready_one(month, client):
    client.force_login(month.analyst)
    r = client.post(reverse("desk:reports"), {"year": "2026", "month": "11"})
    assert r.status_code == 302
    report = MonthlyReport.objects.get()
    # Without the commit callbacks the task has not run: the row polls itself.
    assert report.status == MonthlyReport.QUEUED
    page = client.get(reverse("desk:reports")).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    build.build(report.pk)
    row = client.get(reverse("desk:report_row", args=[report.pk])).content.decode()
    assert "hx-trigger" not in row
    assert reverse("desk:report_pdf", args=[report.pk]) in row

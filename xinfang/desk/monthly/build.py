"""Build a requested monthly report: figures, charts, HTML, PDF; progress saved at each step."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinfang.documents import fonts
from xinfang.documents import render as documents
from xinfang.insights.models import MonthlyReport

from . import charts
from .figures import ReportFigures, compute

logger = logging.getLogger("xinfang.reports")


def _progress(report: MonthlyReport, percent: int, **fields) -> None:
    report.progress = percent
    for k, v in fields.items():
        setattr(report, k, v)
    report.save(update_fields=["progress", *fields])


def issue_number(report: MonthlyReport) -> int:
    return report.month.month


def chart_svgs(fig: ReportFigures, family: str) -> dict[str, str]:
    s = fig.s
    out = {
        "trend": charts.line(fig.trend),
        "channel": charts.hbar([(r.label, r.count) for r in s.by_channel]),
        "category": charts.hbar([(r.label, r.count) for r in s.by_category[:10]]),
        "township": charts.hbar([(r.label, r.count) for r in s.by_township[:10]]),
        "ontime": charts.hbar(
            [(r.label, r.value) for r in s.on_time_by_body[:10] if r.value is not None],
            unit="%",
            limit=100,
        ),
    }
    attr = f'<svg font-family="{family}" '
    return {k: v.replace("<svg ", attr, 1) for k, v in out.items()}


def report_html(report: MonthlyReport, fig: ReportFigures, svgs: dict[str, str]) -> str:
    s = fig.s
    return render_to_string(
        "desk/reports/monthly_pdf.html",
        {
            "report": report,
            "s": s,
            "fig": fig,
            "charts": svgs,
            "issue": issue_number(report),
            "month": report.month,
            "as_of": documents.cn_date(report.as_of),
        },
    )


def report_css() -> str:
    return render_to_string("desk/reports/monthly.css", documents.font_context())


def build(report_id: int) -> MonthlyReport:
    """Run one report to done (or failed, with the error kept); a finished report is left as
    it is, so a repeated task does nothing. A report left running by a worker that stopped is
    run again by the next task for it."""
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().get(pk=report_id)
        if report.status == MonthlyReport.DONE:
            return report
        _progress(report, 5, status=MonthlyReport.RUNNING, error="")
    try:
        with translation.override(settings.LANGUAGE_CODE):
            fig = compute(report.requested_by, report.month, day=report.as_of)
            _progress(report, 40)
            family = fonts.stack("heiti")
            svgs = chart_svgs(fig, family.replace('"', "'"))
            html = report_html(report, fig, svgs)
            _progress(report, 60)
            pdf, pages = documents.print_document(html, report_css())
            _progress(report, 90)
            name = _("monthly-report-%(month)s.pdf") % {"month": f"{report.month:%Y-%m}"}
        report.file.save(name, ContentFile(pdf), save=False)
        _progress(
            report,
            100,
            status=MonthlyReport.DONE,
            file=report.file.name,
            pages=pages,
            size=len(pdf),
            finished_at=timezone.now(),
        )
    except Exception as e:
        logger.exception("monthly report %s failed", report_id)
        _progress(report, report.progress, status=MonthlyReport.FAILED, error=str(e)[:2000])
    return report

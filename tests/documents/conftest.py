"""Notices render with the immediate task backend into a per-test media folder."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from xinfang.cases import services
from xinfang.documents.models import Notice

from ..conftest import register_appeal


@pytest.fixture(autouse=True)
def _notice_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (apt-get install poppler-utils)")
    return path


def plain_pdf(notice: Notice) -> Path:
    """The notice's PDF as the permission-checked views hand it out (files are encrypted at
    rest), written beside the encrypted one for the poppler tools."""
    path = Path(notice.pdf.path).with_suffix(".plain.pdf")
    with notice.pdf.open("rb") as fh:
        path.write_bytes(fh.read())
    return path


def pdf_text(notice: Notice) -> str:
    """The text layer as a reader's copy-and-paste sees it."""
    out = subprocess.run(
        [poppler("pdftotext"), "-enc", "UTF-8", plain_pdf(notice), "-"],
        check=True,
        capture_output=True,
    )
    return out.stdout.decode("utf-8")


@dataclass
class Line:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdf_lines(pdf: Path | str) -> list[Line]:
    """Every line of the text layer with its box in points, as pdftotext finds it."""
    out = subprocess.run(
        [poppler("pdftotext"), "-bbox-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    line = re.compile(
        r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S
    )
    lines = []
    for page, body in enumerate(out.split("<page ")[1:], start=1):
        for m in line.finditer(body):
            text = html.unescape("".join(re.findall(r">([^<]*)</word>", m.group(5))))
            x0, y0, x1, y1 = map(float, m.group(1, 2, 3, 4))
            lines.append(Line(page, text, x0, y0, x1, y1))
    return lines


def flat(text: str) -> str:
    """The text without the line breaks and spaces that wrapping puts in."""
    return re.sub(r"\s+", "", text)


def accepted_case(county):
    """Registered by the county office, transferred to the housing bureau and accepted."""
    case = register_appeal(county).case
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    services.accept(case=case, actor=county.users["handler"])
    return case


def decided_case(county, **decision):
    case = accepted_case(county)
    services.decide(
        case=case,
        actor=county.users["handler"],
        **{
            "decision": "support",
            "facts": "经现场查看，该楼顶防水层老化破损，物业公司未按约定维修。",
            "reasons": "维修顶楼防水属于物业服务合同约定的义务。",
            "basis": "《物业管理条例》第三十五条",
            **decision,
        },
    )
    return case


def render_all(case) -> dict[str, Notice]:
    """Render whatever is still pending (moves made outside captureOnCommitCallbacks)."""
    from xinfang.documents.services import render_pending

    render_pending()
    return {n.kind: n for n in Notice.objects.filter(case=case)}

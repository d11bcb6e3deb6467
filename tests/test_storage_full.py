"""A full disk during an upload: a clear message in the user's language (not a 500), nothing
registered half-way, and everything the user typed kept."""

from __future__ import annotations

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.desk.test_intake import desk, form_data, post_form, save, scan, to_check  # noqa: F401
from tests.portal.test_portal import PDF, portal  # noqa: F401 - fixture
from tests.portal.test_portal import form_data as portal_form
from xinfang.cases.models import Attachment, Case

FULL = "服务器存储空间已满，文件未能保存。您填写的内容已保留，请稍后再试，或先不附文件提交。"


class Disk:
    def __init__(self):
        self.full = True
        self.cut_off: list[str] = []


@pytest.fixture
def disk_full(settings, tmp_path, monkeypatch):
    """Writing a file gets a few bytes out, then ENOSPC: what a full disk does."""
    settings.MEDIA_ROOT = tmp_path / "media"
    disk = Disk()
    save = FileSystemStorage._save

    def write_until_full(self, name, content):
        if not disk.full:
            return save(self, name, content)
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(next(iter(content.chunks()))[:8])
        disk.cut_off.append(path)
        raise OSError(errno.ENOSPC, "No space left on device", path)

    monkeypatch.setattr(FileSystemStorage, "_save", write_until_full)
    return disk


def test_portal_submission_with_a_file_on_a_full_disk_keeps_the_text(
    client,
    portal,  # noqa: F811
    disk_full,
):
    data = portal_form(portal, attachments=[SimpleUploadedFile("现场.pdf", PDF, "application/pdf")])
    r = client.post("/submit/", data)

    assert r.status_code == 507
    page = r.content.decode()
    assert FULL in page
    assert 'value="小区楼顶漏水无人维修"' in page  # the title, and the text, come back
    assert "我家住顶楼，雨天漏水，物业一直不管。请求督促维修。" in page
    assert 'value="王小明"' in page
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0  # nothing half-made
    assert disk_full.cut_off and not any(map(os.path.exists, disk_full.cut_off))  # none left

    # Sent again without the file, it is registered.
    data = portal_form(portal)
    assert client.post("/submit/", data).status_code == 302
    assert Case.objects.count() == 1


def test_desk_upload_on_a_full_disk_keeps_the_draft(client, desk, disk_full):  # noqa: F811
    r = post_form(client, form_data(desk), [scan("信件第1页.png")])

    assert r.status_code == 422
    page = r.content.decode()
    assert FULL in page
    assert 'value="物业公司不履行维修义务"' in page and 'value="李四"' in page
    assert Case.objects.count() == 0


def test_desk_registration_on_a_disk_filled_since_the_scan_keeps_the_draft(
    client,
    desk,  # noqa: F811
    disk_full,
):
    disk_full.full = False
    check_url = to_check(client, desk, "letter", files=[scan("信件第1页.png")])
    disk_full.full = True  # filled up while the clerk checked for repeats

    r = save(client, check_url)
    assert r.status_code == 422
    page = r.content.decode()
    assert FULL in page and 'value="物业公司不履行维修义务"' in page
    assert "信件第1页.png" in page  # the scan is still with the draft
    assert Case.objects.count() == 0

    disk_full.full = False  # room again: check and save as before, the scan goes with it
    draft = check_url.rstrip("/").rsplit("/", 1)[1]
    again = post_form(client, {**form_data(desk), "draft": draft})
    assert again.status_code == 302 and again.url == check_url
    assert save(client, check_url).status_code == 302
    assert Attachment.objects.get().name == "信件第1页.png"

"""Form posts are read a run of escapes at a time (core/formdata.py), to the same fields as
Django's own reading; what that reading must decide (not UTF-8, too big, too many fields, another
charset) is still decided by it."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from xinfang.core import formdata

FORM = "application/x-www-form-urlencoded"
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
raw_bodies = st.lists(
    st.sampled_from(
        [
            b"%",
            b"+",
            b"&",
            b"=",
            b"a",
            b"F",
            b"0",
            b"e4",
            b"%E4%BD%A0",
            b"\xc3\xa9",
            b"%00",
            b"\x00",
            b"%E4",
            b"%26",
            b"%3D",
        ]
    ),
    max_size=30,
).map(b"".join)


def same_as_django(body: bytes) -> None:
    ours, django = formdata.parse(body), QueryDict(body, encoding="utf-8")
    assert ours is not None
    assert list(ours.lists()) == list(django.lists())
    assert not ours._mutable


@given(st.lists(st.tuples(texts, texts), max_size=8))
def test_what_a_browser_sends_is_read_as_django_reads_it(pairs):
    same_as_django(urlencode(pairs).encode())


@given(raw_bodies)
def test_any_utf8_body_is_read_as_django_reads_it_even_broken_escapes(body):
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        assert formdata.parse(body) is None  # Django decides (it falls back to Latin-1)
    else:
        same_as_django(body)


def test_a_chinese_form_with_repeated_names_and_blank_values():
    body = urlencode(
        {"title": "小区路灯 坏了+1", "division_code": ["370000", "370687"], "note": ""}, doseq=True
    ).encode()
    fields = formdata.parse(body)
    assert fields["title"] == "小区路灯 坏了+1" and fields["note"] == ""
    assert fields.getlist("division_code") == ["370000", "370687"]
    assert formdata.parse(b"a=1&b=2&c=3", max_fields=2) is None


def post(body: bytes, content_type: str = FORM):
    return RequestFactory().post("/submit/", body, content_type=content_type)


def through_middleware(request):
    seen = {}

    def view(req):
        seen["post"] = req.POST
        seen["files"] = req.FILES
        return HttpResponse()

    formdata.FormDataMiddleware(view)(request)
    return seen


def test_the_middleware_reads_the_post_before_anything_else_and_django_does_not_again(
    monkeypatch,
):
    request = post(urlencode({"title": "路灯"}).encode())

    def again(self):
        raise AssertionError("the body was parsed a second time")

    monkeypatch.setattr(type(request), "_load_post_and_files", again)
    seen = through_middleware(request)
    assert seen["post"]["title"] == "路灯" and not seen["files"]


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"title=%E8%B7%AF\xff", FORM),  # not UTF-8: Django's Latin-1 reading
        (b"title=x", "application/x-www-form-urlencoded; charset=gbk"),  # refused by Django
        (b"title=x", "text/plain"),
    ],
)
def test_what_django_must_decide_is_left_to_it(body, content_type):
    request = post(body, content_type)
    formdata.FormDataMiddleware(lambda r: HttpResponse())(request)
    assert not hasattr(request, "_post")


def test_a_form_over_the_field_limit_is_still_refused(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = "&".join(f"f{i}=x" for i in range(10))
    r = client.post("/submit/", body, content_type=FORM)
    assert r.status_code == 400


def test_it_runs_before_the_csrf_check_reads_the_form():
    chain = settings.MIDDLEWARE
    ours = chain.index("xinfang.core.formdata.FormDataMiddleware")
    assert ours < chain.index("django.middleware.csrf.CsrfViewMiddleware")


# Multipart bodies, as a browser without the page's script posts the form.
BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
names = st.sampled_from(["title", "body", "division_code", "name", "a.b", "x[0]", "attachments"])
values = st.text(
    st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from("\r\n-")), max_size=30
)


def browser_body(parts, boundary: str = BOUNDARY) -> bytes:
    """A body as browsers write it: a part a field, an empty file input as its own part."""
    out = b""
    for name, value, empty_file in parts:
        out += f"--{boundary}\r\n".encode()
        if empty_file:
            out += f'Content-Disposition: form-data; name="{name}"; filename=""\r\n'.encode()
            out += b"Content-Type: application/octet-stream\r\n\r\n\r\n"
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            out += value.encode() + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def django_multipart(body: bytes, content_type: str = MULTIPART):
    request = post(body, content_type)
    return request.POST, request.FILES


def same_multipart_as_django(body: bytes) -> None:
    ours = formdata.parse_multipart(body, BOUNDARY)
    post_, files = django_multipart(body)
    assert ours is not None and not files
    assert list(ours.lists()) == list(post_.lists())
    assert not ours._mutable


@given(st.lists(st.tuples(names, values, st.booleans()), min_size=1, max_size=8))
def test_a_browser_s_multipart_form_is_read_as_django_reads_it(parts):
    body = browser_body(parts)
    if any(f"--{BOUNDARY}" in v for _n, v, _f in parts):
        return  # a browser picks a boundary its values do not hold
    same_multipart_as_django(body)


@given(
    st.lists(st.tuples(names, values, st.booleans()), min_size=1, max_size=5),
    st.lists(
        st.sampled_from(
            [f"--{BOUNDARY}".encode(), b"\r\n", b"\n", b"--", b"\xff", b'"', b"\r\n\r\n", b"x"]
        ),
        min_size=1,
        max_size=4,
    ),
    st.integers(min_value=0),
)
def test_a_multipart_body_of_any_other_shape_is_read_as_django_reads_it_or_left_to_it(
    parts, junk, at
):
    body = browser_body(parts)
    at %= len(body)
    body = body[:at] + b"".join(junk) + body[at:]
    ours = formdata.parse_multipart(body, BOUNDARY)
    if ours is not None:
        post_, files = django_multipart(body)
        assert not files and list(ours.lists()) == list(post_.lists())


@pytest.mark.parametrize(
    "part",
    [
        b'Content-Disposition: form-data; name="f"; filename="scan.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF",  # a file: Django stores it
        b'Content-Disposition: form-data; name="f"\r\nContent-Transfer-Encoding: base64\r\n\r\neA==',
        b'Content-Disposition: form-data; name="f"\r\nContent-Type: text/plain; charset=gbk\r\n\r\nx',
        b"Content-Disposition: form-data; name=f\r\n\r\nx",
        b'content-disposition: form-data; name="f"\r\n\r\nx',
        b'Content-Disposition: form-data; name="a b"\r\n\r\nx',
    ],
)
def test_parts_of_other_shapes_are_left_to_django(part):
    body = f"--{BOUNDARY}\r\n".encode() + part + f"\r\n--{BOUNDARY}--\r\n".encode()
    assert formdata.parse_multipart(body, BOUNDARY) is None


def test_the_middleware_reads_a_multipart_form_without_files_once(monkeypatch):
    body = browser_body([("title", "路灯不亮", False), ("attachments", "", True)])
    request = post(body, MULTIPART)

    def again(self):
        raise AssertionError("the body was parsed a second time")

    monkeypatch.setattr(type(request), "_load_post_and_files", again)
    seen = through_middleware(request)
    assert seen["post"]["title"] == "路灯不亮" and seen["post"]["attachments"] == ""
    assert not seen["files"]


def test_a_multipart_form_with_a_file_is_left_to_django():
    body = (
        f"--{BOUNDARY}\r\n".encode()
        + b'Content-Disposition: form-data; name="attachments"; filename="a.pdf"\r\n'
        + b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n"
        + f"--{BOUNDARY}--\r\n".encode()
    )
    request = post(body, MULTIPART)
    seen = through_middleware(request)
    assert seen["files"]["attachments"].read() == b"%PDF-1.4"


def test_a_multipart_form_over_the_field_limit_is_still_refused(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = browser_body([(f"f{i}", "x", False) for i in range(10)])
    r = client.post("/submit/", body, content_type=MULTIPART)
    assert r.status_code == 400

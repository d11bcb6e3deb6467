"""URL-encoded form bodies decoded a run of escapes at a time.

Django reads `application/x-www-form-urlencoded` with the standard library's `parse_qsl`, which
decodes every `%XX` escape by a step of Python of its own. Chinese text is all escapes (nine bytes
a character), so a petition's body of a few hundred characters cost the citizen's form a third of
a millisecond before any of its work began, where the API's JSON is read in C. Here each run of
consecutive escapes becomes bytes in one call, and the request's POST is set before anything reads
it (CSRF does, first).

A form posted without the page's script is `multipart/form-data` (the form can carry files);
with nothing attached, such a body is read here too, in a few splits, where Django's streaming
parser took half a millisecond. Only the plain shape browsers send is read (each part a
Content-Disposition of a simple name, a file input left empty with its Content-Type); a file, any
other header, a stray boundary or anything else is left to Django.

Same result as Django's own parsing: a body that is not UTF-8, over the upload size or field
count, or not of these shapes is left to Django, which reads it (or refuses it) as ever.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
_ESCAPES = re.compile(rb"(?:%[0-9A-Fa-f]{2})+")


def _run(match: re.Match) -> bytes:
    return bytes.fromhex(match.group().replace(b"%", b"").decode("ascii"))


def _text(raw: bytes) -> str:
    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        raw = _ESCAPES.sub(_run, raw)
    # As the standard library's unquote: an escaped byte that is not UTF-8 becomes U+FFFD.
    return raw.decode("utf-8", "replace")


def parse(body: bytes, *, max_fields: int | None = None) -> QueryDict | None:
    """The form's fields as Django's QueryDict(body) reads them (blank values kept, the body
    split on "&" only), or None where Django's own reading must decide: a body that is not
    UTF-8, or more fields than `max_fields`."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    pairs = [p for p in body.split(b"&") if p]
    if max_fields is not None and len(pairs) > max_fields:
        return None
    lists: dict[str, list[str]] = {}
    for pair in pairs:
        name, _eq, value = pair.partition(b"=")
        lists.setdefault(_text(name), []).append(_text(value))
    fields = QueryDict()  # immutable, as Django leaves a request's POST
    # A MultiValueDict is a dict of a list a name (its constructor keeps such a mapping as it
    # is); filled at once, not through appendlist, which checks and converts every value again.
    dict.update(fields, lists)
    return fields


_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,./:=?-]{1,70}")
# A part's headers as browsers write them: a field, or a file input left empty (Django reads
# that as a field too: its filename is empty). Names of letters, digits and _.-[] only.
_PART = re.compile(
    rb'Content-Disposition: form-data; name="([A-Za-z0-9_.\[\]-]{1,100})"'
    rb'(?:(; filename="")(?:\r\nContent-Type: [A-Za-z0-9.+-]{1,50}/[A-Za-z0-9.+-]{1,50})?)?'
    rb"\r\n\r\n"
)


def parse_multipart(body: bytes, boundary: str, *, max_fields: int | None = None):
    """The fields of a multipart body without files, as Django's MultiPartParser reads them,
    or None where Django must read it: a file, a header or part of another shape, a boundary
    inside a value, more fields than Django allows."""
    if not _BOUNDARY.fullmatch(boundary):
        return None
    delimiter = b"--" + boundary.encode()
    if not body.startswith(delimiter + b"\r\n"):
        return None
    segments = body[len(delimiter) + 2 :].split(b"\r\n" + delimiter)
    # Every boundary is one of the delimiters split on (Django splits on any "--boundary").
    if len(segments) < 2 or body.count(delimiter) != len(segments):
        return None
    if segments[-1] not in (b"--", b"--\r\n"):
        return None
    lists: dict[str, list[str]] = {}
    for i, segment in enumerate(segments[:-1]):
        if i:
            if not segment.startswith(b"\r\n"):
                return None
            segment = segment[2:]
        head = _PART.match(segment)
        if head is None:
            return None
        value = segment[head.end() :]
        lists.setdefault(head.group(1).decode(), []).append(value.decode("utf-8", "replace"))
    if max_fields is not None and len(segments) - 1 > max_fields + 2:
        return None  # as Django counts them; it refuses the post
    fields = QueryDict()
    dict.update(fields, lists)
    return fields


class FormDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            kind = request.META.get("CONTENT_TYPE", "")
            if kind.startswith(FORM):
                self._read(request)
            elif kind.startswith(MULTIPART):
                self._read_multipart(request)
        return self.get_response(request)

    @staticmethod
    def _length(request, kind: str) -> int | None:
        """The body's length when it is `kind` in UTF-8 and within the size Django reads into
        memory; None otherwise (Django reads or refuses it)."""
        if request.content_type != kind or (request.encoding or "utf-8").lower() != "utf-8":
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return None if limit is not None and length > limit else length

    @staticmethod
    def _keep(request, fields) -> None:
        if fields is not None:
            request.POST = fields
            # Read with the fields: FILES would otherwise parse the body again, over POST.
            request._files = MultiValueDict()

    def _read(self, request) -> None:
        if self._length(request, FORM) is None:
            return
        fields = parse(request.body, max_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
        self._keep(request, fields)

    def _read_multipart(self, request) -> None:
        boundary = request.content_params.get("boundary")
        if not boundary or not self._length(request, MULTIPART):
            return
        max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        self._keep(request, parse_multipart(request.body, boundary, max_fields=max_fields))

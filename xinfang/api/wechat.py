"""The official account's callback (docs/systems.md, "WeChat"): a citizen sends a tracking code
and query password and gets the case's state, as the portal's tracking page shows it; with
"订阅" before them the citizen also asks for its news as template messages (notify's WeChat
channel); "退订" ends that. Every request is checked against the account's token (the signature
over token, timestamp and nonce, and a timestamp no older than settings.WECHAT
MAX_SKEW_SECONDS); in safe mode (encrypt_type=aes) the message is decrypted and the reply
encrypted with the EncodingAESKey. Look-ups count against the same limits as the portal's."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from xinfang.cases import citizen
from xinfang.core import crypto
from xinfang.core.errors import ApplicationError, NotFound
from xinfang.core.timeutil import now
from xinfang.notify import services as notify

logger = logging.getLogger("xinfang.wechat")

TRACK_WORDS = ("查询", "track")
SUBSCRIBE_WORDS = ("订阅", "subscribe")
UNSUBSCRIBE_WORDS = ("退订", "unsubscribe")
LATEST_ENTRIES = 3


def _help() -> str:
    return _(
        "Send your tracking code and query password, separated by a space, to see how your "
        "petition stands. Put 订阅 before them to be told here of its progress; send 退订 to "
        "stop."
    )


def _date(value) -> str:
    return formats.date_format(value, "Y-m-d")


def summary(case) -> str:
    """What the portal's tracking page shows, as text: number, state, holder, dates, news."""
    seen = citizen.track(case)
    lines = [
        _("Case %(number)s") % {"number": case.number},
        _("Status: %(state)s") % {"state": seen.state_label},
        _("Handled by: %(body)s") % {"body": case.holder_body.name},
    ]
    for c in seen.clocks:
        lines.append(f"{c.get('words') or c['label']}：{_date(c['due_on'])}")
    if seen.timeline:
        lines.append(_("Latest:"))
        for e in seen.timeline[-LATEST_ENTRIES:]:
            when = _date(timezone.localtime(e["at"]))
            note = f"（{e['note']}）" if e.get("note") else ""
            lines.append(f"{when} {e['words']}{note}")
    return "\n".join(lines)


def _find(code: str, password: str, openid: str):
    # The openid (keyed-hashed: no table keeps it readable) stands for the address in the
    # look-up limits: a WeChat user is one client.
    return citizen.find(code, password, ip=f"wechat:{crypto.blind_index(openid)[:16]}")


def answer(message) -> str:
    """The reply to one message from the account's user (empty: no reply)."""
    if message.type == "event":
        return _help() if getattr(message, "event", "") == "subscribe" else ""
    if message.type != "text":
        return _help()
    words = (message.content or "").replace("\u3000", " ").split()
    openid = message.source
    if words and words[0].lower() in UNSUBSCRIBE_WORDS:
        n = notify.unbind_wechat(openid)
        if not n:
            return _("You had not subscribed to any case here.")
        return _("You will no longer be told here of your cases' progress.")
    subscribe = bool(words) and words[0].lower() in SUBSCRIBE_WORDS
    if words and (subscribe or words[0].lower() in TRACK_WORDS):
        words = words[1:]
    if len(words) != 2:
        return _help()
    try:
        case = _find(words[0], words[1], openid)
    except NotFound:
        return _("No case matches this tracking code and query password.")
    except ApplicationError as exc:  # too many tries, a code too long
        return str(exc.message)
    text = summary(case)
    if subscribe:
        notify.bind_wechat(case, openid)
        text += "\n" + _("You will be told here of this case's progress; send 退订 to stop.")
    else:
        text += "\n" + _(
            "Send 订阅 with the same code and password to be told here of its progress."
        )
    return text


def _fresh(timestamp: str) -> bool:
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    return abs(now().timestamp() - sent) <= settings.WECHAT["MAX_SKEW_SECONDS"]


@csrf_exempt
@require_http_methods(["GET", "POST"])
def callback(request):
    from wechatpy import parse_message
    from wechatpy.crypto import WeChatCrypto
    from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
    from wechatpy.replies import TextReply
    from wechatpy.utils import check_signature

    cfg = settings.WECHAT
    token = cfg.get("TOKEN")
    if not token:
        return HttpResponseNotFound()
    q = request.GET
    timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
    try:
        check_signature(token, q.get("signature", ""), timestamp, nonce)
    except InvalidSignatureException:
        return HttpResponseForbidden()
    if not _fresh(timestamp):
        return HttpResponseForbidden()
    if request.method == "GET":
        # WeChat's check of the server's address: answer its echostr.
        return HttpResponse(q.get("echostr", ""), content_type="text/plain")
    safe = q.get("encrypt_type") == "aes"
    crypto = None
    body = request.body
    if safe:
        crypto = WeChatCrypto(token, cfg.get("ENCODING_AES_KEY", ""), cfg.get("APP_ID", ""))
        try:
            body = crypto.decrypt_message(body, q.get("msg_signature", ""), timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException, ValueError):
            return HttpResponseForbidden()
    try:
        message = parse_message(body)
    except Exception:  # noqa: BLE001 - whatever a stranger posts, never a 500
        logger.info("unreadable WeChat message")
        return HttpResponse("success", content_type="text/plain")
    # The citizen reads Chinese whatever the server's default language.
    with translation.override("zh-hans"):
        text = answer(message)
    if not text:
        return HttpResponse("success", content_type="text/plain")
    reply = TextReply(message=message, content=text).render()
    if crypto is not None:
        reply = crypto.encrypt_message(reply, nonce, timestamp)
    return HttpResponse(reply, content_type="application/xml; charset=utf-8")

"""Ways a message leaves the system. Each backend sends one message or raises.

`PermanentFailure`: retrying cannot help (bad number, rejected by the gateway); the row goes dead.
Any other exception is temporary and the row is retried with backoff. Every backend receives the
outbox row's idempotency key and passes it on, so a retried send is recognisable downstream.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.utils.module_loading import import_string

from xinfang.core import crypto

logger = logging.getLogger("xinfang.notify")


class PermanentFailure(Exception):
    """The message can never be delivered as it stands."""


class TemporaryFailure(Exception):
    """Try again later."""


@dataclass(frozen=True)
class Message:
    channel: str
    to: str
    subject: str
    body: str
    idempotency_key: str


def config() -> dict:
    return settings.NOTIFY


class ConsoleBackend:
    """Development: the message goes to the log, with the recipient masked."""

    def send(self, message: Message) -> None:
        to = crypto.mask_phone(message.to) if message.channel == "sms" else message.to
        logger.info(
            "notify %s to %s [%s] %s %s",
            message.channel,
            to,
            message.idempotency_key,
            message.subject,
            message.body,
        )


class FileBackend:
    """Development: one file per message, named by its idempotency key (a resend overwrites it)."""

    def send(self, message: Message) -> None:
        directory = Path(config()["FILE_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        if message.channel == "email":
            name = f"{message.idempotency_key}.eml"
            data = _email(message).message().as_bytes()
        else:
            name = f"{message.idempotency_key}.txt"
            data = f"To: {message.to}\n\n{message.body}\n".encode()
        tmp = directory / (name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(directory / name)


def _email(message: Message, connection=None) -> mail.EmailMessage:
    domain = config().get("MESSAGE_ID_DOMAIN") or "xinfang.local"
    return mail.EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={
            # The same Message-ID on a resend lets mail systems drop the duplicate.
            "Message-ID": f"<{message.idempotency_key}@{domain}>",
            "X-Idempotency-Key": message.idempotency_key,
        },
        connection=connection,
    )


class SmtpBackend:
    """E-mail through Django's mail settings (EMAIL_HOST and friends)."""

    def send(self, message: Message) -> None:
        if message.channel != "email":
            raise PermanentFailure("SMTP 只能发送电子邮件")
        try:
            _email(message, connection=mail.get_connection(fail_silently=False)).send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"收件人被拒绝：{exc}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise TemporaryFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc


class HttpSmsBackend:
    """SMS through an HTTP gateway: POST JSON {to, text, id}; 2xx means accepted.

    4xx is permanent (except 408 and 429), 5xx and network errors are temporary. The token goes
    in a configurable header and the idempotency key in `Idempotency-Key`.
    """

    def send(self, message: Message) -> None:
        cfg = config()
        url = cfg.get("SMS_GATEWAY_URL")
        if not url:
            raise TemporaryFailure("未配置短信网关地址（XINFANG_SMS_GATEWAY_URL）")
        payload = {"to": message.to, "text": message.body, "id": message.idempotency_key}
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.idempotency_key,
        }
        token = cfg.get("SMS_GATEWAY_TOKEN")
        if token:
            header = cfg.get("SMS_GATEWAY_TOKEN_HEADER") or "Authorization"
            headers[header] = f"Bearer {token}" if header.lower() == "authorization" else token
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=cfg.get("SMS_GATEWAY_TIMEOUT", 10)):
                return
        except urllib.error.HTTPError as exc:
            detail = f"短信网关返回 {exc.code}: {_snippet(exc)}"
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise PermanentFailure(detail) from exc
            raise TemporaryFailure(detail) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TemporaryFailure(f"短信网关无法连接：{exc}") from exc


def _snippet(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(300).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - only for the error text
        return ""


class WechatTemplateBackend:
    """Template messages of the official account (settings.WECHAT: APP_ID, APP_SECRET,
    TEMPLATE_ID). The template has `first` (the message's name), `keyword1` (its text) and
    `remark`. WeChat's own errors 43004 (the user no longer follows the account), 40003 (not an
    openid of this account) and 40037 (no such template) are permanent; the rest are retried."""

    PERMANENT = {40003, 40036, 40037, 43004, 43019, 47001}

    def send(self, message: Message) -> None:
        from wechatpy.exceptions import WeChatClientException

        cfg = settings.WECHAT
        if not (cfg.get("APP_ID") and cfg.get("APP_SECRET") and cfg.get("TEMPLATE_ID")):
            raise TemporaryFailure("未配置微信公众号（XINFANG_WECHAT_APP_ID 等）")
        data = {
            "first": {"value": message.subject},
            "keyword1": {"value": message.body},
            "remark": {"value": ""},
        }
        try:
            wechat_client().message.send_template(
                message.to, cfg["TEMPLATE_ID"], data, url=cfg.get("TEMPLATE_URL") or None
            )
        except WeChatClientException as exc:
            detail = f"微信返回 {exc.errcode}: {exc.errmsg}"
            if exc.errcode in self.PERMANENT:
                raise PermanentFailure(detail) from exc
            raise TemporaryFailure(detail) from exc
        except OSError as exc:  # requests' connection errors are OSErrors
            raise TemporaryFailure(f"微信接口无法连接：{exc}") from exc


_CLIENTS: dict = {}


def wechat_client():
    """One client per process and account, so its access token is fetched once, not per send."""
    from wechatpy import WeChatClient

    cfg = settings.WECHAT
    key = (cfg.get("APP_ID"), cfg.get("APP_SECRET"))
    if key not in _CLIENTS:
        _CLIENTS[key] = WeChatClient(cfg["APP_ID"], cfg["APP_SECRET"], timeout=10)
    return _CLIENTS[key]


BACKENDS = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "smtp": SmtpBackend,
    "sms_http": HttpSmsBackend,
    "wechat_template": WechatTemplateBackend,
}
OFF = {"", "off", "none"}


def backend_name(channel: str) -> str:
    return (config()["BACKENDS"].get(channel) or "off").strip()


def enabled_channels() -> list[str]:
    """Channels that have a backend; messages for the others are not written at all."""
    return [c for c in ("sms", "email", "wechat") if backend_name(c).lower() not in OFF]


def for_channel(channel: str):
    name = backend_name(channel)
    if name.lower() in OFF:
        raise PermanentFailure(f"渠道{channel}未启用")
    cls = BACKENDS.get(name) or import_string(name)
    return cls()

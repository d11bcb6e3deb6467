"""Village agents (代办员): a petition filed for a villager through the one registration.

The villager is the party and is sent the tracking code by SMS as any petitioner is (the
"registered" message); the agent is recorded as the filer (Case.filed_by) and sees only the cases
they filed (cases/access.py). A report of misconduct is not filed through an agent: its reporter's
identity is for the discipline body only (W30, W46)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinfang.core import crypto
from xinfang.core.errors import InvalidInput, PermissionDenied
from xinfang.orgs.models import Division

from ..access import agent_body, may_file_as_agent
from .registration import PartyInput, Registration, register

AGENT_CONTENT_TYPES = ("appeal", "suggestion")
AGENT_CHANNEL = "agent"


def file_for_villager(
    *,
    agent,
    name: str,
    phone: str,
    title: str,
    text: str,
    content_type: str = "appeal",
    id_number: str = "",
    place: Division | None = None,
    address: str = "",
    category=None,
) -> Registration:
    """Register a villager's petition at the agent's village committee, in one transaction."""
    body = agent_body(agent)
    if body is None or not may_file_as_agent(agent, body):
        raise PermissionDenied(_("Only a village agent may file for a villager here"))
    errors: dict[str, list[str]] = {}
    if content_type not in AGENT_CONTENT_TYPES:
        errors["content_type"] = [
            _(
                "A report of misconduct is not filed through an agent: the reporter sends it "
                "in person, online or by letter, so that nobody else learns who reported"
            )
        ]
    if not (name or "").strip():
        errors["name"] = [_("Enter the villager's name")]
    if not crypto.normalise_phone(phone or ""):
        errors["phone"] = [_("Enter the villager's mobile number: the tracking code is sent to it")]
    place = place or body.division
    if not place.lies_within(body.division):
        errors["place"] = [_("An agent files for the agent's own village only")]
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )
    return register(
        actor=agent,
        body=body,
        channel=AGENT_CHANNEL,
        content_type=content_type,
        title=title,
        text=text,
        place=place,
        address=address,
        category=category,
        parties=[PartyInput(name=name, phone=phone, id_number=id_number)],
        durable=True,
        filed_by=agent,
    )

"""Messages are written in the move's transaction and say what the citizen is told (W21-W36)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case, CaseEvent
from xinfang.core import crypto, events
from xinfang.notify import services as notify
from xinfang.notify.defaults import EVENT_TEMPLATES
from xinfang.notify.models import MessageTemplate, Outbox

from .conftest import PHONE, Walk, outbox


@pytest.fixture
def extra_subscriber():
    added = []

    def add(handler):
        events.subscribe(handler)
        added.append(handler)

    yield add
    for handler in added:
        events.unsubscribe(handler)


def test_w21_registration_writes_the_message_inside_the_same_transaction(county, extra_subscriber):
    """W21: registered and told so; the outbox row exists before the move's transaction ends."""
    seen = []
    extra_subscriber(lambda event: seen.append(Outbox.objects.filter(event=event).count()))

    registration = register_appeal(county)

    assert seen == [1]
    (row,) = outbox(registration.case)
    assert row.template_key == "registered"
    assert row.channel == "sms"
    assert row.status == Outbox.PENDING
    assert row.body == (
        f"【阳光信访】您的信访事项{registration.case.number}已登记，"
        f"查询码{registration.tracking_code}，请通过查询码和查询密码查看办理进度。"
    )


def test_recipient_is_stored_encrypted_and_no_message_carries_the_query_password(county):
    registration = register_appeal(county)
    (row,) = outbox(registration.case)
    assert PHONE not in row.recipient_enc
    assert crypto.decrypt(row.recipient_enc) == PHONE
    assert registration.query_password not in row.body
    assert "张三" not in row.body  # the petitioner's name is never written into a message


def test_a_move_that_rolls_back_leaves_no_message(county, extra_subscriber):
    walk = Walk(county)
    before = Outbox.objects.count()

    def fail(event):
        if event.kind == "transfer":
            raise RuntimeError("disk full")

    extra_subscriber(fail)
    with pytest.raises(RuntimeError):
        walk.transfer()

    assert Outbox.objects.count() == before
    assert Case.objects.get(pk=walk.case.pk).state == "registered"


def test_nothing_is_delivered_before_commit(
    county, sms_via_gateway, django_capture_on_commit_callbacks
):
    gateway = sms_via_gateway
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = register_appeal(county)
    (row,) = outbox(registration.case)
    assert row.status == Outbox.PENDING
    assert gateway.requests == []

    for callback in callbacks:
        callback()

    row.refresh_from_db()
    assert row.status == Outbox.SENT
    assert gateway.texts_to(PHONE) == [row.body]


def test_w22_to_w36_each_move_sends_its_message(county, province_housing):
    """W22 routed, W23/W31 accepted, W34 extended, W32 replied, W35 review, W36 re-review."""
    walk = Walk(county)
    walk.transfer()
    walk.accept()
    walk.extend(days=30, reason="需要现场勘验")
    walk.reply()
    walk.review()
    walk.rereview()
    case = walk.case

    keys = [r.template_key for r in outbox(case)]
    assert keys == [
        "registered",
        "routed",
        "accepted",
        "extended",
        "replied",
        "review_decided",
        "rereview_decided",
    ]
    bodies = {r.template_key: r.body for r in outbox(case)}
    assert "已转海阳市住房和城乡建设局办理" in bodies["routed"]
    assert "已由海阳市住房和城乡建设局受理，办理期限至" in bodies["accepted"]
    assert (
        "办理期限延长30日" in bodies["extended"] and "延期理由：需要现场勘验" in bodies["extended"]
    )
    assert "（支持）" in bodies["replied"] and "前申请复查" in bodies["replied"]
    assert "（解释说明）" in bodies["review_decided"] and "前申请复核" in bodies["review_decided"]
    assert "（不予支持）" in bodies["rereview_decided"] and "复核终结" in bodies["rereview_decided"]
    # Moves the citizen is not told about (request_extension, decide, request_review) send nothing.
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds - set(EVENT_TEMPLATES) >= {"request_extension", "decide", "request_review"}


@pytest.mark.parametrize(
    ("move", "key", "phrase"),
    [
        ("assign", "routed", "已转海阳市住房和城乡建设局办理"),
        ("decline", "declined", "不予受理。理由：不属于信访事项"),
        ("not_reaccept", "not_reaccepted", "不再受理。理由：不属于信访事项"),
        ("redirect_to_legal_channel", "redirected", "应通过诉讼途径解决"),
    ],
)
def test_w19_w22_w31_w36_routing_outcomes_send_their_message(county, move, key, phrase):
    walk = Walk(county)
    clerk = county.users["clerk"]
    if move == "assign":
        services.assign(case=walk.case, actor=clerk, body=county.housing)
    elif move == "redirect_to_legal_channel":
        services.redirect_to_legal_channel(case=walk.case, actor=clerk, legal_channel="litigation")
    else:
        getattr(services, move)(case=walk.case, actor=clerk, reason="不属于信访事项")
    row = outbox(walk.case)[-1]
    assert row.template_key == key
    assert phrase in row.body


def test_w33_mediation_sends_its_message(county):
    walk = Walk(county)
    walk.transfer()
    walk.accept()
    services.mediate(case=walk.case, actor=county.users["handler"], agreement="物业三日内维修")
    row = outbox(walk.case)[-1]
    assert row.template_key == "mediated"
    assert "已调解办结" in row.body


def test_replaying_an_event_never_queues_it_twice(county):
    registration = register_appeal(county)
    event = CaseEvent.objects.get(case=registration.case, kind="register")
    notify.replay_event(event.pk)
    notify.replay_event(event.pk)
    assert len(outbox(registration.case)) == 1


def test_each_party_with_a_phone_gets_one_message_and_a_shared_phone_only_one(county):
    registration = register_appeal(
        county,
        is_group=True,
        parties=[
            services.PartyInput(name="王五", phone="13900000001", kind="representative"),
            services.PartyInput(name="赵六", phone="13900000002", kind="representative"),
            services.PartyInput(name="孙七", phone="139 0000 0001", kind="representative"),
            services.PartyInput(name="周八", address="东村3组", kind="representative"),
        ],
    )
    phones = sorted(crypto.decrypt(r.recipient_enc) for r in outbox(registration.case))
    assert phones == ["13900000001", "13900000002"]


def test_email_is_written_when_the_party_gave_an_address(county, settings):
    settings.NOTIFY = {**settings.NOTIFY, "BACKENDS": {"sms": "console", "email": "console"}}
    registration = register_appeal(
        county,
        parties=[services.PartyInput(name="张三", phone=PHONE, email="zhang@example.cn")],
    )
    rows = {r.channel: r for r in outbox(registration.case)}
    assert set(rows) == {"sms", "email"}
    assert rows["email"].subject == f"【阳光信访】信访事项{registration.case.number}已登记"
    assert crypto.decrypt(rows["email"].recipient_enc) == "zhang@example.cn"


def test_a_channel_switched_off_writes_nothing(county, settings):
    settings.NOTIFY = {**settings.NOTIFY, "BACKENDS": {"sms": "off", "email": "off"}}
    assert outbox(register_appeal(county).case) == []


# ---------------------------------------------------------------------------------------------
# Reports (检举控告): W30, W46


def test_w30_w46_report_messages_reach_only_the_reporter_and_never_name_the_accused(county):
    """W30, W46: a report's messages go to the reporter alone and never name the accused body
    or the reporter, even when a staff note does."""
    accused = county.housing
    registration = register_appeal(
        county,
        content_type="report",
        title="反映某局工作人员收受好处",
        text="海阳市住房和城乡建设局某科长收受开发商好处。",
        accused_body=accused,
        parties=[
            services.PartyInput(name="李四", phone="13700000001"),
            services.PartyInput(name="代办员", phone="13700000002", kind="agent"),
        ],
    )
    case = registration.case
    walk_clerk = county.users["clerk"]
    services.transfer(case=case, actor=walk_clerk, body=county.discipline)
    services.decline(
        case=case,
        actor=county.users["discipline_handler"],
        reason=f"{accused.name}已另案处理",
    )

    rows = outbox(case)
    assert [r.template_key for r in rows] == ["registered", "routed", "declined"]
    assert {crypto.decrypt(r.recipient_enc) for r in rows} == {"13700000001"}
    for row in rows:
        assert accused.name not in row.body + row.subject
        assert "李四" not in row.body
    assert "已转海阳市纪委监委办理" in rows[1].body


def test_w30_an_edited_template_cannot_bring_back_the_accused_body(county):
    """W30: even a template that spells the body out has it replaced before it is stored."""
    MessageTemplate.objects.update_or_create(
        key="registered",
        channel="sms",
        defaults={
            "body": "事项{{ number }}，被反映单位：海阳市住房和城乡建设局",
            "is_active": True,
        },
    )
    registration = register_appeal(
        county,
        content_type="report",
        accused_body=county.housing,
        parties=[services.PartyInput(name="李四", phone="13700000001")],
    )
    (row,) = outbox(registration.case)
    assert "海阳市住房和城乡建设局" not in row.body
    assert "被反映单位：有关单位" in row.body


# ---------------------------------------------------------------------------------------------
# Templates in the admin


@pytest.fixture
def admin_client(client, county):
    user = get_user_model().objects.create_superuser("root", password="pw-root-123")
    client.force_login(user)
    return client


def _template(key="registered", channel="sms") -> MessageTemplate:
    from xinfang.notify.defaults import default

    subject, body = default(key, channel)
    row, _ = MessageTemplate.objects.get_or_create(
        key=key, channel=channel, defaults={"subject": subject, "body": body}
    )
    return row


def test_templates_are_listed_in_chinese_in_the_admin(admin_client):
    _template()
    response = admin_client.get(reverse("admin:notify_messagetemplate_changelist"))
    assert response.status_code == 200
    assert "消息模板" in response.content.decode()
    form = admin_client.get(reverse("admin:notify_messagetemplate_add")).content.decode()
    assert "{{ tracking_code }}：查询码" in form


def test_a_template_edited_in_the_admin_changes_the_next_message(admin_client, county):
    row = _template()
    response = admin_client.post(
        reverse("admin:notify_messagetemplate_change", args=[row.pk]),
        {
            "key": "registered",
            "channel": "sms",
            "subject": "",
            "body": "【海阳信访】事项{{ number }}已收到，查询码{{ tracking_code }}。",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    registration = register_appeal(county)
    (message,) = outbox(registration.case)
    assert message.body == (
        f"【海阳信访】事项{registration.case.number}已收到，查询码{registration.tracking_code}。"
    )


def test_the_admin_refuses_a_template_with_a_syntax_error(admin_client):
    row = _template()
    response = admin_client.post(
        reverse("admin:notify_messagetemplate_change", args=[row.pk]),
        {"key": "registered", "channel": "sms", "subject": "", "body": "{% if %}坏模板"},
    )
    assert response.status_code == 200
    assert "模板语法错误" in response.content.decode()
    row.refresh_from_db()
    assert "{% if %}" not in row.body


def test_a_switched_off_template_sends_nothing(county):
    row = _template()
    row.is_active = False
    row.save()
    assert outbox(register_appeal(county).case) == []


def test_a_broken_template_row_falls_back_to_the_shipped_text_and_the_move_succeeds(county):
    row = _template()
    MessageTemplate.objects.filter(pk=row.pk).update(body="{% if %}")  # bypasses the admin check
    registration = register_appeal(county)
    (message,) = outbox(registration.case)
    assert message.body.startswith(f"【阳光信访】您的信访事项{registration.case.number}已登记")


@pytest.mark.django_db
def test_the_data_migration_seeds_every_template_in_chinese_and_keeps_edits():
    import importlib

    from django.apps import apps

    from xinfang.notify.defaults import CHANNELS, KEYS

    migration = importlib.import_module("xinfang.notify.migrations.0002_default_templates")
    MessageTemplate.objects.all().delete()
    MessageTemplate.objects.create(key="registered", channel="sms", body="本地改过的文本")
    migration.seed(apps, None)

    rows = MessageTemplate.objects.all()
    assert {(r.key, r.channel) for r in rows} == {(k, c) for k in KEYS for c in CHANNELS}
    assert rows.get(key="registered", channel="sms").body == "本地改过的文本"
    assert all("阳光信访" in r.body + r.subject for r in rows.exclude(body="本地改过的文本"))


def test_every_message_a_move_declares_has_its_texts():
    """A move's row names its message; the texts live here. Missing one fails."""
    from xinfang.cases import workflow
    from xinfang.notify import defaults

    for kind, key in workflow.message_keys().items():
        assert key in defaults.KEYS, kind
        assert key in defaults.SMS_TEXTS and key in defaults.EMAIL_SUBJECTS, kind

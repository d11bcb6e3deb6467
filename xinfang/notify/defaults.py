"""Message texts shipped with the code: what a deployment starts from and falls back to.

Every text is a Django template rendered with plain strings only (see `services.message_context`),
so an edited template cannot reach the case, its parties or the body a report accuses.
"""

from __future__ import annotations

from xinfang.cases.workflow import message_keys

SMS = "sms"
EMAIL = "email"
# Template messages of the official account, to citizens who subscribed to a case there.
WECHAT = "wechat"
CHANNELS = {SMS: "短信", EMAIL: "电子邮件", WECHAT: "微信"}

# Which message each case event sends: declared on the move (or event) in cases/workflow.
EVENT_TEMPLATES: dict[str, str] = message_keys()
RATING_REMINDER = "rating_reminder"
# To the staff of the body holding a case: a staff deadline ends soon (sent by e-mail).
STAFF_DUE_SOON = "staff_due_soon"
# To the staff of the body holding a case: the petitioner added material (follow-ups).
STAFF_FOLLOWUP = "staff_followup"

# To the supervisors of a division: an early warning about an issue (insights/alerts).
ISSUE_ALERT = "issue_alert"

# Reception days (reception app): booked, reminded the day before, cancelled.
RECEPTION_BOOKED = "reception_booked"
RECEPTION_REMINDER = "reception_reminder"
RECEPTION_CANCELLED = "reception_cancelled"

KEYS: dict[str, str] = {
    "registered": "已登记",
    "routed": "已转送交办",
    "accepted": "已受理",
    "declined": "不予受理",
    "not_reaccepted": "不再受理",
    "redirected": "导入法定途径",
    "extended": "办理期限延长",
    "replied": "已答复",
    "mediated": "已调解",
    "review_decided": "复查意见",
    "rereview_decided": "复核意见",
    RATING_REMINDER: "评价提醒",
    STAFF_DUE_SOON: "办理期限临近提醒（工作人员）",
    STAFF_FOLLOWUP: "信访人补充材料提醒（工作人员）",
    ISSUE_ALERT: "信访问题预警（工作人员）",
    RECEPTION_BOOKED: "接待预约确认",
    RECEPTION_REMINDER: "接待预约提醒",
    RECEPTION_CANCELLED: "接待预约取消",
}

# The variables a template may use; shown beside the template in the admin.
VARIABLES: dict[str, str] = {
    "number": "事项编号",
    "tracking_code": "查询码",
    "state": "当前状态",
    "holder": "当前办理单位",
    "date": "本次办理日期",
    "due": "办理期限（受理、延期后）",
    "days": "延长天数",
    "reason": "理由（检举控告类事项为空）",
    "decision": "处理意见：支持、解释说明或不予支持",
    "legal_channel": "法定途径",
    "review_due": "申请复查截止日期",
    "rereview_due": "申请复核截止日期",
    "rating_due": "评价截止日期",
    "period": "临近届满的期限名称（工作人员提醒）",
    "period_due": "该期限届满日期（工作人员提醒）",
    "days_left": "该期限剩余天数（工作人员提醒）",
    "area": "预警涉及的地区（问题预警）",
    "category": "预警涉及的问题类别（问题预警）",
    "week": "预警所在周的起始日期（问题预警）",
    "observed": "该周信访件数（问题预警）",
    "expected": "此前各周平均件数（问题预警）",
    "limit": "预警线（问题预警）",
    "reception_day": "接待日期和时间（接待预约）",
    "reception_leader": "接待领导（接待预约）",
    "reception_place": "接待地点或视频接待（接待预约）",
    "room_link": "视频接待链接（视频预约）",
}

_TAIL = "请凭查询码{{ tracking_code }}和查询密码查看详情。"
_EMAIL_FOOTER = "\n\n此邮件由阳光信访系统自动发送，请勿直接回复。"

SMS_TEXTS: dict[str, str] = {
    "registered": (
        "【阳光信访】您的信访事项{{ number }}已登记，查询码{{ tracking_code }}，"
        "请通过查询码和查询密码查看办理进度。"
    ),
    "routed": "【阳光信访】您的信访事项{{ number }}已转{{ holder }}办理。" + _TAIL,
    "accepted": (
        "【阳光信访】您的信访事项{{ number }}已由{{ holder }}受理"
        "{% if due %}，办理期限至{{ due }}{% endif %}。" + _TAIL
    ),
    "declined": (
        "【阳光信访】{{ holder }}决定对您的信访事项{{ number }}不予受理。"
        "{% if reason %}理由：{{ reason }}。{% endif %}" + _TAIL
    ),
    "not_reaccepted": (
        "【阳光信访】您的信访事项{{ number }}与已复核终结的事项事实和理由相同，不再受理。"
        "{% if reason %}理由：{{ reason }}。{% endif %}" + _TAIL
    ),
    "redirected": (
        "【阳光信访】您的信访事项{{ number }}依法应通过{{ legal_channel }}途径解决，"
        "请向有关机关提出。" + _TAIL
    ),
    "extended": (
        "【阳光信访】您的信访事项{{ number }}办理期限延长{{ days }}日"
        "{% if due %}，至{{ due }}{% endif %}。{% if reason %}延期理由：{{ reason }}。{% endif %}"
    ),
    "replied": (
        "【阳光信访】您的信访事项{{ number }}已出具处理意见（{{ decision }}）。"
        + _TAIL
        + "不服的，可于{{ review_due }}前申请复查。"
    ),
    "mediated": "【阳光信访】您的信访事项{{ number }}已调解办结。" + _TAIL,
    "review_decided": (
        "【阳光信访】您的信访事项{{ number }}已作出复查意见（{{ decision }}）。"
        + _TAIL
        + "不服的，可于{{ rereview_due }}前申请复核。"
    ),
    "rereview_decided": (
        "【阳光信访】您的信访事项{{ number }}已作出复核意见（{{ decision }}），复核终结。" + _TAIL
    ),
    RATING_REMINDER: (
        "【阳光信访】您的信访事项{{ number }}已办理答复，请于{{ rating_due }}前凭查询码"
        "{{ tracking_code }}对办理结果作出评价。"
    ),
    STAFF_DUE_SOON: (
        "【阳光信访】信访事项{{ number }}的{{ period }}将于{{ period_due }}届满"
        "（还剩{{ days_left }}天），请{{ holder }}抓紧办理。"
    ),
    STAFF_FOLLOWUP: (
        "【阳光信访】信访人对信访事项{{ number }}补充了材料或留言，请{{ holder }}及时查看并记入办理。"
    ),
    ISSUE_ALERT: (
        "【阳光信访】问题预警：{{ area }}{{ category }}方面的信访，{{ week }}起一周"
        "{{ observed }}件（此前平均每周{{ expected }}件，预警线{{ limit }}件）。"
        "请登录工作台“问题预警”查看并处理。"
    ),
    RECEPTION_BOOKED: (
        "【阳光信访】您已预约{{ reception_day }}{{ reception_leader }}接待（事项{{ number }}），"
        "{{ reception_place }}。{% if room_link %}视频接待请届时打开：{{ room_link }}。{% endif %}"
        "如不能到场，请凭查询码{{ tracking_code }}取消预约。"
    ),
    RECEPTION_REMINDER: (
        "【阳光信访】提醒：您预约的{{ reception_leader }}接待在{{ reception_day }}，"
        "{{ reception_place }}。{% if room_link %}视频接待链接：{{ room_link }}。{% endif %}"
    ),
    RECEPTION_CANCELLED: (
        "【阳光信访】您预约的{{ reception_day }}{{ reception_leader }}接待已取消"
        "（事项{{ number }}）。"
    ),
}

EMAIL_SUBJECTS: dict[str, str] = {
    key: "【阳光信访】信访事项{{ number }}" + label for key, label in KEYS.items()
}
EMAIL_SUBJECTS[ISSUE_ALERT] = "【阳光信访】问题预警：{{ area }}{{ category }}"


def default(key: str, channel: str) -> tuple[str, str]:
    """(subject, body) of the code default for `key` on `channel`."""
    body = SMS_TEXTS[key]
    if channel == EMAIL:
        return EMAIL_SUBJECTS[key], body.removeprefix("【阳光信访】") + _EMAIL_FOOTER
    if channel == WECHAT:
        # The template's title line is the message's name; its text is the SMS text.
        return KEYS[key], body
    return "", body

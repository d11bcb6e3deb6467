"""The formal notices (STATUTE.md, Notices) and their default Chinese templates. Pure: no database.

Each template body is Django template text rendered without HTML escaping; one line is one
paragraph; “你（你们）” is printed as 你 or 你们, as the addressee is one person or several. The
issuing body's mark, title, document number, addressee, signature, date and page numbers are laid
out by render.py around the body. Articles: W = 信访工作条例 (2022).
"""

from __future__ import annotations

from dataclasses import dataclass

# Who a notice is addressed to.
TO_CITIZEN = "citizen"
TO_HOLDER = "holder"  # the body now holding the case (转送单, 交办单, 督办单)
TO_SENDER = "sender"  # the body that sent the case on (办结报告)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    title: str
    code: str  # the word in the document number, e.g. 海信访受〔2026〕123号
    addressee: str
    article: str
    body: str

    @property
    def citizen_visible(self) -> bool:
        return self.addressee == TO_CITIZEN


_RECEIVED = (
    "你（你们）于{{ registered_on }}提出的“{{ case_title }}”信访事项（事项编号：{{ case_number }}）"
)

ACCEPTANCE = f"""{_RECEIVED}，经审查，符合《信访工作条例》第二十三条、第三十一条规定的受理条件，本机关决定予以受理。
本机关将依照《信访工作条例》第三十四条的规定，自受理之日起六十日内办结{{% if due.handle %}}（办理期限至{{{{ due.handle }}}}）{{% endif %}}；情况复杂的，经本机关负责人批准，可以适当延长办理期限，延长期限不超过三十日，并告知你（你们）延期理由。
你（你们）可以通过阳光信访平台凭查询码查询办理进展，并对办理情况进行评价。
特此告知。"""

NON_ACCEPTANCE = f"""{_RECEIVED}，经审查，{{{{ reason }}}}。
根据《信访工作条例》第十九条、第二十三条的规定，本机关决定不予受理。
特此告知。"""

NON_REACCEPTANCE = f"""{_RECEIVED}，经审查，{{{{ reason }}}}。
{{% if final_case %}}该信访事项已经复核终结（原事项编号：{{{{ final_case }}}}）。{{% endif %}}根据《信访工作条例》第三十六条的规定，信访人对复核意见不服，仍然以同一事实和理由提出信访请求的，不再受理。
特此告知。"""

LEGAL_CHANNEL = f"""{_RECEIVED}，经审查，属于应当通过{{{{ legal_channel }}}}途径解决的事项。{{% if reason %}}{{{{ reason }}}}。{{% endif %}}
根据《信访工作条例》第三十一条的规定，对依法应当通过诉讼、仲裁、行政复议等法定途径解决的事项，不作为信访事项受理，本机关决定不予受理。
请你（你们）依照有关法律、法规规定的程序，通过{{{{ legal_channel }}}}途径依法主张权利。
特此告知。"""

_SLIP_INTRO = "现将{{ petitioner }}于{{ registered_on }}通过{{ channel }}反映的“{{ case_title }}”信访事项（事项编号：{{ case_number }}，内容类别：{{ content_type }}）"

TRANSFER = f"""{_SLIP_INTRO}转送你单位，请依照《信访工作条例》第二十二条、第二十三条的规定依法处理，并自收到之日起十五日内书面告知信访人是否受理{{% if due.accept_notice %}}（告知期限至{{{{ due.accept_notice }}}}）{{% endif %}}。
如认为该事项不属于你单位职责范围，请于{{{{ due.remit_objection }}}}前（收到之日起五个工作日内）向本机关提出异议并说明理由。
事项内容：{{{{ case_body }}}}
{{% if note %}}附言：{{{{ note }}}}{{% endif %}}"""

ASSIGN = f"""{_SLIP_INTRO}交由你单位办理，请依照《信访工作条例》第二十二条、第二十三条的规定认真调查处理，自收到之日起十五日内书面告知信访人是否受理{{% if due.accept_notice %}}（告知期限至{{{{ due.accept_notice }}}}）{{% endif %}}。
请于{{{{ due.result_report }}}}前将办理结果形成办结报告，报送{{{{ issuer }}}}。
如认为该事项不属于你单位职责范围，请于{{{{ due.remit_objection }}}}前（收到之日起五个工作日内）向本机关提出异议并说明理由。
事项内容：{{{{ case_body }}}}
{{% if note %}}附言：{{{{ note }}}}{{% endif %}}"""

EXTENSION = """你（你们）提出的“{{ case_title }}”信访事项（事项编号：{{ case_number }}），本机关{% if accepted_on %}已于{{ accepted_on }}{% endif %}依法受理。
因{{ extension_reason|default:"案情复杂" }}，该事项不能在规定期限内办结。根据《信访工作条例》第三十四条的规定，经本机关负责人批准，办理期限延长{{ extension_days }}日，延长后的办理期限至{{ new_due }}。
特此告知。"""

REPLY = f"""{_RECEIVED}，本机关{{% if accepted_on %}}已于{{{{ accepted_on }}}}{{% endif %}}依法受理，并依照《信访工作条例》第三十一条的规定进行了调查核实。根据《信访工作条例》第三十二条的规定，现答复如下：
一、信访请求：{{{{ request }}}}
二、查明的事实：{{{{ facts }}}}
三、处理理由：{{{{ reasons }}}}
四、处理意见：{{{{ decision_text }}}}。
五、法律依据：{{{{ basis|default:"《信访工作条例》第三十二条" }}}}。
如对本处理意见不服，可以自收到本意见书之日起三十日内{{% if due.review_request %}}（至{{{{ due.review_request }}}}）{{% endif %}}，依照《信访工作条例》第三十五条的规定，向{{{{ superior|default:"本机关的上一级行政机关" }}}}请求复查。"""

REVIEW = """你（你们）不服{{ original_body }}就“{{ case_title }}”信访事项（事项编号：{{ case_number }}）作出的信访处理意见，{% if requested_on %}于{{ requested_on }}{% endif %}向本机关请求复查{% if request_reasons %}，理由是：{{ request_reasons }}{% endif %}。
本机关依照《信访工作条例》第三十五条的规定进行了复查，现提出复查意见如下：
复查意见：{{ decision_text }}。
{{ opinion }}
如对本复查意见不服，可以自收到本意见书之日起三十日内{% if due.rereview_request %}（至{{ due.rereview_request }}）{% endif %}，依照《信访工作条例》第三十六条的规定，向{{ superior|default:"本机关的上一级行政机关" }}请求复核。"""

REREVIEW = """你（你们）不服{{ original_body }}就“{{ case_title }}”信访事项（事项编号：{{ case_number }}）作出的复查意见，{% if requested_on %}于{{ requested_on }}{% endif %}向本机关请求复核{% if request_reasons %}，理由是：{{ request_reasons }}{% endif %}。
本机关依照《信访工作条例》第三十六条的规定进行了复核，现提出复核意见如下：
复核意见：{{ decision_text }}。
{{ opinion }}
本复核意见为该信访事项的最终处理意见。根据《信访工作条例》第三十六条的规定，信访人对复核意见不服，仍然以同一事实和理由提出信访请求的，不再受理。"""

MEDIATION = """关于{{ petitioner }}提出的“{{ case_title }}”信访事项（事项编号：{{ case_number }}），经本机关依照《信访工作条例》第三十三条的规定主持调解，各方在自愿、合法的基础上达成如下协议：
{{ agreement }}
本协议经各方签字（盖章）后生效，各方应当自觉履行。该信访事项以本协议办结。"""

SUPERVISION = """{{ petitioner }}反映的“{{ case_title }}”信访事项（事项编号：{{ case_number }}）由你单位办理。经查，该事项存在以下情形：{{ grounds }}。
根据《信访工作条例》第四十条的规定，现予督办。请你单位认真核查、及时纠正，并于{{ due.supervision }}前将办理情况书面回复{{ issuer }}。"""

RESULT_REPORT = """{{ addressee }}交办的“{{ case_title }}”信访事项（事项编号：{{ case_number }}），信访人：{{ petitioner }}。根据《信访工作条例》第二十二条的规定，现将办理结果报告如下：
{% if agreement %}一、办理结果：经调解，各方达成协议：{{ agreement }}
{% else %}一、查明的事实：{{ facts }}
二、处理理由：{{ reasons }}
三、处理意见：{{ decision }}。
四、法律依据：{{ basis|default:"《信访工作条例》第三十二条" }}。
{% endif %}{% if note %}办理情况：{{ note }}
{% endif %}该事项已办理完毕，特此报告。"""

HEARING = f"""{_RECEIVED}，本机关决定依照《信访工作条例》第三十一条的规定举行听证{{% if stage %}}（{{{{ stage }}}}）{{% endif %}}，现通知如下：
一、时间和地点：{{{{ hearing_on }}}}，{{{{ hearing_place }}}}。
二、主持人：{{{{ hearing_host }}}}。
三、听证员：{{{{ hearing_panel }}}}。
请你（你们）按时出席并携带身份证明和证据材料，不能出席的请提前告知。{{% if stage_pauses %}}依照《信访工作条例》第三十六条的规定，听证时间不计入复核期限。{{% endif %}}特此通知。"""

# Not tied to one case: the desk gathers the meeting (reception) and hands its fields here.
MINUTES = """{{ convenor }}于{{ held_on }}{% if place %}在{{ place }}{% endif %}召开信访工作联席会议，研究{{ agenda_count }}项议题。{% if attending %}出席单位：{{ attending }}。{% endif %}
{% if summary %}{{ summary }}
{% endif %}一、会议议题：
{% for item in agenda %}（{{ forloop.counter }}）{{ item }}。
{% empty %}无。
{% endfor %}二、议定事项：
{% for d in decisions %}（{{ forloop.counter }}）{{ d.text }}{% if d.measure %}（{{ d.measure }}）{% endif %}，由{{ d.body }}负责，于{{ d.due }}前办结并报告结果{% if d.case_number %}（事项编号：{{ d.case_number }}）{% endif %}。
{% empty %}本次会议未形成议定事项。
{% endfor %}各责任单位按期办理，逾期未办结的，依照《信访工作条例》第三十九条、第四十条的规定督办。"""

KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind(
            "acceptance_notice", "受理告知书", "受理告知书", "受", TO_CITIZEN, "W23/W31", ACCEPTANCE
        ),
        Kind(
            "non_acceptance_notice",
            "不予受理告知书",
            "不予受理告知书",
            "不受",
            TO_CITIZEN,
            "W19/W23",
            NON_ACCEPTANCE,
        ),
        Kind(
            "non_reacceptance_notice",
            "不再受理告知书",
            "不再受理告知书",
            "不再受",
            TO_CITIZEN,
            "W36",
            NON_REACCEPTANCE,
        ),
        Kind(
            "legal_channel_notice",
            "导入法定途径告知书",
            "不予受理告知书",
            "导",
            TO_CITIZEN,
            "W31",
            LEGAL_CHANNEL,
        ),
        Kind("transfer_slip", "转送单", "信访事项转送单", "转", TO_HOLDER, "W22", TRANSFER),
        Kind("assign_slip", "交办单", "信访事项交办单", "交", TO_HOLDER, "W22", ASSIGN),
        Kind(
            "extension_notice", "延期告知书", "延期办理告知书", "延", TO_CITIZEN, "W34", EXTENSION
        ),
        Kind(
            "reply_opinion", "信访处理意见书", "信访处理意见书", "答", TO_CITIZEN, "W32/W35", REPLY
        ),
        Kind(
            "review_opinion",
            "复查意见书",
            "信访事项复查意见书",
            "复查",
            TO_CITIZEN,
            "W35/W36",
            REVIEW,
        ),
        Kind(
            "rereview_opinion",
            "复核意见书",
            "信访事项复核意见书",
            "复核",
            TO_CITIZEN,
            "W36",
            REREVIEW,
        ),
        Kind(
            "mediation_agreement",
            "调解协议书",
            "信访事项调解协议书",
            "调",
            TO_CITIZEN,
            "W33",
            MEDIATION,
        ),
        Kind("supervision_notice", "督办单", "信访事项督办单", "督", TO_HOLDER, "W40", SUPERVISION),
        Kind(
            "result_report", "办结报告", "信访事项办结报告", "结", TO_SENDER, "W22", RESULT_REPORT
        ),
        # Hearings (W31, W35, W36) and joint meetings (W39).
        Kind(
            "hearing_notice", "听证通知书", "信访事项听证通知书", "听", TO_CITIZEN, "W31", HEARING
        ),
        Kind(
            "meeting_minutes", "会议纪要", "信访工作联席会议纪要", "纪", TO_HOLDER, "W39", MINUTES
        ),
    ]
}

KIND_CHOICES = [(k.key, k.label) for k in KINDS.values()]

# “你（你们）” becomes 你 or 你们 as the addressee is one petitioner or several (services.py).
DECISION_TEXT = {
    "support": "对你（你们）的信访请求予以支持",
    "explain": "对你（你们）的信访请求予以解释说明",
    "reject": "对你（你们）的信访请求不予支持",
}

# What a template may use; shown beside the template in the admin.
PLACEHOLDERS = {
    "case_number": "事项编号",
    "doc_number": "文号",
    "case_title": "事项标题",
    "case_body": "事项内容",
    "request": "信访请求",
    "registered_on": "登记日期",
    "content_type": "内容类别",
    "channel": "信访渠道",
    "petitioner": "信访人（对外文书为全名；内部文书为脱敏姓名，检举控告不显示）",
    "you": "对信访人的称呼：一人为“你”，多人为“你们”（模板中的“你（你们）”也按此替换）",
    "addressee": "主送对象",
    "issuer": "发文单位",
    "issued_on": "发文日期",
    "superior": "发文单位的上一级机关（复查、复核受理机关）",
    "original_body": "原处理（复查）机关",
    "to_body": "转送（交办）至单位",
    "accepted_on": "受理日期",
    "requested_on": "申请复查（复核）日期",
    "request_reasons": "申请复查（复核）理由",
    "decision": "处理意见（支持/解释说明/不予支持）",
    "decision_text": "处理意见的完整表述",
    "facts": "查明的事实",
    "reasons": "处理理由",
    "basis": "法律依据",
    "opinion": "复查（复核）意见",
    "agreement": "调解协议内容",
    "reason": "不予受理（不再受理）理由",
    "final_case": "已复核终结的原事项编号",
    "legal_channel": "法定途径",
    "extension_days": "延长天数",
    "extension_reason": "延期理由",
    "new_due": "延长后的办理期限",
    "grounds": "督办事由",
    "note": "附言",
    "article": "条文依据",
    "stage": "听证所在阶段（办理、复查或复核）",
    "stage_pauses": "听证时间是否不计入期限（仅复核）",
    "hearing_on": "听证时间",
    "hearing_place": "听证地点",
    "hearing_host": "听证主持人",
    "hearing_panel": "听证员（律师、人大代表、群众代表等）",
    "convenor": "会议召集单位（会议纪要）",
    "held_on": "会议日期（会议纪要）",
    "place": "会议地点（会议纪要）",
    "attending": "出席单位（会议纪要）",
    "agenda": "会议议题（会议纪要）",
    "agenda_count": "议题数（会议纪要）",
    "summary": "会议概述（会议纪要）",
    "decisions": "议定事项：每项有 text、measure、body、due、case_number（会议纪要）",
    "due.handle": "办理期限（另有 due.accept_notice、due.remit_objection、due.result_report、"
    "due.review_request、due.rereview_request、due.supervision 等）",
}

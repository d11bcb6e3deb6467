"""Demo data: taxonomy, routing rules and about 200 cases in every state of the workflow.

Every case is registered and moved only through cases/services, each call run `as_of` a moment in
the last ~120 days so timelines, clocks and overdue flags look like real history. All randomness
comes from one seeded `random.Random`, so two fresh databases get the same cases (tracking codes
and query passwords excepted: services draw those from `secrets`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from xinfang.core import timeutil
from xinfang.core.errors import ApplicationError, InvalidInput
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import as_of
from xinfang.orgs.demo import COUNTY_CODE, STAFFED_TOWNSHIP, STAFFED_VILLAGE, DemoCounty
from xinfang.orgs.models import Body, Division, Level
from xinfang.taxonomy.models import Category, RoutingRule
from xinfang.taxonomy.selectors import active_version
from xinfang.taxonomy.services import load_taxonomy

from . import services
from .models import Case, Party
from .workflow import S

SEED = 370687
SPAN_DAYS = 120

# ---------------------------------------------------------------------------------------------
# Taxonomy and routing


def taxonomy_csv() -> Path | None:
    """The shared taxonomy file beside the checkout, else the copy bundled with the package."""
    for path in (
        Path(settings.BASE_DIR).parent / "shared" / "data" / "content-taxonomy.csv",
        Path(__file__).resolve().parents[1] / "taxonomy" / "data" / "content-taxonomy.csv",
    ):
        if path.is_file():
            return path
    return None


def ensure_taxonomy() -> bool:
    """Load the taxonomy unless one is active. True when a taxonomy is available."""
    if active_version() is not None:
        return True
    path = taxonomy_csv()
    if path is None:
        return False
    load_taxonomy(path=path)
    return True


# Level-1 (or level-2) category names → body key, in the county. More specific rules win.
ROUTING: list[tuple[tuple[str, ...], str]] = [
    (("城乡建设",), "zhujian"),
    (("城乡建设", "城乡规划"), "ziran"),
    (("城乡建设", "城乡规划", "违章建筑"), "zhifa"),
    (("城乡建设", "城市建设和市政管理", "城管执法"), "zhifa"),
    (("城乡建设", "城市建设和市政管理", "环境卫生"), "zhifa"),
    (("国土资源",), "ziran"),
    (("劳动和社会保障",), "renshe"),
    (("教育文体",), "jiaoyu"),
    (("卫生计生",), "weijian"),
    (("卫生计生", "食品药品监管"), "shichang"),
    (("商贸旅游",), "shichang"),
    (("环境保护",), "huanjing"),
    (("交通运输",), "jiaotong"),
    (("农村农业",), "nongye"),
    (("民政",), "minzheng"),
    (("纪检监察",), "discipline"),
    (("政法",), "political_legal"),
]
# Village affairs in the staffed township go to the township government, not the department.
TOWNSHIP_ROUTING: list[tuple[tuple[str, ...], str]] = [
    (("农村农业", "村务管理"), "town"),
    (("农村农业", "土地承包经营", "宅基地纠纷"), "town"),
]


def _category_index() -> dict[tuple[str, ...], Category]:
    version = active_version()
    if version is None:
        return {}
    cats = list(Category.objects.filter(version=version))
    by_id = {c.pk: c for c in cats}
    index = {}
    for c in cats:
        names, node = [], c
        while node is not None:
            names.append(node.name)
            node = by_id.get(node.parent_id)
        index[tuple(reversed(names))] = c
    return index


def ensure_routing(county: DemoCounty, categories: dict[tuple[str, ...], Category]) -> int:
    created = 0
    rules = [(p, k, county.county) for p, k in ROUTING]
    town_division = Division.objects.get(code=STAFFED_TOWNSHIP)
    rules += [(p, k, town_division) for p, k in TOWNSHIP_ROUTING]
    for path, key, division in rules:
        category = categories.get(path)
        if category is None:
            continue
        _, new = RoutingRule.objects.get_or_create(
            category=category,
            division=division,
            defaults={"body": county.body(key), "note": "演示数据"},
        )
        created += new
    return created


# ---------------------------------------------------------------------------------------------
# Text templates (written for the demo; every name, estate and company is made up)

SURNAMES = "王李张刘孙于姜杨赵徐宋曲鞠隋郭高林崔吕邵董纪修滕战衣初"
GIVEN = [
    "建国",
    "秀英",
    "玉兰",
    "志强",
    "海波",
    "丽娟",
    "德明",
    "桂芳",
    "春燕",
    "永胜",
    "明霞",
    "国庆",
    "凤英",
    "立新",
    "淑珍",
    "文涛",
    "学军",
    "红梅",
    "海燕",
    "晓东",
    "玉梅",
    "洪亮",
    "振华",
    "美玲",
    "传福",
    "金凤",
    "宝山",
    "翠萍",
    "长海",
    "秀云",
    "军",
    "静",
    "磊",
    "娜",
]
ESTATES = [
    "凤城花园",
    "海润华庭",
    "黄海明珠小区",
    "鑫源佳苑",
    "海景新城",
    "龙山雅居",
    "方圆新村",
    "东方御府",
    "碧海蓝庭",
    "金沙湾小区",
    "富海名苑",
    "阳光水岸",
]
ROADS = [
    "海政路",
    "大连路",
    "海州路",
    "发城路",
    "凤台路",
    "黄海路",
    "亚沙路",
    "方圆路",
    "海滨中路",
    "东村北路",
    "行村路",
    "龙山街",
]
COMPANIES = [
    "海阳市鑫达建筑工程有限公司",
    "海阳瑞丰食品有限公司",
    "海阳市恒信纺织有限公司",
    "山东盛海建设集团有限公司",
    "海阳润通物流有限公司",
    "海阳市永兴石材厂",
    "海阳市金港水产加工厂",
    "海阳市宏发机械制造有限公司",
]
PROPERTY_COMPANIES = [
    "烟台宏远物业服务有限公司",
    "海阳市安居物业管理有限公司",
    "海阳金盾物业服务有限公司",
]
DEVELOPERS = ["海阳市佳和房地产开发有限公司", "海阳鼎盛置业有限公司", "烟台海天房地产开发有限公司"]
SCHOOLS = ["海阳市第二实验小学", "方圆学校", "凤城中学", "海阳市第四中学", "龙山小学"]
HOSPITALS = ["海阳市人民医院", "海阳市中医医院", "海阳市妇幼保健院"]
MARKETS = ["海阳市农贸大市场", "凤城商业街", "方圆购物广场", "东村综合市场"]
PROJECTS = ["工业园区道路", "滨海大道拓宽", "污水处理厂扩建", "物流园"]
TRADES = ["水电安装", "钢筋", "木工", "外墙保温"]
BUSINESSES = ["不动产登记", "营业执照变更", "社保关系转移", "建房审批"]


@dataclass(frozen=True)
class Topic:
    key: str
    dept: str  # body key of the responsible body (see DemoCounty.body)
    category: tuple[str, str, str]
    title: str
    text: str
    demand: str
    facts: str
    kind: str = "appeal"  # appeal | suggestion | report
    area: str = "any"  # urban | rural | town (staffed township) | grid (staffed village) | any
    group: bool = False
    legal: str = ""  # the statutory channel an appeal of this kind may be sent to (W31)
    accused: str = ""  # reports: "dept", "town" or a body key
    slots: dict[str, tuple] = field(default_factory=dict)


T = Topic
TOPICS: list[Topic] = [
    # Housing and construction.
    T(
        "leak",
        "zhujian",
        ("城乡建设", "城市建设和市政管理", "小区管理"),
        "{estate}{building}号楼顶层漏水多年无人维修",
        "我家住{estate}{building}号楼{unit}单元顶层，入住{years}年来楼顶防水一直有问题，每逢下雨"
        "屋内墙面渗水发霉，家具电器多次损坏。多次找物业和开发商，双方互相推诿，申请动用专项维修"
        "资金也没有下文。",
        "督促物业和开发商尽快维修楼顶防水",
        "经现场查看，{estate}{building}号楼屋面防水层老化开裂，"
        "顶层住户室内有明显渗水痕迹，属共用部位维修范围。",
        area="urban",
    ),
    T(
        "property_fee",
        "zhujian",
        ("城乡建设", "住房保障与房地产", "物业服务"),
        "{estate}物业费上涨但服务不到位",
        "{property_company}管理的{estate}今年起物业费从每平方米{fee}元上涨到{fee2}元，涨价前没有"
        "征求业主意见，也没有公示成本。小区电梯经常停运，垃圾清运不及时，停车位和广告位等公共收益"
        "去向不明。",
        "核查物业收费是否合规，公开小区公共收益",
        "经查，{property_company}调整收费标准前未按规定"
        "履行公示和业主协商程序，小区公共收益未按季度公示。",
        area="urban",
        group=True,
        slots={"fee": ("0.8", "1.0", "1.2"), "fee2": ("1.5", "1.6", "1.8")},
    ),
    T(
        "deed",
        "zhujian",
        ("城乡建设", "住房保障与房地产", "房产证登记、办理"),
        "{estate}交房{years}年仍办不下不动产权证",
        "我们是{estate}的业主，{year0}年交房入住，开发商{developer}至今没有给业主办理不动产权证，"
        "孩子上学、落户都受到影响。开发商称土地出让金没有缴清，什么时候能办一直没有答复。",
        "督促开发商尽快为业主办理不动产权证",
        "经查，{developer}因欠缴部分土地出让金及配套费，"
        "该项目未能办理首次登记，现已约谈开发企业并明确补缴时限。",
        area="urban",
        group=True,
    ),
    T(
        "project_pay",
        "zhujian",
        ("城乡建设", "建筑市场", "拖欠工程款"),
        "{company}拖欠工程款{amount}万元",
        "我们班组{year0}年承包了{company}{project}项目的{trade}工程，工程已经竣工验收，公司至今"
        "拖欠工程款{amount}万元，工人工资也因此发不出来，年底大家都等着这笔钱回家。",
        "协调{company}尽快支付拖欠的工程款",
        "经核实，{company}与班组签订的分包合同约定的工程款"
        "尚有{amount}万元未支付，企业以建设单位未结算为由拖延支付。",
        group=True,
        slots={
            "company": (
                "海阳市鑫达建筑工程有限公司",
                "山东盛海建设集团有限公司",
                "海阳市恒基建筑安装有限公司",
            )
        },
    ),
    T(
        "resettlement",
        "zhujian",
        ("城乡建设", "国有土地上房屋征收与补偿", "回迁房"),
        "{road}片区棚改回迁房逾期未交付",
        "{road}片区棚户区改造{year0}年启动，当时承诺两年内回迁，现在已经超期{months}个月，回迁楼"
        "还没有封顶。我们一直在外租房，过渡费标准低，而且经常拖欠。",
        "公布回迁房建设进度，按时足额发放过渡费",
        "经查，该片区回迁安置楼因施工单位资金问题停工{months}个月，过渡费存在延迟发放的情况。",
        area="urban",
        group=True,
    ),
    T(
        "heating",
        "zhujian",
        ("城乡建设", "城市建设和市政管理", "冬季采暖"),
        "{estate}冬季供暖温度长期不达标",
        "今年供暖开始后，{estate}{building}号楼室内温度一直只有十四五度，家里有老人孩子，"
        "冻得生病。供热公司来测过温，说是小区管网的问题，但一直没有处理。",
        "督促供热企业尽快排查管网，保证室温达标",
        "经现场测温，{estate}{building}号楼部分住户室温低于18℃，原因为小区二次管网失衡。",
        area="urban",
    ),
    T(
        "hazard",
        "zhujian",
        ("城乡建设", "安全生产", "安全隐患"),
        "{village}一处危旧房存在倒塌隐患",
        "网格员巡查发现，{village}村西头一处无人居住的老旧土坯房墙体开裂严重，紧邻村内主要道路，"
        "雨季存在倒塌风险，村里无力处置。",
        "尽快组织鉴定并拆除危房",
        "经鉴定，该房屋为D级危房，已设置警示标志并组织拆除。",
        area="grid",
    ),
    # Land and planning.
    T(
        "land_comp",
        "ziran",
        ("国土资源", "土地征收", "安置补偿"),
        "{village}征地补偿款未足额发放",
        "{year0}年{town}{village}有{n}亩耕地被征收用于{project}建设，当时公示的补偿标准是每亩"
        "{fee}万元，村民实际拿到的不到一半。村里说剩下的留作集体发展资金，但从来没有开过村民代表"
        "大会。",
        "公开征地补偿款的拨付和使用情况，足额发放补偿款",
        "经查，征地补偿款已全额拨付至村集体，村集体留存部分未经村民代表会议讨论决定。",
        area="rural",
        group=True,
        slots={"fee": ("3.2", "4.5", "5.1")},
    ),
    T(
        "land_dispute",
        "ziran",
        ("国土资源", "土地资源管理", "土地权属纠纷"),
        "与邻村山地权属争议长期未解决",
        "我们{village}与邻村之间有一块约{n}亩的山地，双方都说是自己村的，邻村去年在上面栽了果树，"
        "两村村民为此多次发生争执，镇里调解过几次没有结果。",
        "依法确认土地权属",
        "经查阅土地确权档案，争议地块四至界线在两村确权资料中存在重叠。",
        area="rural",
        legal="ruling",
    ),
    T(
        "illegal_build",
        "zhifa",
        ("城乡建设", "城乡规划", "违章建筑"),
        "{estate}一楼住户私搭乱建占用公共绿地",
        "{estate}{building}号楼一楼住户把楼前公共绿地圈起来，盖了一间二十多平方米的砖房，"
        "挡住了消防通道，物业劝阻无效。",
        "依法拆除违章建筑，恢复公共绿地",
        "经现场勘查，该建筑未取得规划许可，占用小区公共绿地约25平方米，已下达限期拆除通知。",
        area="urban",
    ),
    T(
        "street_vendor",
        "zhifa",
        ("城乡建设", "城市建设和市政管理", "城管执法"),
        "{road}夜市占道经营油烟扰民",
        "{road}靠近{estate}一段每天晚上都有几十个烧烤摊占道经营，油烟、噪音一直持续到凌晨，"
        "垃圾满地，小区居民开窗都不行。",
        "规范夜市经营，治理油烟和噪音",
        "经夜间巡查，该路段确有流动摊点占道经营、露天烧烤现象。",
        area="urban",
    ),
    # Labour and social security.
    T(
        "wage",
        "renshe",
        ("劳动和社会保障", "劳动关系", "农民工权益"),
        "{company}拖欠{n}名工人工资{months}个月",
        "我们{n}人在{company}打工，从今年{month0}月起公司就以资金困难为由不发工资，累计拖欠"
        "{amount}万元。老板现在不接电话，厂里已经停工。",
        "帮助我们追讨被拖欠的工资",
        "经劳动保障监察核实，{company}拖欠{n}名劳动者工资共计{amount}万元，已下达限期支付令。",
        group=True,
        legal="arbitration",
    ),
    T(
        "social_insurance",
        "renshe",
        ("劳动和社会保障", "城镇职工社会保险", "职工养老保险"),
        "{company}未按规定为职工缴纳养老保险",
        "我在{company}工作{years}年，最近查询社保才发现公司有{months}个月没有给我缴纳养老保险，"
        "找公司财务补缴，对方一直拖着不办。",
        "责令单位补缴养老保险",
        "经查，{company}存在欠缴职工养老保险费的情况，已责令限期补缴。",
    ),
    T(
        "pension",
        "renshe",
        ("劳动和社会保障", "退休政策及待遇", "退休金发放"),
        "退休金核定有误要求重新核算",
        "我{year0}年从{company}退休，退休时核定的养老金比同年限的同事少了几百元，怀疑视同缴费"
        "年限没有算对，多次咨询没有得到明确答复。",
        "重新核定养老金",
        "经调阅档案，信访人视同缴费年限已按档案记载认定，核定结果无误。",
        legal="reconsideration",
    ),
    T(
        "injury",
        "renshe",
        ("劳动和社会保障", "城镇职工社会保险", "职工工伤保险"),
        "工伤认定申请久拖不决",
        "我{year0}年在{company}上班时右手被机器压伤，申请工伤认定已经{months}个月，至今没有结论，"
        "医药费都是自己垫付的。",
        "尽快作出工伤认定",
        "经查，因用人单位对事故经过有异议，工伤认定程序中止，现已恢复。",
    ),
    T(
        "medical_insurance",
        "renshe",
        ("劳动和社会保障", "城镇居民社会保险", "新农村合作医疗"),
        "异地住院医保报销比例过低",
        "我父亲今年在青岛住院做心脏支架手术，花了{amount}万元。回来报销时说异地就医没有备案，"
        "报销比例降了很多，当时情况紧急根本来不及备案。",
        "按急诊标准重新核算报销比例",
        "经核查，信访人父亲系急诊入院，符合补办异地就医备案条件。",
    ),
    # Education.
    T(
        "school_district",
        "jiaoyu",
        ("教育文体", "教育体制", "教育资源配置"),
        "{estate}学区划分不合理孩子需跨区上学",
        "今年学区调整后，{estate}被划入{school}，离小区有四五公里，中间还要过{road}，孩子上学"
        "很不安全，而小区旁边就有一所小学。",
        "重新研究学区划分",
        "经核实，学区划分系依据各校学位容量统筹确定，小区附近学校学位已满。",
        area="urban",
        group=True,
    ),
    T(
        "school_fee",
        "jiaoyu",
        ("教育文体", "教育收费", "乱收费"),
        "{school}以资料费名义向学生收费",
        "{school}{grade}年级每学期向每名学生收取{fee}元资料费，没有收据，资料也是学校统一指定的，"
        "家长有意见也不敢说。",
        "查处乱收费并退还费用",
        "经调查，{school}{grade}年级存在统一征订教辅资料并收费的情况。",
        slots={"fee": ("180", "260", "320")},
    ),
    T(
        "training",
        "jiaoyu",
        ("教育文体", "教育行政管理", "校外机构管理"),
        "校外培训机构关门预交学费无法退还",
        "我在{road}的一家培训机构给孩子报了一年的课，预交学费{fee}元，上了不到两个月机构就关门了，"
        "负责人联系不上，有几十名家长都是同样情况。",
        "帮助家长追回预交学费",
        "经查，该培训机构已停止经营，预收费用未纳入监管账户。",
        area="urban",
        group=True,
        legal="litigation",
        slots={"fee": ("6800", "9600", "12000")},
    ),
    T(
        "substitute_teacher",
        "jiaoyu",
        ("教育文体", "教师队伍和待遇", "原民办代课教师"),
        "原民办代课教师要求落实生活补助",
        "我在{town}的村小当了{years}年代课教师，听说国家对原民办代课教师有生活补助政策，我去年"
        "提交了申请，到现在也没有结果。",
        "落实原民办代课教师生活补助",
        "经查，信访人任教经历有学校档案可查，符合补助申报条件。",
        area="rural",
    ),
    # Health.
    T(
        "malpractice",
        "weijian",
        ("卫生计生", "医患纠纷", "医疗事故争议"),
        "对{hospital}手术并发症处理结果不满",
        "我母亲在{hospital}做胆囊手术后出现感染，又住院{n}天，医院认为是正常并发症，拒绝承担"
        "责任。我们认为是术后护理不到位造成的。",
        "组织医疗损害鉴定，依法赔偿",
        "经调取病历，患者术后感染发生在手术并发症常见范围内，诊疗过程未见明显违规。",
        legal="litigation",
    ),
    T(
        "medical_fee",
        "weijian",
        ("卫生计生", "医政监管", "医疗收费"),
        "{hospital}住院费用存在重复收费",
        "我在{hospital}住院{n}天，出院后核对费用清单，发现同一项检查收了两次费，还有几项没做过"
        "的治疗也收了钱。",
        "核查住院费用，退还多收的费用",
        "经核查费用清单，{hospital}存在一项检查重复计费的情况。",
    ),
    # Market supervision.
    T(
        "goods",
        "shichang",
        ("商贸旅游", "市场监管", "商品质量"),
        "购买的电动车存在质量问题商家拒不退换",
        "我今年{month0}月在{market}一家店里花{fee}元买了一辆电动车，不到一个月电池就充不进电，"
        "商家说是人为损坏，不给换也不给修。",
        "督促商家依法退换",
        "经调解检测，电池故障属产品质量问题，商家同意更换。",
        slots={"fee": ("2980", "3600", "4200")},
    ),
    T(
        "food",
        "shichang",
        ("卫生计生", "食品药品监管", "食品安全"),
        "{road}一餐馆后厨卫生脏乱",
        "{road}路边一家餐馆后厨紧挨着垃圾桶，苍蝇很多，餐具不消毒，我家孩子在那里吃过饭后"
        "上吐下泻。",
        "检查餐馆卫生，依法处理",
        "经现场检查，该餐馆存在餐具消毒记录缺失、后厨环境卫生差等问题。",
        area="urban",
    ),
    T(
        "parking_price",
        "shichang",
        ("商贸旅游", "市场监管", "物价监督"),
        "景区周边停车收费过高且不开票",
        "万米海滩景区周边的停车场，节假日停一次车收费{fee}元，没有明码标价，也不给票，游客意见"
        "很大。",
        "规范停车收费",
        "经查，该停车场未按规定公示收费标准，存在超标准收费行为。",
        slots={"fee": ("30", "50", "80")},
    ),
    # Environment.
    T(
        "noise",
        "huanjing",
        ("环境保护", "环境污染", "噪音污染"),
        "{company}夜间施工噪音扰民",
        "{estate}对面的工地由{company}施工，每天晚上十点以后还在打桩、运渣土，噪音很大，附近"
        "居民根本没法休息。",
        "制止夜间违规施工",
        "经夜间监测，该工地22时后施工噪声超标，且未办理夜间施工许可。",
        area="urban",
        slots={
            "company": (
                "海阳市鑫达建筑工程有限公司",
                "山东盛海建设集团有限公司",
                "海阳市恒基建筑安装有限公司",
            )
        },
    ),
    T(
        "air",
        "huanjing",
        ("环境保护", "环境污染", "大气污染"),
        "{company}排放刺鼻废气",
        "{village}附近的{company}经常在夜间排放刺鼻气体，村里很多老人孩子咳嗽、嗓子疼，"
        "白天去看又什么都没有。",
        "查处企业偷排行为",
        "经突击检查，{company}废气处理设施未正常运行。",
        area="rural",
        slots={
            "company": (
                "海阳市永兴石材厂",
                "海阳市金港水产加工厂",
                "海阳市宏发机械制造有限公司",
                "海阳瑞丰食品有限公司",
            )
        },
    ),
    T(
        "water",
        "huanjing",
        ("环境保护", "环境污染", "水污染"),
        "{village}村边河道被排污变黑发臭",
        "{village}村边的河道近几个月水变黑发臭，死鱼很多，怀疑上游养殖场和加工厂往河里排污水。",
        "查明污染源并治理河道",
        "经溯源排查，上游一家水产加工厂废水未经处理直排。",
        area="rural",
    ),
    # Transport.
    T(
        "road",
        "jiaotong",
        ("交通运输", "建设管理", "设施维护"),
        "{road}路面破损坑洼严重",
        "{road}从{road2}路口往东几百米路面坑洼不平，下雨后积水看不清路，已经发生好几起电动车"
        "摔倒的事故。",
        "尽快修补路面",
        "经现场查看，该路段路面存在多处坑槽和沉陷，已列入维修计划。",
    ),
    T(
        "bus",
        "jiaotong",
        ("交通运输", "客货运输", "旅客运输"),
        "{town}到城区公交车班次太少",
        "{town}到城区的公交车一天只有四班，最晚一班下午四点，村里老人去城里看病、学生周末回家"
        "都很不方便。",
        "增加公交班次",
        "经调查，该线路客流量较小，公交企业已研究在早晚高峰各增加一班。",
        area="rural",
    ),
    # Agriculture and rural affairs.
    T(
        "land_rent",
        "nongye",
        ("农村农业", "土地承包经营", "土地流转"),
        "土地流转费两年未兑现",
        "{year0}年我们{village}{n}户村民把承包地流转给{company}种蓝莓，合同约定每亩每年{fee}元，"
        "公司已经两年没有支付流转费。",
        "督促企业支付土地流转费",
        "经查，{company}因经营困难拖欠{village}土地流转费两年。",
        area="rural",
        group=True,
        legal="arbitration",
        slots={
            "fee": ("600", "800", "900"),
            "company": (
                "海阳绿源农业科技有限公司",
                "海阳市丰禾果蔬专业合作社",
                "烟台蓝莓谷农业发展有限公司",
            ),
        },
    ),
    T(
        "subsidy",
        "nongye",
        ("农村农业", "惠农补贴", "粮食直补"),
        "耕地地力保护补贴未发放到户",
        "我家在{village}有承包地{n}亩，今年的耕地地力保护补贴到现在也没有发到卡上，问村里说"
        "是面积核实有问题。",
        "核实面积并发放补贴",
        "经核实，信访人承包地面积信息录入有误，已更正并补发。",
        area="rural",
    ),
    T(
        "homestead",
        "town",
        ("农村农业", "土地承包经营", "宅基地纠纷"),
        "与邻居宅基地界址纠纷",
        "我与邻居{neighbor}的宅基地相邻，他家今年翻建房屋时把院墙往我家这边移了近半米，双方"
        "多次争吵，村里调解没有结果。",
        "依法确定宅基地界址",
        "经现场测量，新建院墙超出原宅基地界址约0.4米。",
        area="grid",
    ),
    T(
        "village_affairs",
        "town",
        ("农村农业", "村务管理", "集体财务公开"),
        "{village}村务财务长期不公开",
        "我们{village}近三年的集体收入支出从来没有公开过，村里出租土地、鱼塘的收入去向不明，"
        "村民多次要求查账都没有结果。",
        "公开村务财务，审计集体资金",
        "经镇经管站审计，该村集体收支未按规定公开，账目基本清楚。",
        area="town",
        group=True,
    ),
    T(
        "ditch",
        "town",
        ("农村农业", "水利水电", "水事纠纷"),
        "村民因排水沟堵塞发生纠纷",
        "网格员走访发现，{village}两户村民因一条排水沟被填堵发生争执，下雨后一户院子被淹，"
        "双方情绪激动，有激化的苗头。",
        "组织调解，疏通排水沟",
        "经现场查看，排水沟系一方修建车库时填堵。",
        area="grid",
    ),
    # Civil affairs.
    T(
        "dibao",
        "minzheng",
        ("民政", "社会救助", "农村低保"),
        "家庭困难申请低保未获批准",
        "我丈夫去年因病去世，我患有严重的类风湿，孩子还在上学，家里没有收入来源。向村里申请"
        "低保，村里说名额已满。",
        "重新审核低保申请",
        "经入户调查，信访人家庭人均收入低于当地低保标准，符合纳入条件。",
        area="rural",
    ),
    T(
        "veteran",
        "minzheng",
        ("民政", "优抚", "参战退役人员待遇"),
        "参战退役军人待遇未落实",
        "我是{year1}年入伍的退役军人，参加过边境作战，按政策应当享受参战退役人员待遇，但我的"
        "待遇一直没有落实。",
        "落实参战退役人员待遇",
        "经调阅退役档案，信访人参战经历可以认定，已补录信息。",
    ),
    # Suggestions (建议意见).
    T(
        "traffic_light",
        "jiaotong",
        ("交通运输", "建设管理", "规划建设"),
        "建议在{road}与{road2}交叉口增设红绿灯",
        "{road}与{road2}交叉口车流量大，附近有{school}，上下学高峰期学生过马路很危险。",
        "增设信号灯和人行横道",
        "经现场调查，该路口高峰小时车流量已达到设置信号灯的标准。",
        kind="suggestion",
    ),
    T(
        "toilets",
        "zhifa",
        ("城乡建设", "城市建设和市政管理", "环境卫生"),
        "建议在{market}周边增设公共厕所",
        "{market}周边人流量很大，最近的公共厕所在一公里以外，赶集的老人很不方便。",
        "增设公共厕所",
        "经实地查看，该区域确实缺少公共厕所。",
        kind="suggestion",
    ),
    T(
        "parking",
        "zhujian",
        ("城乡建设", "城市建设和市政管理", "城市公共设施"),
        "建议在{estate}周边增设停车位",
        "{estate}是老旧小区，没有地下车库，晚上车辆只能停在路边，经常堵住消防通道。建议利用小区"
        "周边空地建设停车场。",
        "增设停车位",
        "经调查，小区周边有一处闲置地块可改建临时停车场。",
        kind="suggestion",
        area="urban",
    ),
    T(
        "library",
        "jiaoyu",
        ("教育文体", "文化", "公共文化"),
        "建议延长图书馆周末开放时间",
        "市图书馆周末下午五点就闭馆，上班族和学生只有周末有时间，建议周末延长到晚上八点。",
        "延长周末开放时间",
        "经研究，图书馆拟于暑假期间试行周末延时开放。",
        kind="suggestion",
    ),
    T(
        "streetlight",
        "zhujian",
        ("城乡建设", "村镇建设", "新农村建设"),
        "建议在{village}主干道安装路灯",
        "{village}主干道晚上没有路灯，村民晚上出行要打手电，冬天下班回家很不安全。",
        "安装路灯",
        "经查，{village}已列入美丽乡村建设路灯安装计划。",
        kind="suggestion",
        area="rural",
    ),
    T(
        "day_care",
        "minzheng",
        ("民政", "福利慈善", "福利事业"),
        "建议在社区增设老年人日间照料中心",
        "我们社区老年人多，子女白天上班，老人没人照顾，建议利用社区闲置房屋建设日间照料中心。",
        "建设日间照料中心",
        "经研究，已将该社区纳入养老服务设施建设计划。",
        kind="suggestion",
        area="urban",
    ),
    # Reports (检举控告): always to the discipline body, confidential.
    T(
        "red_tape",
        "discipline",
        ("纪检监察", "干部作风", "官僚主义"),
        "反映{accused}工作人员办事推诿、吃拿卡要",
        "我去{accused}办理{business}，窗口工作人员多次以材料不全为由让我来回跑，后来有人暗示我"
        "请吃饭就能办。",
        "调查处理有关工作人员",
        "经初步核实，反映的办事推诿问题部分属实。",
        kind="report",
        accused="dept",
    ),
    T(
        "embezzle",
        "discipline",
        ("纪检监察", "贪污贿赂", "挪用公款"),
        "反映{village}村干部涉嫌挪用集体资金",
        "{village}村委会主任把村里的土地补偿款借给亲戚做生意，至今没有归还，村民都有意见。",
        "查清集体资金去向",
        "经初步核实，该村存在违规出借集体资金的问题。",
        kind="report",
        area="rural",
        accused="town",
    ),
    T(
        "dibao_favour",
        "discipline",
        ("纪检监察", "滥用职权", "以权谋私"),
        "反映低保评定中优亲厚友",
        "{village}今年新纳入的低保户里，有两户是村干部的亲属，家里有车有楼房，真正困难的人家"
        "却没评上。",
        "调查低保评定问题",
        "经初步核实，涉及的两户家庭收入状况与申报不符。",
        kind="report",
        area="rural",
        accused="minzheng",
    ),
    T(
        "drinking",
        "discipline",
        ("纪检监察", "干部作风", "奢靡之风"),
        "反映{accused}干部工作日中午饮酒",
        "我多次看到{accused}几名干部工作日中午在{road}一家饭店喝酒，下午上班满身酒气。",
        "调查处理违规饮酒问题",
        "经调查，反映的工作日饮酒问题属实。",
        kind="report",
        accused="dept",
    ),
    T(
        "lax_oversight",
        "discipline",
        ("纪检监察", "失职渎职", "玩忽职守"),
        "反映有关部门对企业偷排监管不力",
        "{company}偷排污水的问题我们反映过很多次，{accused}每次来检查都提前打招呼，查完就不了"
        "了之。",
        "追究监管人员责任",
        "经调查，执法人员存在检查走过场的问题。",
        kind="report",
        accused="huanjing",
        slots={"company": ("海阳市永兴石材厂", "海阳市金港水产加工厂")},
    ),
    # Litigation-related and other items with a statutory channel (诉访分离, W22, W31).
    T(
        "judgment",
        "political_legal",
        ("政法", "诉讼", "民事诉讼"),
        "对法院民事判决不服要求改判",
        "我与{company}的买卖合同纠纷已经由海阳市人民法院作出一审判决，我认为判决认定事实错误，"
        "要求有关部门督促法院改判。",
        "依法改判",
        "该事项属于诉讼程序处理范围。",
        legal="litigation",
    ),
    T(
        "enforcement",
        "political_legal",
        ("政法", "仲裁与调解", "生效法律文书执行"),
        "法院判决生效后对方拒不履行",
        "我和{neighbor}的借款纠纷法院已经判决，对方应还款{amount}万元，判决生效一年多了对方一分钱"
        "没还，还在外面买车。",
        "督促法院强制执行",
        "该事项属于执行程序处理范围。",
        legal="litigation",
    ),
    T(
        "penalty",
        "political_legal",
        ("政法", "行政复议", "不服决定"),
        "对行政处罚决定不服",
        "我在{road}经营的小饭店被罚款{fee}元，理由是油烟净化设施不合格，我认为处罚过重，"
        "要求撤销处罚。",
        "撤销行政处罚",
        "该事项属于行政复议受理范围。",
        legal="reconsideration",
        slots={"fee": ("5000", "10000", "20000")},
    ),
    T(
        "traffic_accident",
        "political_legal",
        ("政法", "交通管理", "交通事故"),
        "交通事故赔偿迟迟不到位",
        "我去年在{road}被一辆货车撞伤，交警认定对方全责，但对方和保险公司一直拖着不赔，医药费"
        "已经花了{amount}万元。",
        "督促对方赔偿",
        "该事项属于民事赔偿纠纷，可通过诉讼途径解决。",
        legal="litigation",
    ),
]
TOPIC = {t.key: t for t in TOPICS}

REASONS = {
    "support": "信访人反映的问题属实，诉求合理合法，予以支持，已责成有关责任主体限期整改到位。",
    "explain": "信访人诉求有一定合理性，但现行法律政策没有明确依据，已当面向信访人做好解释说明。",
    "reject": "经调查核实，信访人诉求缺乏法律政策依据，不予支持。",
}
BASIS = {
    "zhujian": "《物业管理条例》《住宅专项维修资金管理办法》",
    "ziran": "《中华人民共和国土地管理法》及其实施条例",
    "renshe": "《保障农民工工资支付条例》《中华人民共和国社会保险法》",
    "jiaoyu": "《中华人民共和国义务教育法》",
    "weijian": "《医疗纠纷预防和处理条例》",
    "shichang": "《中华人民共和国消费者权益保护法》",
    "huanjing": "《中华人民共和国环境保护法》",
    "jiaotong": "《中华人民共和国公路法》",
    "nongye": "《中华人民共和国农村土地承包法》",
    "zhifa": "《城市市容和环境卫生管理条例》",
    "minzheng": "《社会救助暂行办法》",
    "discipline": "《中国共产党纪律处分条例》",
    "town": "《中华人民共和国村民委员会组织法》",
}
DECLINE_REASONS = [
    "该事项已由其他机关受理且仍在办理期限内，本机关不予受理（W19）。",
    "反映内容不属于信访事项受理范围，已告知信访人向有权处理的机关提出。",
    "经多次联系信访人，未能补充反映问题的具体事实和诉求，不予受理。",
]
REVIEW_REASONS = [
    "对处理意见不满意，认为没有解决实际问题。",
    "处理意见认定的事实与实际情况不符。",
    "补偿标准偏低，要求重新处理。",
]
RATING_COMMENTS = {
    "satisfied": ["问题解决了，感谢工作人员。", "办理及时，态度很好。", ""],
    "basically": ["基本解决，希望后续跟进。", "解释得比较清楚。", ""],
    "unsatisfied": ["问题没有实际解决。", "答复太笼统。", ""],
}
EXTENSION_REASONS = [
    "涉及多个部门，需进一步调查取证。",
    "需委托第三方进行鉴定，鉴定结果尚未出具。",
    "涉及历史遗留问题，需调阅档案核实。",
]
SUPERVISION_GROUNDS = [
    "办理期限已届满，未报送办结报告（X36）。",
    "信访人多次反映办理进度缓慢，存在推诿拖延（W40）。",
    "受理后未按规定与信访人见面沟通（W40）。",
]


# ---------------------------------------------------------------------------------------------
# Plans: what each case will go through, with the day of every step


@dataclass
class Step:
    at: dt.datetime
    key: int
    index: int
    action: str
    actor: str | None  # username, "citizen", or None for the system
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class CasePlan:
    key: int
    target: str
    topic: Topic
    register: dict[str, Any]
    registrar: str
    steps: list[Step] = field(default_factory=list)
    case: Case | None = None
    failed: str = ""
    registered_ago: int = 0
    slots: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GridSpec:
    """A grid ledger row (网格台账) as the grid worker or township staff writes it."""

    kind: str  # dispute | hazard
    title: str
    description: str
    person: str  # responsible person where it is recorded
    # Where it is recorded: "village" (the staffed village) or "town" (by the township itself).
    level: str = "village"


@dataclass
class GridPlan:
    key: int
    target: str  # "<status>@<level>", e.g. "open@town"
    spec: GridSpec
    place: Division
    registrar: str
    steps: list[Step] = field(default_factory=list)
    item: Any = None
    failed: str = ""
    registered_ago: int = 0


@dataclass
class DemoPlan:
    cases: list[CasePlan]
    grid: list[GridPlan]


class Late:
    """A keyword value known only once earlier steps have run (a case number, say)."""

    def __init__(self, fn: Callable[[], Any]):
        self.fn = fn


HEADLESS = {"town", "political_legal", "city_government"}
SUPERIOR = {
    "zhujian": "yt_zhujian",
    "ziran": "yt_ziran",
    "renshe": "yt_renshe",
    "town": "government",
}
ACTOR_PREFIX = {
    "discipline": "jiwei",
    "government": "zhengfu",
    "political_legal": "zhengfa",
    "town": "town",
    "city_government": "yt_zhengfu",
    "office": "clerk",
}


def handler_of(holder: str) -> str:
    if holder == "office":
        return "clerk"
    return f"{ACTOR_PREFIX.get(holder, holder)}_handler"


def head_of(holder: str) -> str:
    return f"{ACTOR_PREFIX.get(holder, holder)}_head"


def superior_of(holder: str) -> str:
    if holder.startswith("yt_") or holder == "government":
        return "city_government"
    return SUPERIOR.get(holder, "government")


def closer_of(holder: str) -> str:
    """The county clerk closes what is held in the county; above it the holder does."""
    return (
        handler_of(holder) if holder.startswith("yt_") or holder == "city_government" else "clerk"
    )


OFFICE_CHANNELS = ["letter", "visit", "phone", "web", "mobile", "hotline", "fax", "video"]
CHANNEL_WEIGHTS = [20, 18, 15, 20, 12, 8, 3, 4]


class Planner:
    def __init__(self, county: DemoCounty, rng: random.Random, today: dt.date):
        self.county = county
        self.rng = rng
        self.today = today
        self.cal = work_calendar()
        self.plans: list[CasePlan] = []
        self.grid_plans: list[GridPlan] = []
        self._channel_cycle = list(OFFICE_CHANNELS)  # every channel at least once
        villages = county.villages
        self.urban = [v for v in villages if v.name.endswith("社区")]
        self.rural = [v for v in villages if v.name.endswith("村")]
        self.town_villages = [v for v in villages if v.parent_id == STAFFED_TOWNSHIP]
        self.grid_village = next(v for v in villages if v.code == STAFFED_VILLAGE)
        self.names = {d.code: d for d in [county.county, *county.townships, *villages]}

    # -- people and text ------------------------------------------------------------------

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return "138" + "".join(self.rng.choice("0123456789") for _ in range(8))

    def id_number(self) -> str:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 52))
        body = f"{COUNTY_CODE}{born:%Y%m%d}{self.rng.randint(10, 999):03d}"
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
        return body + check

    def party(self, address: str, kind: str = Party.PETITIONER) -> services.PartyInput:
        return services.PartyInput(
            name=self.person_name(),
            phone=self.phone(),
            id_number=self.id_number(),
            address=address,
            kind=kind,
        )

    def place_for(self, topic: Topic) -> Division:
        pool = {
            "urban": self.urban,
            "rural": self.rural,
            "town": self.town_villages,
            "grid": [self.grid_village],
        }.get(topic.area, self.urban + self.rural)
        return self.rng.choice(pool)

    def slots(self, topic: Topic, place: Division, accused: Body | None) -> dict[str, str]:
        r = self.rng
        town = self.names.get(place.parent_id) if place.level == 5 else place
        years = r.randint(2, 8)
        roads = r.sample(ROADS, 2)
        out = {
            "town": town.name if town else "海阳市",
            "village": place.name,
            "estate": r.choice(ESTATES),
            "building": str(r.randint(1, 28)),
            "unit": str(r.randint(1, 4)),
            "road": roads[0],
            "road2": roads[1],
            "company": r.choice(COMPANIES),
            "property_company": r.choice(PROPERTY_COMPANIES),
            "developer": r.choice(DEVELOPERS),
            "school": r.choice(SCHOOLS),
            "hospital": r.choice(HOSPITALS),
            "market": r.choice(MARKETS),
            "project": r.choice(PROJECTS),
            "trade": r.choice(TRADES),
            "business": r.choice(BUSINESSES),
            "years": str(years),
            "year0": str(self.today.year - years),
            "year1": str(r.choice([1978, 1979, 1980, 1983])),
            "months": str(r.randint(3, 14)),
            "month0": str(r.randint(1, max(1, self.today.month - 1))),
            "n": str(r.randint(6, 48)),
            "amount": str(r.choice([3.6, 8, 12.5, 18, 26, 43, 67])),
            "grade": r.choice("一二三四五六"),
            "neighbor": self.person_name(),
            "accused": accused.name if accused else "",
            "fee": "",
            "fee2": "",
        }
        for slot, choices in topic.slots.items():
            out[slot] = r.choice(choices)
        return out

    def pick_channel(self) -> str:
        if self._channel_cycle:
            return self._channel_cycle.pop(0)
        return self.rng.choices(OFFICE_CHANNELS, CHANNEL_WEIGHTS)[0]

    def topics(
        self,
        *,
        kind: str = "appeal",
        need_head: bool = False,
        legal: bool = False,
        area: tuple[str, ...] | None = None,
        group: bool = False,
        reviewable: bool = False,
    ) -> list[Topic]:
        out = []
        for t in TOPICS:
            if t.kind != kind or (legal and not t.legal) or (group and not t.group):
                continue
            if area is not None and t.area not in area:
                continue
            if area is None and t.area == "grid":
                continue
            if (need_head or reviewable) and t.dept in HEADLESS:
                continue
            if t.dept == "political_legal" and not legal:
                continue
            out.append(t)
        return out

    # -- plans ----------------------------------------------------------------------------

    def new_case(
        self,
        target: str,
        topic: Topic,
        *,
        reg_ago: int,
        registrar: str = "office",
        channel: str | None = None,
        group: bool = False,
    ) -> Flow:
        r = self.rng
        county = self.county
        place = self.place_for(topic)
        accused = None
        if topic.kind == "report":
            if topic.accused == "dept":
                accused = county.departments[
                    r.choice(["zhujian", "ziran", "shichang", "zhifa", "jiaotong", "nongye"])
                ]
            elif topic.accused == "town":
                town_code = place.parent_id or STAFFED_TOWNSHIP
                accused = county.township_bodies[town_code]
            else:
                accused = county.body(topic.accused)
        slots = self.slots(topic, place, accused)
        title = topic.title.format_map(slots)
        address = "".join(d.name for d in reversed(place.ancestors()) if d.level >= Level.COUNTY)
        if topic.area == "urban":
            address += f"{slots['estate']}{slots['building']}号楼"
        if registrar == "grid":
            channel, actor, body_key = "grid", "grid_worker", "village"
        elif registrar == "office":
            channel = channel or self.pick_channel()
            actor = "citizen" if channel in ("web", "mobile") else "clerk"
            body_key = "office"
        else:  # registered directly by a department (W23: a body receiving an item directly)
            channel = channel or r.choice(["visit", "letter", "phone"])
            actor, body_key = handler_of(registrar), registrar
        parties: list[services.PartyInput] = []
        group_size = 1
        anonymous = topic.kind == "report" and r.random() < 0.5
        if group:
            group_size = r.randint(8, 60)
            parties = [self.party(address, Party.REPRESENTATIVE) for _ in range(r.randint(2, 5))]
        elif not anonymous and registrar != "grid":
            parties = [self.party(address)]
        elif registrar == "grid":
            parties = [self.party(address)]
        name = parties[0].name if parties else ""
        text = topic.text.format_map(slots)
        if registrar == "grid":
            pass  # grid topics are written as the grid worker's own record
        elif group:
            text = (
                f"{place.name}{group_size}名群众集体反映，推选{len(parties)}名代表：{text}"
                f"恳请有关部门{topic.demand.format_map(slots)}。"
            )
        elif name:
            intro = r.choice(
                [f"我叫{name}，家住{address}。", f"本人{name}，{place.name}居民。", ""]
            )
            if topic.kind == "suggestion":
                text = f"{intro}{text}希望有关部门研究采纳。"
            else:
                text = f"{intro}{text}恳请有关部门{topic.demand.format_map(slots)}。"
        else:
            text = f"{text}希望组织上认真调查。"
        plan = CasePlan(
            key=len(self.plans),
            target=target,
            topic=topic,
            registrar=actor,
            register=dict(
                body=county.body(body_key),
                channel=channel,
                content_type=topic.kind,
                title=title,
                text=text,
                place=place,
                address=address,
                parties=parties,
                is_group=group,
                group_size=group_size,
                accused_body=accused,
                public_consent=topic.kind != "report" and r.random() < 0.4,
                category_path=topic.category,
            ),
        )
        plan.slots = slots
        self.plans.append(plan)
        return Flow(self, plan, reg_ago, holder=body_key, staff=actor != "citizen")


class Flow:
    """Builds one plan's steps forward in time; `ago` is the cursor in days before today."""

    def __init__(
        self,
        planner: Planner,
        plan: CasePlan | GridPlan,
        reg_ago: int,
        *,
        holder: str,
        staff: bool,
        first: str = "register",
        kwargs: dict | None = None,
        after: dt.datetime | None = None,
    ):
        self.p = planner
        self.plan = plan
        self.rng = planner.rng
        self.ago = max(1, min(SPAN_DAYS, reg_ago))
        self.holder = holder
        # A flow that continues another (a grid item becoming a case) starts after its last step.
        self.last: dt.datetime | None = after
        plan.registered_ago = self.ago
        plan.steps.append(self._step(first, plan.registrar, kwargs or {}, staff=staff))

    @property
    def slots(self) -> dict[str, str]:
        return self.plan.slots

    def _moment(self, staff: bool) -> dt.datetime:
        day = self.p.today - dt.timedelta(days=self.ago)
        if staff and not self.p.cal.is_workday(day):
            nxt = self.p.cal.next_workday(day)
            if nxt < self.p.today:
                day = nxt
                self.ago = (self.p.today - day).days
        minute = (
            self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
            if staff
            else self.rng.randint(7 * 60, 22 * 60 + 30)
        )
        moment = timezone.make_aware(
            dt.datetime.combine(day, dt.time(minute // 60, minute % 60)),
            timezone.get_default_timezone(),
        )
        if self.last is not None and moment <= self.last:
            later = self.last + dt.timedelta(minutes=self.rng.randint(5, 40))
            # Steps squeezed onto one day stay on that day (and never reach today).
            end_of_day = moment.replace(hour=23, minute=59)
            moment = later if later <= end_of_day else self.last + dt.timedelta(seconds=1)
        self.last = moment
        return moment

    def _step(self, action: str, actor: str | None, kwargs: dict, *, staff: bool = True) -> Step:
        return Step(self._moment(staff), self.plan.key, len(self.plan.steps), action, actor, kwargs)

    def then(
        self,
        action: str,
        actor: str | None,
        *,
        gap: tuple[int, int] = (0, 3),
        at: int | None = None,
        staff: bool = True,
        **kwargs,
    ) -> Flow:
        """Add a step `gap` days after the last one, or on day `at` (days ago)."""
        if at is not None:
            self.ago = min(self.ago, at)
        else:
            self.ago -= self.rng.randint(*gap)
        self.ago = max(1, self.ago)
        self.plan.steps.append(self._step(action, actor, kwargs, staff=staff))
        return self

    # -- pieces of the procedure ----------------------------------------------------------

    def route(
        self, to: str | None = None, *, assign: bool = False, gap=(0, 3), at: int | None = None
    ) -> Flow:
        to = to or self.plan.topic.dept
        kwargs: dict[str, Any] = {"body": self.p.county.body(to)}
        if assign:
            kwargs["report_due"] = Late(lambda: _today() + dt.timedelta(days=30))
            kwargs["note"] = "请于交办单所定期限内报送办结报告。"
        self.then("assign" if assign else "transfer", "clerk", gap=gap, at=at, **kwargs)
        self.holder = to
        return self

    def grid_up(self, levels: int) -> Flow:
        reasons = ["当事双方分歧较大，村级调解未果。", "涉及资金较多，村里无力处置。"]
        self.then("escalate_grid", "grid_worker", gap=(0, 1), reason=self.rng.choice(reasons))
        self.holder = "town"
        if levels > 1:
            self.then(
                "escalate_grid",
                "town_handler",
                gap=(1, 3),
                reason="涉及多个部门职责，需由市里统筹协调。",
            )
            self.holder = "office"
        return self

    def accept(self, gap=(1, 6), at: int | None = None) -> Flow:
        return self.then(
            "accept",
            handler_of(self.holder),
            gap=gap,
            at=at,
            note="经审查，符合受理条件，予以受理。",
        )

    def extend(self, gap=(35, 50)) -> Flow:
        reason = self.rng.choice(EXTENSION_REASONS)
        days = self.rng.choice([15, 20, 30])
        self.then("request_extension", handler_of(self.holder), gap=gap, days=days, reason=reason)
        return self.then("extend", head_of(self.holder), gap=(0, 2))

    def decide(self, decision: str | None = None, gap=(10, 30)) -> Flow:
        decision = decision or self.rng.choice(["support", "support", "explain", "reject"])
        topic = self.plan.topic
        return self.then(
            "decide",
            handler_of(self.holder),
            gap=gap,
            decision=decision,
            facts=topic.facts.format_map(self.slots),
            reasons=REASONS[decision],
            basis=BASIS.get(topic.dept, ""),
            request=topic.demand.format_map(self.slots),
        )

    def reply(self, gap=(1, 4), at: int | None = None) -> Flow:
        self.then("reply", head_of(self.holder), gap=gap, at=at)
        return self

    def handle_to_reply(self, *, reply_at: int | None = None, decision: str | None = None) -> Flow:
        """Accept, decide and reply; with `reply_at`, the reply lands on that day."""
        self.accept()
        if reply_at is not None:
            # Spread the remaining days between deciding and signing.
            span = max(2, self.ago - reply_at)
            self.decide(decision, gap=(max(1, span // 2), max(1, span - 1)))
            return self.reply(at=reply_at)
        return self.decide(decision).reply()

    def mediate(self, gap=(7, 30)) -> Flow:
        agreement = (
            f"经{self.p.county.body(self.holder).name}组织调解，双方自愿达成协议："
            f"{self.plan.topic.demand.format_map(self.slots)}，由责任方于一个月内履行完毕，"
            f"信访人不再就此事项信访。"
        )
        self.then("mediate", handler_of(self.holder), gap=gap, agreement=agreement)
        return self

    def rate(self, rating: str | None = None, gap=(1, 8)) -> Flow:
        rating = rating or self.rng.choice(["satisfied", "satisfied", "basically"])
        return self.then(
            "rate",
            "citizen",
            gap=gap,
            staff=False,
            rating=rating,
            comment=self.rng.choice(RATING_COMMENTS[rating]),
        )

    def request_review(self, gap=(3, 20), at: int | None = None) -> Flow:
        self.then(
            "request_review",
            "citizen",
            gap=gap,
            at=at,
            staff=False,
            reasons=self.rng.choice(REVIEW_REASONS),
        )
        self.holder = superior_of(self.holder)
        return self

    def decide_review(self, gap=(8, 25), at: int | None = None) -> Flow:
        decision = self.rng.choice(["explain", "reject", "support"])
        opinion = {
            "support": "经复查，原处理意见部分事实认定不清，责成原办理单位重新核查，依法解决信访人"
            "合理诉求。",
            "explain": "经复查，原处理意见认定事实清楚，已向信访人做好政策解释，维持原处理意见。",
            "reject": "经复查，原处理意见认定事实清楚，适用依据正确，程序合法，予以维持。",
        }[decision]
        self.then(
            "decide_review",
            handler_of(self.holder),
            gap=gap,
            at=at,
            decision=decision,
            opinion=opinion,
        )
        return self

    def request_rereview(self, gap=(3, 20)) -> Flow:
        self.then(
            "request_rereview",
            "citizen",
            gap=gap,
            staff=False,
            reasons=self.rng.choice(REVIEW_REASONS),
        )
        self.holder = superior_of(self.holder)
        return self

    def decide_rereview(self, gap=(8, 25)) -> Flow:
        self.then(
            "decide_rereview",
            handler_of(self.holder),
            gap=gap,
            decision="reject",
            opinion="经复核，复查意见认定事实清楚，证据充分，处理恰当，予以维持。"
            "本复核意见为最终意见，信访人以同一事实和理由再次提出的，不再受理（W36）。",
        )
        return self

    def close(self, gap=(1, 5), at: int | None = None) -> Flow:
        return self.then(
            "close", closer_of(self.holder), gap=gap, at=at, note="信访事项已办结，材料归档。"
        )

    def object_remit(self, correct: str, gap=(1, 3)) -> Flow:
        name = self.p.county.body(correct).name
        return self.then(
            "object_remit",
            handler_of(self.holder),
            gap=gap,
            reason=f"反映事项不属于本单位法定职责，应由{name}办理。",
        )


def _today() -> dt.date:
    return timeutil.today()  # the as_of day of the step being run


# ---------------------------------------------------------------------------------------------
# The mix: about 200 cases over every state


def _plan_procedure(
    county: DemoCounty, *, seed: int = SEED, today: dt.date | None = None
) -> Planner:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    p = Planner(county, rng, today)
    r = rng
    appeals = p.topics(need_head=True)
    any_appeals = p.topics()
    suggestions = p.topics(kind="suggestion")
    reports = p.topics(kind="report")
    legal = p.topics(legal=True)
    groups = p.topics(group=True, need_head=True)
    town_topics = p.topics(area=("town",))
    grid_topics = p.topics(area=("grid",))
    depts = list(county.departments)

    def pick(pool):
        return r.choice(pool)

    def group_case(target, reg_ago, pool=groups):
        topic = pick(pool)
        return p.new_case(target, topic, reg_ago=reg_ago, channel="visit", group=True)

    # registered (已登记): fresh items, two past the 15-day routing limit, grid items below.
    for _ in range(7):
        p.new_case(S.REGISTERED, pick(any_appeals + suggestions), reg_ago=r.randint(1, 9))
    for _ in range(2):
        p.new_case(S.REGISTERED, pick(appeals), reg_ago=r.randint(17, 26))
    for _ in range(2):
        p.new_case(S.REGISTERED, pick(grid_topics), reg_ago=r.randint(1, 5), registrar="grid")
    p.new_case(S.REGISTERED, pick(grid_topics), reg_ago=r.randint(3, 8), registrar="grid").grid_up(
        1
    )
    p.new_case(S.REGISTERED, TOPIC["hazard"], reg_ago=r.randint(5, 12), registrar="grid").grid_up(2)
    # Sent to the wrong body, objected to and taken back (W23).
    for _ in range(2):
        topic = pick(appeals)
        wrong = r.choice([d for d in depts if d != topic.dept])
        f = p.new_case(S.REGISTERED, topic, reg_ago=r.randint(6, 14))
        f.route(wrong, gap=(0, 1)).object_remit(topic.dept)
        f.then("agree_return", "clerk", gap=(0, 2), note="同意退回，重新研究转送。")
        f.holder = "office"

    # transferred (已转送交办)
    for _ in range(5):
        p.new_case(S.TRANSFERRED, pick(appeals + suggestions), reg_ago=r.randint(2, 12)).route()
    for _ in range(3):
        p.new_case(S.TRANSFERRED, pick(appeals), reg_ago=r.randint(6, 25)).route(assign=True)
    for _ in range(2):  # past the 15-day notice limit (W23)
        p.new_case(S.TRANSFERRED, pick(appeals), reg_ago=r.randint(24, 40)).route(gap=(1, 3))
    for _ in range(2):  # notice limit due within days
        f = p.new_case(S.TRANSFERRED, pick(appeals), reg_ago=16)
        f.route(at=r.randint(13, 14))
    topic = pick(appeals)
    wrong = r.choice([d for d in depts if d != topic.dept])
    f = p.new_case(S.TRANSFERRED, topic, reg_ago=r.randint(8, 20)).route(wrong, gap=(0, 1))
    f.object_remit(topic.dept).then(
        "reject_objection",
        "clerk",
        gap=(0, 2),
        reason="经研究，该事项属于贵单位职责范围，请依法办理（W24）。",
    )
    for _ in range(2):
        p.new_case(S.TRANSFERRED, pick(reports), reg_ago=r.randint(2, 10)).route()
    group_case(S.TRANSFERRED, r.randint(3, 10)).route()
    # Litigation-related items go to the political-legal committee (W22, 诉访分离).
    p.new_case(S.TRANSFERRED, TOPIC["enforcement"], reg_ago=r.randint(3, 12)).route()

    # remit_objected (管辖异议待定)
    for _ in range(5):
        topic = pick(appeals)
        wrong = r.choice([d for d in depts if d != topic.dept])
        f = p.new_case(S.REMIT_OBJECTED, topic, reg_ago=r.randint(4, 12))
        f.route(wrong, gap=(0, 1)).object_remit(topic.dept, gap=(1, 2))

    # accepted (已受理办理中): on time, due soon, overdue, extended, supervised, leader-owned.
    for _ in range(11):
        p.new_case(
            S.ACCEPTED, pick(appeals + suggestions), reg_ago=r.randint(8, 55)
        ).route().accept()
    for _ in range(4):  # the 60-day limit ends within days (W34)
        f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(60, 66)).route()
        f.accept(at=r.randint(57, 58))
    overdue = []
    for _ in range(8):
        f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(72, 115)).route().accept()
        overdue.append(f)
    for i, f in enumerate(overdue[:5]):
        f.then("supervise", "supervisor", at=r.randint(3, 8), grounds=r.choice(SUPERVISION_GROUNDS))
        if i == 0:
            f.then(
                "answer_supervision",
                handler_of(f.holder),
                gap=(1, 2),
                answer="已成立工作专班，正在加紧核查，预计本月底前办结并报送办结报告。",
            )
        if i in (1, 2):
            f.then(
                "list_supervision",
                "leader",
                gap=(0, 1),
                reason="久拖未决、群众反映强烈，列入挂牌督办。",
            )
        if i == 2:
            f.then("escalate", "supervisor", gap=(0, 1), reason="涉及多个部门，提请领导协调。")
    for _ in range(5):  # extended once (W34)
        f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(66, 80)).route().accept()
        f.extend(gap=(40, 52))
    f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(108, 118)).route().accept()
    f.extend(gap=(45, 55))  # extended and still overdue
    for level in "ABC":  # leader ownership (包案, W18)
        f = group_case(S.ACCEPTED, r.randint(25, 80)).route().accept()
        f.then(
            "assign_leader",
            "leader",
            gap=(2, 10),
            level=level,
            leader=p.county.users["leader"],
            body=p.county.body(f.holder),
            plan="由包案领导牵头，责任单位一周内召开协调会，制定化解方案，每周报告进展。",
            deadline=Late(lambda: _today() + dt.timedelta(days=45)),
        )
    for _ in range(3):
        p.new_case(S.ACCEPTED, pick(reports), reg_ago=r.randint(10, 50)).route().accept()
    for _ in range(2):  # grid matters taken up by the township
        p.new_case(
            S.ACCEPTED, pick(grid_topics), reg_ago=r.randint(6, 30), registrar="grid"
        ).grid_up(1).accept(gap=(0, 2))
    for _ in range(2):  # received directly by a department (W23)
        topic = pick([t for t in appeals if t.dept in depts])
        p.new_case(S.ACCEPTED, topic, reg_ago=r.randint(5, 40), registrar=topic.dept).accept(
            gap=(0, 2)
        )
    p.new_case(S.ACCEPTED, pick(town_topics), reg_ago=r.randint(10, 40)).route().accept()
    p.new_case(S.ACCEPTED, TOPIC["enforcement"], reg_ago=r.randint(10, 40)).route().accept()

    # decided (处理意见待签发)
    for _ in range(6):
        p.new_case(
            S.DECIDED, pick(appeals + suggestions), reg_ago=r.randint(20, 60)
        ).route().accept().decide()
    f = p.new_case(S.DECIDED, pick(appeals), reg_ago=r.randint(40, 70)).route().accept().decide()
    f.then(
        "return_draft",
        head_of(f.holder),
        gap=(1, 2),
        reason="事实部分表述不够具体，请补充调查情况和法律依据。",
    ).decide(gap=(2, 5))
    p.new_case(S.DECIDED, pick(reports), reg_ago=r.randint(30, 60)).route().accept().decide()

    # replied (已答复): some rated, most within the review window.
    for i in range(14):
        f = p.new_case(S.REPLIED, pick(appeals + suggestions), reg_ago=r.randint(35, 90))
        f.route().handle_to_reply(reply_at=r.randint(2, 26))
        if i % 3 == 0:
            f.rate(r.choice(["satisfied", "basically", "unsatisfied"]), gap=(1, 1))
    for _ in range(2):
        f = p.new_case(S.REPLIED, pick(reports), reg_ago=r.randint(40, 80))
        f.route().handle_to_reply(reply_at=r.randint(3, 20), decision="support")
    f = group_case(S.REPLIED, r.randint(50, 90)).route()
    f.handle_to_reply(reply_at=r.randint(3, 15))

    # mediated (已调解, W33)
    for i in range(4):
        f = p.new_case(S.MEDIATED, pick(appeals), reg_ago=r.randint(25, 80)).route().accept()
        f.mediate(gap=(7, 15))
        if i < 2:
            f.rate(gap=(1, 3))
    for _ in range(3):
        p.new_case(
            S.MEDIATED, pick(grid_topics), reg_ago=r.randint(14, 60), registrar="grid"
        ).grid_up(1).accept(gap=(0, 2)).mediate(gap=(3, 8))
    p.new_case(
        S.MEDIATED, TOPIC["village_affairs"], reg_ago=r.randint(20, 60)
    ).route().accept().mediate(gap=(5, 15))

    reviewable = p.topics(reviewable=True)

    def to_review(target, reg_ago, review_at):
        f = p.new_case(target, pick(reviewable), reg_ago=reg_ago).route()
        f.handle_to_reply(reply_at=review_at + r.randint(5, 20))
        f.request_review(at=review_at)
        return f

    # under_review (复查中, W35); one past its 30-day limit.
    for _ in range(5):
        to_review(S.UNDER_REVIEW, r.randint(70, 100), r.randint(2, 25))
    to_review(S.UNDER_REVIEW, r.randint(105, 115), r.randint(32, 36))
    # review_decided (已复查)
    for i in range(6):
        f = to_review(S.REVIEW_DECIDED, r.randint(90, 115), r.randint(30, 50))
        f.decide_review(gap=(10, 25))
        if i == 0:
            f.rate("unsatisfied", gap=(1, 1))
    # under_rereview (复核中, W36); one hearing running, one held.
    rereview = []
    for _ in range(4):
        f = to_review(S.UNDER_REREVIEW, r.randint(108, 120), r.randint(45, 50))
        f.decide_review(gap=(10, 15)).request_rereview(gap=(3, 10))
        rereview.append(f)
    rereview[0].then(
        "start_hearing",
        handler_of(rereview[0].holder),
        gap=(1, 3),
        note="组织信访人、原办理单位和有关专家举行听证。",
    )
    rereview[1].then(
        "start_hearing", handler_of(rereview[1].holder), gap=(1, 3), note="举行听证。"
    ).then("end_hearing", handler_of(rereview[1].holder), gap=(1, 2), note="听证结束。")
    # final (复核终结)
    finals = []
    for _ in range(4):
        f = to_review(S.FINAL, 120, r.randint(68, 75))
        f.decide_review(gap=(8, 12)).request_rereview(gap=(3, 6)).decide_rereview(gap=(8, 15))
        finals.append(f)

    # not_accepted (不予受理 / 不再受理)
    for _ in range(4):
        p.new_case(S.NOT_ACCEPTED, pick(any_appeals), reg_ago=r.randint(3, 100)).then(
            "decline", "clerk", gap=(0, 4), reason=r.choice(DECLINE_REASONS)
        )
    for _ in range(4):
        f = p.new_case(S.NOT_ACCEPTED, pick(appeals), reg_ago=r.randint(5, 100)).route()
        f.then("decline", handler_of(f.holder), gap=(1, 5), reason=r.choice(DECLINE_REASONS))
    f = p.new_case(S.NOT_ACCEPTED, pick(reports), reg_ago=r.randint(10, 90)).route()
    f.then(
        "decline", "jiwei_handler", gap=(1, 5), reason="反映内容笼统，缺乏可查性线索，不予受理。"
    )
    # The same facts and reasons after a re-review are not accepted again (W36).
    done = max(finals, key=lambda x: x.ago)
    if done.ago >= 3:
        final_plan = done.plan
        f = p.new_case(S.NOT_ACCEPTED, final_plan.topic, reg_ago=done.ago - 1)
        f.plan.register["parties"] = final_plan.register["parties"]
        f.then(
            "not_reaccept",
            "clerk",
            gap=(0, 0),
            reason="信访人以同一事实和理由再次提出，该事项已复核终结，不再受理（W36）。",
            final_case=Late(lambda: _number_of(final_plan)),
        )

    # redirected (导入法定途径, W31)
    for i in range(10):
        topic = legal[i % len(legal)]
        f = p.new_case(S.REDIRECTED, topic, reg_ago=r.randint(2, 110))
        if i % 2 and topic.dept not in HEADLESS:
            f.route()
        f.then(
            "redirect_to_legal_channel",
            handler_of(f.holder),
            gap=(0, 4),
            legal_channel=topic.legal,
            reason="该事项属于法定途径处理范围，已告知信访人依法提出，诉访分离（W22、W31）。",
        )

    # merged (已合并): a repeat of a case that is still open.
    open_plans = [
        x
        for x in p.plans
        if x.target in (S.ACCEPTED, S.TRANSFERRED, S.DECIDED)
        and x.registered_ago >= 4
        and x.register["parties"]
    ]
    for original in r.sample(open_plans, 8):
        f = p.new_case(S.MERGED, original.topic, reg_ago=r.randint(1, original.registered_ago - 2))
        f.plan.register["parties"] = original.register["parties"]
        f.plan.register["title"] = "再次反映：" + original.register["title"]
        f.then(
            "merge_repeat",
            "clerk",
            gap=(0, 1),
            into=Late(lambda o=original: _number_of(o)),
            reason="同一信访人就同一事项重复反映，合并办理。",
        )

    # closed (已办结)
    for _ in range(14):  # rated satisfied, then closed
        f = p.new_case(S.CLOSED, pick(appeals + suggestions), reg_ago=r.randint(55, 115)).route()
        f.handle_to_reply().rate(gap=(1, 6)).close(gap=(0, 3))
    for _ in range(10):  # the review window ran out unrated (W35)
        f = p.new_case(S.CLOSED, pick(appeals + suggestions), reg_ago=r.randint(75, 118)).route()
        f.handle_to_reply(reply_at=r.randint(45, 52)).close(at=r.randint(1, 3))
    for _ in range(4):  # extended, then answered
        f = p.new_case(S.CLOSED, pick(appeals), reg_ago=r.randint(100, 118)).route().accept()
        f.extend(gap=(40, 50)).decide(gap=(5, 15)).reply().rate(gap=(1, 3)).close()
    for _ in range(5):
        f = p.new_case(S.CLOSED, pick(appeals), reg_ago=r.randint(50, 100)).route().accept()
        f.mediate().rate(gap=(1, 5)).close()
    for _ in range(2):
        f = p.new_case(S.CLOSED, pick(grid_topics), reg_ago=r.randint(30, 90), registrar="grid")
        f.grid_up(1).accept(gap=(0, 1)).mediate(gap=(3, 10)).rate(gap=(1, 2)).close()
    for _ in range(2):
        f = group_case(S.CLOSED, r.randint(60, 110)).route()
        f.handle_to_reply(decision="support").rate(gap=(2, 5)).close()
    for _ in range(2):
        f = p.new_case(S.CLOSED, pick(reports), reg_ago=r.randint(100, 118)).route()
        # Long past the review window, even where a long holiday moved its end (W35).
        f.handle_to_reply(decision="support").close(gap=(45, 50))
    for _ in range(2):  # a suggestion registered at a department, answered there
        topic = pick([t for t in suggestions if t.dept in depts])
        f = p.new_case(S.CLOSED, topic, reg_ago=r.randint(55, 90), registrar=topic.dept)
        f.handle_to_reply().rate(gap=(1, 3)).close()
    for _ in range(3):  # review decided, closed once its window passed or the rating came
        f = to_review(S.CLOSED, r.randint(100, 118), r.randint(60, 70))
        f.decide_review(gap=(8, 15)).rate("basically", gap=(1, 3)).close(gap=(1, 3))
    f = to_review(S.CLOSED, 120, r.randint(70, 75))
    f.decide_review(gap=(8, 10)).request_rereview(gap=(2, 4)).decide_rereview(gap=(5, 10))
    f.rate(gap=(1, 3)).close(gap=(1, 3))
    return p


def plan_cases(
    county: DemoCounty, *, seed: int = SEED, today: dt.date | None = None
) -> list[CasePlan]:
    """The cases of the demo (grid ledger rows that become cases included)."""
    return plan_demo(county, seed=seed, today=today).cases


def plan_demo(county: DemoCounty, *, seed: int = SEED, today: dt.date | None = None) -> DemoPlan:
    """The cases through every state, then the oversight layer: joint handling (W24),
    supervision notices (W40), extensions refused (W34), leaders' cases (W18), the grid ledger.

    The oversight layer is planned after the cases, so their plans stay as they were."""
    p = _plan_procedure(county, seed=seed, today=today)
    _plan_oversight(p)
    _plan_grid_ledger(p)
    return DemoPlan(cases=p.plans, grid=p.grid_plans)


# ---------------------------------------------------------------------------------------------
# The oversight layer: joint handling, supervision notices, extensions, leaders, unmasking

# Topic (its department leads), stage, and the co-handling bodies: (body key, its part, its
# answer, or "" while it is still due) (W24).
CO_HANDLING: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "wage",
        S.ACCEPTED,
        [
            (
                "zhujian",
                "督促建设单位与总包单位结算工程款，从源头解决欠薪问题。",
                "已约谈建设单位和总包单位，工程款结算审核已完成，本周内拨付至农民工工资专用账户。",
            )
        ],
    ),
    (
        "resettlement",
        S.ACCEPTED,
        [
            (
                "ziran",
                "办理回迁安置楼续建所需的用地和规划变更手续。",
                "规划变更已批复，用地手续已补办完毕，已书面告知建设单位。",
            ),
            ("minzheng", "对过渡期间生活困难的家庭给予临时救助。", ""),
        ],
    ),
    (
        "water",
        S.ACCEPTED,
        [
            (
                "nongye",
                "排查上游养殖场尾水排放情况，督促整改。",
                "已逐一排查上游3家养殖场，其中1家尾水直排，已责令停止排放并限期建设处理设施。",
            )
        ],
    ),
    ("land_comp", S.ACCEPTED, [("nongye", "核实集体经济组织成员身份和补偿款分配方案。", "")]),
    ("noise", S.TRANSFERRED, [("zhujian", "核查该工地夜间施工许可和文明施工措施落实情况。", "")]),
]
LEADER_PLANS = {
    "A": "包案领导每半月听取一次专题汇报，牵头召开多部门联席会议，制定化解方案并落实资金来源。",
    "B": "包案领导约见信访人，责任单位十日内提出化解方案，每周报告一次进展。",
    "C": "包案领导审阅办理方案，责任单位按期办结并报告化解情况。",
}
REFUSALS = [
    "现有材料已足以作出处理意见，不同意延期，请在法定期限内办结（W34）。",
    "延期理由不充分，第三方鉴定可在办理期限内完成，不予延期（W34）。",
]


def _plan_oversight(p: Planner) -> None:
    r = p.rng
    county = p.county
    leader = county.users["leader"]
    appeals = p.topics(need_head=True)
    zhujian = [t for t in appeals if t.dept == "zhujian"]

    def later(days: int) -> Late:
        return Late(lambda: _today() + dt.timedelta(days=days))

    # Joint handling (W24): some co-handling bodies have answered, some not yet.
    co = []
    for i, (key, stage, parts) in enumerate(CO_HANDLING):
        topic = TOPIC[key]
        if stage == S.TRANSFERRED:
            f = p.new_case(stage, topic, reg_ago=r.randint(4, 8)).route(gap=(0, 1))
        else:
            f = p.new_case(stage, topic, reg_ago=r.randint(30, 50)).route().accept()
        adder = "clerk" if i % 2 == 0 else handler_of(f.holder)
        for body_key, part, _answer in parts:
            f.then("add_co_handler", adder, gap=(0, 2), body=county.body(body_key), part=part)
        for body_key, _part, answer in parts:
            if answer:
                f.then("answer_co_handling", handler_of(body_key), gap=(3, 8), answer=answer)
        co.append(f)
    # Every view of personal data in clear is logged (DESIGN.md, Access).
    co[0].then(
        "unmask",
        handler_of(co[0].holder),
        gap=(0, 1),
        party_id=Late(lambda pl=co[0].plan: pl.case.parties.order_by("pk").first().pk),
        reason="电话联系信访人，核实被拖欠工资的人员名单。",
    )
    co[0].then("supervise", "supervisor", at=r.randint(2, 4), grounds=SUPERVISION_GROUNDS[1])

    # Supervision notices (W40): one long past its reply date, one answered then issued again.
    f = p.new_case(S.ACCEPTED, r.choice(zhujian), reg_ago=r.randint(80, 95)).route().accept()
    f.then("supervise", "supervisor", at=r.randint(22, 26), grounds=SUPERVISION_GROUNDS[1])
    f = p.new_case(S.ACCEPTED, r.choice(appeals), reg_ago=r.randint(75, 90)).route().accept()
    f.then("supervise", "supervisor", at=30, grounds=SUPERVISION_GROUNDS[2], due_on=later(7))
    f.then(
        "answer_supervision",
        handler_of(f.holder),
        gap=(3, 5),
        answer="已与信访人见面沟通，制定了整改方案，将于两周内落实到位。",
    )
    f.then(
        "supervise",
        "supervisor",
        at=14,
        grounds="督办回复所称整改措施至今未落实，再次督办（W40）。",
        due_on=later(7),
    )

    # Extensions (W34): refused with the limit days away, refused then answered, one pending.
    f = p.new_case(S.ACCEPTED, r.choice(zhujian), reg_ago=r.randint(62, 64)).route()
    f.accept(at=r.randint(56, 57))
    f.then(
        "request_extension",
        handler_of(f.holder),
        at=r.randint(8, 10),
        days=30,
        reason=EXTENSION_REASONS[1],
    )
    f.then("refuse_extension", head_of(f.holder), gap=(1, 2), reason=REFUSALS[1])
    f = p.new_case(S.REPLIED, r.choice(appeals), reg_ago=r.randint(75, 85)).route().accept()
    f.then(
        "request_extension",
        handler_of(f.holder),
        gap=(40, 45),
        days=20,
        reason=EXTENSION_REASONS[0],
    )
    f.then("refuse_extension", head_of(f.holder), gap=(1, 2), reason=REFUSALS[0])
    f.decide(gap=(3, 8)).reply()
    f = p.new_case(S.ACCEPTED, r.choice(zhujian), reg_ago=r.randint(50, 55)).route().accept()
    f.then(
        "request_extension",
        handler_of(f.holder),
        at=r.randint(1, 2),
        days=15,
        reason=EXTENSION_REASONS[2],
    )

    # Leaders' cases (包案, W18): one past its time limit and escalated, one under review, one new.
    groups = p.topics(group=True, need_head=True)
    f = p.new_case(
        S.ACCEPTED, r.choice(groups), reg_ago=r.randint(95, 110), channel="visit", group=True
    )
    f.route().accept()
    f.then(
        "assign_leader",
        "supervisor",
        at=r.randint(44, 48),
        level="A",
        leader=leader,
        body=county.body(f.holder),
        plan=LEADER_PLANS["A"],
        deadline=later(30),
    )
    f.then(
        "escalate",
        "supervisor",
        at=r.randint(5, 9),
        reason="包案化解时限已过，群众多次集体走访，提请包案领导召开协调会。",
    )
    reviewable = [t for t in p.topics(reviewable=True) if superior_of(t.dept) == "government"]
    f = p.new_case(S.UNDER_REVIEW, r.choice(reviewable), reg_ago=r.randint(75, 90)).route()
    f.handle_to_reply(reply_at=r.randint(25, 32)).request_review(at=r.randint(12, 16))
    f.then(
        "assign_leader",
        "leader",
        gap=(1, 3),
        level="B",
        leader=leader,
        body=county.body(f.holder),
        plan=LEADER_PLANS["B"],
        deadline=later(25),
    )
    f = p.new_case(S.TRANSFERRED, r.choice(appeals), reg_ago=r.randint(5, 8)).route(gap=(0, 1))
    f.then(
        "assign_leader",
        "leader",
        gap=(1, 2),
        level="C",
        leader=leader,
        body=county.body(f.holder),
        plan=LEADER_PLANS["C"],
        deadline=later(20),
    )

    # A reporter's identity, seen by the discipline body holding the report (W30, W46).
    f = p.new_case(S.ACCEPTED, TOPIC["dibao_favour"], reg_ago=r.randint(15, 30))
    if not f.plan.register["parties"]:
        f.plan.register["parties"] = [p.party(f.plan.register["address"])]
    f.route().accept()
    f.then(
        "unmask",
        "jiwei_handler",
        gap=(1, 3),
        party_id=Late(lambda pl=f.plan: pl.case.parties.order_by("pk").first().pk),
        reason="核实举报线索，需与举报人当面联系。",
    )


# ---------------------------------------------------------------------------------------------
# The grid ledger (小事不出村、大事不出镇): rows at village, township and county level

GRID_KEYS = 100_000  # grid plan keys, apart from case plan keys
GRID_LEVELS = ("village", "town", "office")
GRID_PEOPLE = {"town": "崔海军（镇综治中心）", "office": "孙丽娟（市信访局）"}
GRID_ACTORS = {"village": "grid_worker", "town": "town_handler", "office": "clerk"}
GRID_REASONS = {
    "village": "当事双方分歧较大，村级调解未果，需镇里协调。",
    "town": "涉及多个部门职责和资金，镇里无力处置，需市里统筹。",
}
# Target ("<status>@<level>"), recorded days ago, days allowed at each level, the row.
GRID_LEDGER: list[tuple[str, int, int, GridSpec]] = [
    (
        "open@village",
        3,
        10,
        GridSpec(
            "dispute",
            "两户村民因院墙滴水发生口角",
            "王家新翻建的房屋屋檐伸出院墙，雨水滴到邻居院内，两家为此多次争吵。",
            "邵春燕",
        ),
    ),
    (
        "open@village",
        20,
        7,
        GridSpec(
            "hazard",
            "村东废弃机井未封盖",
            "村东果园旁一口废弃机井井口未封盖，周边杂草丛生，附近常有儿童玩耍，存在坠井风险。",
            "邵春燕",
        ),
    ),
    (
        "settled@village",
        40,
        10,
        GridSpec(
            "dispute",
            "邻居散养家禽异味扰邻",
            "村民在院外空地散养鸡鸭，粪便无人清理，气味很大，邻居多次上门理论。",
            "邵春燕",
        ),
    ),
    (
        "settled@village",
        25,
        5,
        GridSpec(
            "hazard",
            "村委会门前私拉电线给电动车充电",
            "多户村民从自家窗户私拉电线到路边给电动车充电，电线裸露，雨天有触电和起火隐患。",
            "邵春燕",
        ),
    ),
    (
        "open@town",
        10,
        15,
        GridSpec(
            "dispute",
            "土地流转户与承包方因青苗补偿发生争议",
            "承包方提前收回流转土地另作他用，地里的玉米尚未收获，双方对青苗补偿金额分歧很大。",
            "邵春燕",
        ),
    ),
    (
        "open@town",
        35,
        10,
        GridSpec(
            "hazard",
            "村后山坡雨后出现裂缝",
            "连续降雨后村后山坡出现多条裂缝，坡下有五户民房，存在滑坡隐患。",
            "邵春燕",
        ),
    ),
    (
        "settled@town",
        50,
        10,
        GridSpec(
            "dispute",
            "两村因灌溉用水分配发生纠纷",
            "大辛家村与相邻村共用一座塘坝，旱季两村为放水先后和水量发生争执。",
            "邵春燕",
        ),
    ),
    (
        "open@town",
        6,
        20,
        GridSpec(
            "dispute",
            "养殖场与周边住户因粪污处理发生矛盾",
            "村西养猪场粪污露天堆放，夏季气味刺鼻，周边十余户村民要求搬迁养殖场。",
            "崔海军（镇综治中心）",
            level="town",
        ),
    ),
    (
        "converted@town",
        30,
        10,
        GridSpec(
            "dispute",
            "村民对宅基地审批结果有异议",
            "村民申请翻建宅基地房屋，村里公示的审批面积比原有面积少了二十多平方米，村民不认可。",
            "邵春燕",
        ),
    ),
    (
        "open@office",
        45,
        10,
        GridSpec(
            "dispute",
            "企业拖欠本村务工人员工资",
            "本村二十余名村民在镇上一家石材厂务工，工厂停产后拖欠三个月工资，老板避而不见。",
            "邵春燕",
        ),
    ),
    (
        "converted@office",
        28,
        10,
        GridSpec(
            "hazard",
            "村内桥梁护栏缺失、桥面开裂",
            "村南跨河小桥护栏多处缺失，桥面出现贯通裂缝，是村民出行和学生上学的必经之路。",
            "邵春燕",
        ),
    ),
    (
        "settled@office",
        60,
        10,
        GridSpec(
            "dispute",
            "外嫁女要求分配征地补偿款",
            "本村外嫁女户籍仍在村里，要求与其他村民同等分配征地补偿款，村委会以村规民约为由拒绝。",
            "邵春燕",
        ),
    ),
    (
        "open@office",
        12,
        20,
        GridSpec(
            "hazard",
            "废弃厂房被堆放大量易燃废料",
            "村北一处废弃厂房被外来人员堆放大量废旧泡沫和塑料，无人看管，存在火灾隐患。",
            "邵春燕",
        ),
    ),
]
GRID_OUTCOMES = {
    "village": "经网格员和村调委会上门调解，双方达成一致，已整改到位。",
    "town": "镇综治中心组织两村和水利站协商，约定轮流放水办法，双方签字确认。",
    "office": "市信访局会同镇政府、村委会召开协调会，依法保障其平等分配权益，补偿款已发放。",
}
# A ledger row that becomes a case: the topic its case follows, and where it goes next.
GRID_CASES = {"town": ("homestead", S.ACCEPTED), "office": ("road", S.ACCEPTED)}


def _plan_grid_ledger(p: Planner) -> None:
    r = p.rng

    def due(days: int) -> Late:
        return Late(lambda: _today() + dt.timedelta(days=days))

    for target, ago, days, spec in GRID_LEDGER:
        status, level = target.split("@")
        start = spec.level
        place = p.grid_village if start == "village" else r.choice(p.town_villages)
        plan = GridPlan(
            key=GRID_KEYS + len(p.grid_plans),
            target=target,
            spec=spec,
            place=place,
            registrar=GRID_ACTORS[start],
        )
        p.grid_plans.append(plan)
        f = Flow(
            p,
            plan,
            ago,
            holder=start,
            staff=True,
            first="grid_record",
            kwargs={"due_on": due(days)},
        )
        for below in GRID_LEVELS[GRID_LEVELS.index(start) : GRID_LEVELS.index(level)]:
            up = GRID_LEVELS[GRID_LEVELS.index(below) + 1]
            f.then(
                "grid_escalate",
                GRID_ACTORS[below],
                gap=(1, 3),
                reason=GRID_REASONS[below],
                due_on=due(days),
                responsible_person=GRID_PEOPLE[up],
            )
        if status == "settled":
            f.then("grid_settle", GRID_ACTORS[level], gap=(2, 6), outcome=GRID_OUTCOMES[level])
        elif status == "converted":
            topic_key, case_target = GRID_CASES[level]
            petitioner = p.party(place.name)
            case = CasePlan(
                key=len(p.plans),
                target=case_target,
                topic=TOPIC[topic_key],
                register={"title": spec.title, "place": place, "parties": [petitioner]},
                registrar=GRID_ACTORS[level],
            )
            p.plans.append(case)
            cf = Flow(
                p,
                case,
                f.ago - r.randint(1, 3),
                holder=level,
                staff=True,
                first="grid_convert",
                kwargs={
                    "grid": plan,
                    "petitioner_name": petitioner.name,
                    "petitioner_phone": petitioner.phone,
                },
                after=f.last,
            )
            if level == "office":
                cf.route(gap=(0, 2))
            cf.accept(gap=(0, 3))


# ---------------------------------------------------------------------------------------------
# Running the plans through the services


@dataclass
class SeedResult:
    cases: int = 0
    steps: int = 0
    grid_items: int = 0
    flagged: int = 0
    failures: list[str] = field(default_factory=list)
    samples: list[tuple[str, str, str]] = field(default_factory=list)  # number, code, password


def _resolve(value: Any) -> Any:
    return value.fn() if isinstance(value, Late) else value


def _number_of(plan: CasePlan) -> str:
    if plan.case is None:
        raise InvalidInput(f"演示事项“{plan.register['title']}”未能登记")
    return plan.case.number


def run_plans(
    plans: list[CasePlan],
    county: DemoCounty,
    categories: dict[tuple[str, ...], Category],
    grid_plans: list[GridPlan] = (),
) -> SeedResult:
    result = SeedResult()
    every = [*plans, *grid_plans]
    steps = sorted((s for plan in every for s in plan.steps), key=lambda s: (s.at, s.key, s.index))
    by_key = {plan.key: plan for plan in every}
    for step in steps:
        plan = by_key[step.key]
        if plan.failed:
            continue
        with as_of(step.at.astimezone(dt.UTC)):
            try:
                if isinstance(plan, GridPlan):
                    _run_grid_step(plan, step, county, result)
                else:
                    _run_step(plan, step, county, categories, result)
            except Exception as exc:  # noqa: BLE001 - one failed step (a notice, say) skips its plan only
                detail = (
                    exc if isinstance(exc, ApplicationError) else f"{type(exc).__name__}: {exc}"
                )
                title = plan.spec.title if isinstance(plan, GridPlan) else plan.register["title"]
                plan.failed = f"{step.action}: {detail}"
                result.failures.append(f"{title}（{step.action}）：{detail}")
    return result


def _actor(name: str | None, county: DemoCounty, plan: CasePlan):
    if name == "citizen":
        return services.CitizenActor(case_id=plan.case.pk if plan.case else None)
    return county.users[name] if name else None


def _run_step(
    plan: CasePlan,
    step: Step,
    county: DemoCounty,
    categories: dict[tuple[str, ...], Category],
    result: SeedResult,
) -> None:
    actor = _actor(step.actor, county, plan)
    if step.action == "register":
        kwargs = dict(plan.register)
        kwargs["category"] = categories.get(kwargs.pop("category_path"))
        reg = services.register(actor=actor, **kwargs)
        plan.case = reg.case
        result.cases += 1
        if len(result.samples) < 3 and plan.target in (S.ACCEPTED, S.REPLIED, S.CLOSED):
            result.samples.append((reg.case.number, reg.tracking_code, reg.query_password))
    elif step.action == "grid_convert":
        kwargs = dict(step.kwargs)
        grid = kwargs.pop("grid")
        if grid.item is None:
            raise InvalidInput("网格事项未能登记，无法转为信访事项")
        reg = services.convert_grid_item(item=grid.item, actor=actor, **kwargs)
        plan.case = reg.case
        result.cases += 1
    else:
        kwargs = {k: _resolve(v) for k, v in step.kwargs.items()}
        move = services.MOVE_FUNCTIONS.get(step.action) or SERVICE_STEPS[step.action]
        move(case=plan.case, actor=actor, **kwargs)
    result.steps += 1


# Services beside the moves that the demo shows on timelines.
SERVICE_STEPS: dict[str, Callable[..., Any]] = {"unmask": services.unmask_party}


def _run_grid_step(plan: GridPlan, step: Step, county: DemoCounty, result: SeedResult) -> None:
    actor = county.users[step.actor]
    kwargs = {k: _resolve(v) for k, v in step.kwargs.items()}
    if step.action == "grid_record":
        spec = plan.spec
        plan.item = services.register_grid_item(
            actor=actor,
            body=county.body(spec.level),
            kind=spec.kind,
            title=spec.title,
            description=spec.description,
            place=plan.place,
            address="".join(
                d.name for d in reversed(plan.place.ancestors()) if d.level >= Level.COUNTY
            ),
            responsible_person=spec.person,
            **kwargs,
        )
        result.grid_items += 1
    elif step.action == "grid_escalate":
        plan.item = services.escalate_grid_item(item=plan.item, actor=actor, **kwargs)
    elif step.action == "grid_settle":
        plan.item = services.settle_grid_item(item=plan.item, actor=actor, **kwargs)
    else:
        raise ValueError(f"unknown grid step {step.action}")
    result.steps += 1


# ---------------------------------------------------------------------------------------------
# Entry point


def demo_cases_exist() -> bool:
    return Case.objects.filter(registering_body__division__code__startswith=COUNTY_CODE).exists()


@contextlib.contextmanager
def _fast_commits():
    """Don't wait for the disk at each of the ~1,100 commits: a lost demo is simply seeded again.

    Per connection only; PostgreSQL keeps its data consistent with synchronous_commit off, and
    SQLite's risk with synchronous off is a power cut during the seed itself.
    """
    if connection.in_atomic_block or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    if connection.vendor == "postgresql":
        set_sql, reset_sql = "SET synchronous_commit TO OFF", "RESET synchronous_commit"
    else:
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous")
            previous = int(cur.fetchone()[0])
        set_sql, reset_sql = "PRAGMA synchronous = OFF", f"PRAGMA synchronous = {previous}"
    with connection.cursor() as cur:
        cur.execute(set_sql)
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(reset_sql)


def seed_cases(county: DemoCounty, *, seed: int = SEED) -> SeedResult:
    ensure_taxonomy()
    categories = _category_index()
    ensure_routing(county, categories)
    plan = plan_demo(county, seed=seed)
    with _fast_commits():
        result = run_plans(plan.cases, county, categories, plan.grid)
        # The supervision job, once, today: the supervision page shows what is overdue now.
        try:
            result.flagged = services.flag_overdue()
        except Exception as exc:  # noqa: BLE001 - the demo stands without the flags
            result.failures.append(f"超期标记：{type(exc).__name__}: {exc}")
    return result

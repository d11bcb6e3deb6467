"""Synthetic petitions for bench/lookalike.py: templates of topics and sentence variants with
random places, estates, roads, companies, names and numbers, and near-duplicates of them."""

from __future__ import annotations

import random
import re

# Characters for made-up proper names (estates, roads, companies, people).
NAME_CHARS = (
    "安宝北滨城春翠东福富港光广国海和河红华怀嘉建金锦景静康兰蓝丽莲林龙鹿绿梅美明南宁平清"
    "庆瑞润山上盛世顺松泰桃天田万文西祥新兴星秀阳怡银永玉裕园悦云长正中竹紫泽鑫凤凰仁义德"
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
COUNTIES = ["海阳市", "莱阳市", "栖霞市", "蓬莱区", "福山区", "牟平区", "龙口市", "招远市"]
TOWNS = ["凤城街道", "东村街道", "留格庄镇", "发城镇", "盘石店镇", "郭城镇", "徐家店镇", "行村镇"]
ESTATE_SUFFIX = ["小区", "花园", "家园", "苑", "新城", "公馆", "社区", "雅居"]
ROAD_SUFFIX = ["路", "大街", "街", "巷"]
COMPANY_SUFFIX = ["物业服务有限公司", "建筑工程有限公司", "房地产开发有限公司", "商贸有限公司"]

# (title template, sentence variants): {e} estate, {r} road, {c} company, {p} person, {n} number.
TOPICS = [
    (
        "{e}楼顶漏水无人维修",
        [
            "我家住在{e}{n}号楼顶层，每逢下雨屋顶就漏水",
            "墙面大面积发霉，家具和电器都被泡坏了",
            "多次找{c}反映，对方说维修基金动用需要业主大会同意",
            "开发商说已过保修期，互相推诿",
            "漏水已经持续了{n}个月，老人孩子住着很不安全",
            "社区也来看过，但一直没有结果",
            "楼上平台防水层老化开裂，雨水顺着楼板往下渗",
        ],
    ),
    (
        "{c}拖欠农民工工资",
        [
            "我们{n}名工人在{r}的工地干了{n}个月",
            "包工头{p}拖欠工资共计{n}万元至今未付",
            "找建设单位，对方说工程款已经付给总包",
            "春节前答应结清，到现在分文未给",
            "家里老人看病孩子上学都等着这笔钱",
            "劳动监察大队受理后一直没有进展",
            "我们有考勤记录和工友证言可以作证",
        ],
    ),
    (
        "{r}夜间施工噪音扰民",
        [
            "{r}附近的工地每天晚上施工到凌晨{n}点",
            "渣土车来回运输，噪音和扬尘非常大",
            "{e}的居民长期无法正常休息",
            "打过多次热线，白天来查晚上照样施工",
            "施工单位是{c}，没有公示夜间施工许可",
            "孩子马上中考，严重影响学习",
        ],
    ),
    (
        "{e}拆迁补偿不到位",
        [
            "我家房屋位于{e}，去年被列入征收范围",
            "评估价格明显低于周边同类房屋市场价",
            "补偿协议签订后安置房迟迟不能交付",
            "过渡费从{n}月开始就停发了",
            "征收办工作人员{p}说要等上级拨款",
            "同一片区的邻居补偿标准不一致，请求公开",
        ],
    ),
    (
        "{e}物业乱收费",
        [
            "{c}擅自上调物业费，每平方米涨了{n}元",
            "停车费没有经过业主大会就开始收取",
            "公共收益从来不公示，业主多次要求查账被拒绝",
            "小区电梯经常故障，物业不及时维修",
            "业主委员会成立至今无法备案",
            "请求住建部门依法查处",
        ],
    ),
    (
        "{r}道路破损严重",
        [
            "{r}从{e}门口到学校一段路面坑洼不平",
            "雨天积水很深，已经发生过多起摔伤事故",
            "路灯也坏了{n}盏，晚上出行很危险",
            "向街道反映过，说不归他们管",
            "这条路是附近居民和学生每天的必经之路",
            "希望尽快安排维修并增设警示标志",
        ],
    ),
    (
        "{e}违章建筑长期未拆除",
        [
            "{e}{n}号楼一楼业主{p}私自扩建院落",
            "占用了公共绿地和消防通道",
            "城管部门下过整改通知书但一直没有拆除",
            "违建已经影响到楼上住户采光",
            "其他业主也开始效仿私搭乱建",
            "请求有关部门依法强制拆除",
        ],
    ),
    (
        "{p}养老保险待遇核定有误",
        [
            "我于{n}年退休，社保部门核定的养老金明显偏低",
            "视同缴费年限没有按政策计算",
            "原单位已经改制，档案材料不全",
            "多次到社保窗口咨询没有明确答复",
            "同批退休的同事待遇比我高出{n}元",
            "请求重新核定并补发差额",
        ],
    ),
    (
        "{e}学校周边交通拥堵",
        [
            "{r}小学门口上下学时段车辆乱停乱放",
            "接送孩子的家长把路口堵得水泄不通",
            "没有设置减速带和人行横道",
            "孩子过马路很危险，已经发生过剐蹭",
            "建议交警部门在高峰时段安排执勤",
            "希望规划建设临时停车区",
        ],
    ),
    (
        "{r}商户占道经营油烟扰民",
        [
            "{r}两侧烧烤摊占用人行道经营到深夜",
            "油烟直接排到{e}居民楼里",
            "垃圾和污水随意倾倒，气味难闻",
            "市场监管和城管互相推诿",
            "晚上喝酒喧哗还多次引发纠纷",
            "请求规范管理，安装油烟净化设备",
        ],
    ),
    (
        "{p}宅基地边界纠纷",
        [
            "邻居{p}翻建房屋时占用我家宅基地约{n}平方米",
            "村委会调解过{n}次没有结果",
            "镇国土所测量后也没有给出书面意见",
            "双方的土地使用证四至记载不一致",
            "对方已经开始打地基，请求立即制止",
            "希望依法确权，维护我家合法权益",
        ],
    ),
    (
        "{c}售房合同纠纷",
        [
            "我在{c}开发的{e}购买了一套商品房",
            "合同约定{n}年交房，至今已经逾期",
            "交房时发现实际面积与合同不符",
            "开发商拒绝按合同支付违约金",
            "房产证迟迟办不下来，孩子上学受影响",
            "请求住建部门督促开发商履行合同",
        ],
    ),
]
# Each case words the same matter its own way: one alternative per word, chosen per case.
SYNONYMS = {
    "反映": ["反映", "投诉", "反应", "举报", "提出"],
    "多次": ["多次", "反复", "几次", "屡次", "好几回"],
    "一直": ["一直", "始终", "至今", "总是", "长期"],
    "请求": ["请求", "恳请", "希望", "要求", "强烈要求"],
    "严重": ["严重", "非常", "特别", "十分", "极其"],
    "部门": ["部门", "单位", "机关", "政府", "领导"],
    "没有": ["没有", "未", "并未", "从未", "始终没有"],
    "居民": ["居民", "住户", "群众", "业主", "老百姓"],
    "工地": ["工地", "项目", "工程", "施工现场", "楼盘"],
    "维修": ["维修", "修理", "整修", "处理", "修缮"],
    "尽快": ["尽快", "早日", "及时", "马上", "抓紧"],
    "影响": ["影响", "干扰", "妨碍", "耽误", "损害"],
    "小区": ["小区", "社区", "院子", "楼盘", "片区"],
    "问题": ["问题", "情况", "事情", "困难", "矛盾"],
}
DETAILS = [
    "联系人{p}，住{t}{r}{n}号",
    "{p}的电话打不通，{e}门卫也不让进",
    "{t}{e}东门对面就是{c}",
    "去年{n}月{p}已经向{t}书面报告过",
    "附近{e}、{r}一带的{p}等人都知道这件事",
    "{c}负责人{p}当面承诺过，但是没有兑现",
]
OPENINGS = ["尊敬的领导：您好！", "我是{t}居民{p}，", "反映一个问题。", "", "", ""]
CLOSINGS = ["恳请领导重视，尽快解决！", "希望有关部门调查处理。", "盼复。", "谢谢！", ""]


def _name(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(NAME_CHARS) for _ in range(k))


def make_case(rng: random.Random) -> tuple[str, str]:
    topic, sentences = TOPICS[rng.randrange(len(TOPICS))]
    slots = {
        "e": _name(rng, 2) + rng.choice(ESTATE_SUFFIX),
        "r": _name(rng, 2) + rng.choice(ROAD_SUFFIX),
        "c": rng.choice(COUNTIES)[:2] + _name(rng, 2) + rng.choice(COMPANY_SUFFIX),
        "p": rng.choice(SURNAMES) + _name(rng, rng.choice((1, 2))),
        "t": rng.choice(COUNTIES) + rng.choice(TOWNS),
    }

    def fill(s: str) -> str:
        return re.sub(
            r"\{n\}", lambda _m: str(rng.randrange(2, 99)), s.format_map({**slots, "n": "{n}"})
        )

    body = [fill(rng.choice(OPENINGS))]
    parts = rng.sample(sentences, rng.randint(2, 4)) + rng.sample(DETAILS, rng.randint(1, 2))
    rng.shuffle(parts)
    body += [fill(s) + rng.choice("，。") for s in parts]
    body.append(rng.choice(CLOSINGS))
    words = {w: rng.choice(alts) for w, alts in SYNONYMS.items()}
    pattern = re.compile("|".join(SYNONYMS))
    text = pattern.sub(lambda m: words[m.group(0)], "".join(body))
    return fill(topic), text


def near_duplicate(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    """The same petition submitted again: a few characters changed, or sentences reordered."""
    if rng.random() < 0.5:
        parts = [p for p in re.split(r"(?<=[，。！：])", body) if p]
        rng.shuffle(parts)
        return title, "".join(parts)
    chars = list(body)
    for _ in range(rng.randint(2, 6)):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice(NAME_CHARS)
    return title, "".join(chars)


def generate(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [make_case(rng) for _ in range(n)]


def queries(cases, n: int, seed: int):
    """(title, body, index of the indexed original or None) for n lookups."""
    rng = random.Random(seed)
    fresh = generate(n // 2, seed + 1)
    out = []
    for i in range(n):
        if i % 2 == 0:
            j = rng.randrange(len(cases))
            out.append((*near_duplicate(*cases[j], rng), j))
        else:
            out.append((*fresh[i // 2], None))
    return out

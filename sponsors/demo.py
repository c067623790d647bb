"""Demo merchants from the seed's world: ~40 shops, companies, institutions and brother
schools' unions, with contacts, a semester of visits (and their lessons), stage changes,
follow-ups open, overdue and done, and one blacklisted fee-charging "job agency".

Idempotent: merchants are found by name; a merchant's history is only made when the
merchant itself is created.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from outreach.demo import members as demo_members

from .models import (
    BlacklistReason,
    Contact,
    FollowUp,
    Industry,
    Merchant,
    MerchantKind,
    Stage,
    StageChange,
    Tag,
    VettingStatus,
    Visit,
    VisitMethod,
    VisitOutcome,
    VisitPurpose,
    is_step_back,
)
from .services import merchant_add_tags
from .validators import credit_code_check_char

K, E, S, C, P = (
    MerchantKind.SHOP,
    MerchantKind.EDUCATION,
    MerchantKind.STUDENT_ORG,
    MerchantKind.COMPANY,
    MerchantKind.PUBLIC_BODY,
)
ENTERPRISE = ["wanghaoran", "lixue", "zhaoyiming"]
INTER_SCHOOL = ["liujiayi", "zhouzihan", "sunyue"]

# name, kind, industry, district, stage, verified, tags, contact (name, title, mobile, wechat)
# Merchants whose history steps back twice, and why.
WAVERING = {"周黑鸭(街道口店)": "说总部预算还没批，先不谈了，又退回观望。"}

MERCHANTS = [
    (
        "李宁专卖店(光谷店)",
        K,
        "运动",
        "光谷",
        Stage.PARTNER,
        True,
        "运动，球赛",
        ("周店长", "店长", "13971100001", "lining_zhou"),
    ),
    (
        "康师傅武汉分公司",
        C,
        "食品",
        "东西湖",
        Stage.SIGNED,
        True,
        "五一促销，兼职",
        ("马经理", "市场部经理", "13971100002", ""),
    ),
    (
        "学而思网校(武汉)",
        E,
        "教育培训",
        "洪山",
        Stage.NEGOTIATING,
        True,
        "知识竞赛",
        ("刘老师", "校园合作", "13971100003", "xes_liu"),
    ),
    (
        "猿辅导校园推广",
        E,
        "教育培训",
        "洪山",
        Stage.CONTACTED,
        True,
        "知识竞赛",
        ("陈老师", "推广主管", "13971100004", ""),
    ),
    (
        "安踏体育(街道口店)",
        K,
        "运动",
        "街道口",
        Stage.NEGOTIATING,
        True,
        "运动，球赛",
        ("孙店长", "店长", "13971100005", ""),
    ),
    ("特步专卖店", K, "运动", "鲁巷", Stage.CONTACTED, False, "运动", ("吴先生", "店主", "13971100006", "")),
    ("优衣库(群光广场店)", K, "服饰", "街道口", Stage.PROSPECT, False, "", ("", "", "", "")),
    ("森马服饰", K, "服饰", "光谷", Stage.CONTACTED, False, "", ("郑店长", "店长", "13971100008", "")),
    ("太平鸟男装", K, "服饰", "光谷", Stage.LOST, False, "", ("何经理", "区域经理", "13971100009", "")),
    (
        "晨光文具(校门口店)",
        K,
        "书籍文具",
        "校园周边",
        Stage.PARTNER,
        True,
        "文具，迎新",
        ("黄老板", "店主", "13971100010", "chenguang_h"),
    ),
    ("得力文具专营", K, "书籍文具", "鲁巷", Stage.SIGNED, True, "文具", ("林经理", "销售", "13971100011", "")),
    (
        "新华书店(光谷书城)",
        P,
        "书籍文具",
        "光谷",
        Stage.NEGOTIATING,
        True,
        "读书节",
        ("钱主任", "活动主任", "13971100012", ""),
    ),
    (
        "蜜雪冰城(南门店)",
        K,
        "餐饮",
        "校园周边",
        Stage.PARTNER,
        True,
        "餐饮，K歌比赛",
        ("赵店长", "店长", "13971100013", "mxbc_zhao"),
    ),
    ("瑞幸咖啡(图书馆店)", K, "餐饮", "校园内", Stage.SIGNED, True, "餐饮", ("冯店长", "店长", "13971100014", "")),
    ("海底捞(光谷店)", K, "餐饮", "光谷", Stage.CONTACTED, False, "餐饮", ("褚经理", "大堂经理", "13971100015", "")),
    ("周黑鸭(街道口店)", K, "食品", "街道口", Stage.NEGOTIATING, True, "食品", ("卫店长", "店长", "13971100016", "")),
    ("良品铺子校园店", K, "食品", "校园周边", Stage.SIGNED, True, "食品，迎新", ("蒋店长", "店长", "13971100017", "")),
    ("农夫山泉湖北经销", C, "食品", "汉阳", Stage.CONTACTED, False, "球赛", ("沈经理", "渠道经理", "13971100018", "")),
    ("美的生活电器体验店", K, "家电", "光谷", Stage.PROSPECT, False, "", ("", "", "", "")),
    (
        "小米之家(群光店)",
        K,
        "家电",
        "街道口",
        Stage.NEGOTIATING,
        True,
        "数码，K歌比赛",
        ("韩店长", "店长", "13971100020", "mi_han"),
    ),
    ("华为授权体验店", K, "家电", "鲁巷", Stage.CONTACTED, True, "数码", ("杨经理", "店长", "13971100021", "")),
    (
        "腾讯云校园大使计划",
        C,
        "互联网",
        "光谷",
        Stage.NEGOTIATING,
        True,
        "知识竞赛",
        ("朱经理", "校园负责人", "13971100022", ""),
    ),
    ("字节跳动校园招聘", C, "互联网", "光谷", Stage.PROSPECT, False, "兼职", ("", "", "", "")),
    (
        "美团校园合作",
        C,
        "互联网",
        "洪山",
        Stage.CONTACTED,
        False,
        "兼职，餐饮",
        ("秦经理", "城市经理", "13971100024", ""),
    ),
    ("名创优品(鲁巷店)", K, "生活用品", "鲁巷", Stage.SIGNED, True, "迎新", ("尤店长", "店长", "13971100025", "")),
    ("屈臣氏(街道口店)", K, "生活用品", "街道口", Stage.CONTACTED, False, "", ("许店长", "店长", "13971100026", "")),
    ("校园打印社", K, "其他", "校园内", Stage.PARTNER, True, "印刷，球赛", ("何师傅", "老板", "13971100027", "")),
    (
        "光谷球衣定制工作室",
        K,
        "运动",
        "光谷",
        Stage.SIGNED,
        True,
        "球衣印制，球赛",
        ("吕老板", "老板", "13971100028", "qiuyi_lv"),
    ),
    (
        "新东方(武汉学校)",
        E,
        "教育培训",
        "洪山",
        Stage.CONTACTED,
        True,
        "考研，兼职",
        ("施老师", "市场专员", "13971100029", ""),
    ),
    ("中公教育(洪山分校)", E, "教育培训", "洪山", Stage.PROSPECT, False, "考研", ("", "", "", "")),
    (
        "武汉大学学生会外联部",
        S,
        None,
        "武昌",
        Stage.PARTNER,
        None,
        "校际，晚会",
        ("张部长", "外联部部长", "13971100031", "whu_wl"),
    ),
    ("华中科技大学学生会", S, None, "洪山", Stage.SIGNED, None, "校际，联谊", ("王部长", "部长", "13971100032", "")),
    (
        "武汉理工大学学生会",
        S,
        None,
        "洪山",
        Stage.NEGOTIATING,
        None,
        "校际，排球赛",
        ("李部长", "副部长", "13971100033", ""),
    ),
    (
        "华中师范大学青年志愿者协会",
        S,
        None,
        "洪山",
        Stage.CONTACTED,
        None,
        "校际，志愿",
        ("赵会长", "会长", "13971100034", ""),
    ),
    ("湖北大学学生会外联部", S, None, "武昌", Stage.CONTACTED, None, "校际", ("刘部长", "部长", "13971100035", "")),
    ("中南财经政法大学学生会", S, None, "洪山", Stage.PROSPECT, None, "校际", ("", "", "", "")),
    ("洪山区团委", P, None, "洪山", Stage.NEGOTIATING, None, "志愿", ("孟老师", "干事", "13971100037", "")),
    ("武汉市图书馆", P, "书籍文具", "江岸", Stage.CONTACTED, None, "读书节", ("章老师", "活动部", "13971100038", "")),
    ("百果园(南门店)", K, "食品", "校园周边", Stage.LOST, False, "餐饮", ("严店长", "店长", "13971100039", "")),
]

AGENCY = ("速聘兼职中介", "收取学生“报名费”“服装押金”后不安排工作，多名同学反映被骗。")

LESSONS = [
    "先了解商家近期的促销活动，再谈赞助，成功率高很多。",
    "店长没有决定权，要问清楚谁负责市场预算，直接约那个人。",
    "带上往届活动的照片和执行报告，商家更愿意相信我们能落实。",
    "不要承诺横幅挂多久，只写挂在哪里、哪几天。",
    "商家说'再考虑'时，约定一个具体的回访日期，不然就没下文了。",
    "午饭和晚饭高峰时段不要去餐饮店，下午三点左右最合适。",
    "兄弟院校的外联部也缺赞助，可以联合拉赞助、共享资源。",
    "",
    "",
]
NOTES = [
    "介绍了本学期的活动安排，对方对冠名感兴趣。",
    "对方询问了观众人数和宣传渠道，需要补充往届数据。",
    "电话沟通，对方让我们先发方案书到邮箱。",
    "约到了店长面谈，谈了实物赞助的可能。",
    "微信沟通兼职需求，五一需要促销员若干名。",
    "对方表示今年预算紧张，暂不考虑。",
]
NEXT_STEPS = [
    "发送赞助方案书",
    "回访确认赞助金额",
    "带往届执行报告再去一次",
    "确认兼职人数和时间",
    "约市场部经理面谈",
    "把合同草稿发给对方",
]


def _credit_code(index: int) -> str:
    first17 = f"9142011{index:010d}"
    return first17 + credit_code_check_char(first17)


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(stdout=None) -> None:
    people = demo_members()
    leaders = [people["linxiaofeng"], people["chensiyu"]]
    rng = random.Random(2026)
    industries = {industry.name: industry for industry in Industry.objects.all()}
    created = 0
    for index, (name, kind, industry, district, stage, verified, tags, contact) in enumerate(MERCHANTS):
        usernames = INTER_SCHOOL if kind in (S, P) else ENTERPRISE
        owner = people[usernames[index % len(usernames)]]
        merchant, is_new = Merchant.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "industry": industries.get(industry) if industry else None,
                "district": district,
                "address": f"武汉市{district}{name}",
                "phone": f"027{87000000 + index * 137:08d}",
                "owner": owner,
                "stage": Stage.PROSPECT,
                "credit_code": _credit_code(index + 1) if kind in (K, C, E) else "",
                "vetting_status": VettingStatus.VERIFIED if verified else VettingStatus.UNVERIFIED,
                "vetted_by": leaders[index % 2] if verified else None,
                "vetted_at": _at(100, 10) if verified else None,
                "vetting_note": "已查验营业执照与门店实际经营情况。" if verified else "",
            },
        )
        if not is_new:
            continue
        created += 1
        merchant_add_tags(merchant=merchant, tag_names=Tag.names_from(tags))
        contact_name, title, mobile, wechat = contact
        if contact_name:
            Contact.objects.create(
                merchant=merchant, name=contact_name, title=title, mobile=mobile, wechat=wechat, is_primary=True
            )
        _history(merchant, stage, owner, people, rng)
    agency, is_new = Merchant.objects.get_or_create(
        name=AGENCY[0],
        defaults={
            "kind": C,
            "industry": industries.get("其他"),
            "district": "洪山",
            "phone": "13971199999",
            "owner": people["zhaoyiming"],
            "vetting_status": VettingStatus.BLACKLISTED,
            "blacklist_reason": BlacklistReason.FEE_CHARGING,
            "vetting_note": AGENCY[1],
            "vetted_by": people["linxiaofeng"],
            "vetted_at": _at(40, 16),
            "notes": "自称“高薪日结兼职”，要求学生先交钱。",
        },
    )
    if is_new:
        created += 1
        Visit.objects.create(
            merchant=agency,
            visited_at=_at(45, 15),
            method=VisitMethod.IN_PERSON,
            purpose=VisitPurpose.JOBS,
            outcome=VisitOutcome.DECLINED,
            notes="对方要求每位学生先交 200 元“服装押金”。",
            lesson="凡是先向学生收费的兼职一律不合作，并提醒同学们注意。",
            created_by=people["zhaoyiming"],
        ).members.set([people["zhaoyiming"], people["wanghaoran"]])
    _reminder_followups(people["wanghaoran"])
    if stdout:
        stdout.write(f"sponsors: {created} merchants created")


# What the officer of the quick start finds in the bell (and the worker's console e-mails):
# a next step due today and one four days late, whatever the random history gave them.
REMINDER_FOLLOWUPS = [
    (0, "带上赞助方案书再次拜访，确认冠名价格"),
    (-4, "给店长回电话，确认球衣印制的数量和尺码"),
]


def _reminder_followups(officer) -> None:
    merchants = list(
        Merchant.objects.filter(owner=officer).exclude(stage__in=[Stage.LOST, Stage.PARTNER]).order_by("pk")[:2]
    )
    for merchant, (offset, description) in zip(merchants, REMINDER_FOLLOWUPS, strict=False):
        if not FollowUp.objects.filter(merchant=merchant, description=description).exists():
            FollowUp.objects.create(
                merchant=merchant,
                description=description,
                due_on=timezone.localdate() + timedelta(days=offset),
                owner=officer,
            )


def _history(merchant: Merchant, final_stage: str, owner, people, rng: random.Random) -> None:
    """A semester's worth of visits and the stage moves that led to final_stage."""
    path = [Stage.PROSPECT, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.PARTNER]
    if final_stage == Stage.LOST:
        steps = [Stage.CONTACTED, Stage.NEGOTIATING, Stage.LOST]
    else:
        steps = path[1 : path.index(final_stage) + 1]
    if merchant.name in WAVERING:
        # Said yes, then stepped back, twice: its page says 商家反复不定.
        steps = [Stage.CONTACTED, Stage.NEGOTIATING, Stage.CONTACTED, Stage.NEGOTIATING, *steps]
    day = rng.randint(100, 130)
    previous = Stage.PROSPECT
    partner = people[rng.choice(ENTERPRISE + INTER_SCHOOL)]
    visit = None
    for step in steps:
        visit = Visit.objects.create(
            merchant=merchant,
            visited_at=_at(day, rng.choice([10, 14, 15, 16])),
            method=rng.choice(list(VisitMethod.values)[:3]),
            purpose=VisitPurpose.INTER_SCHOOL
            if merchant.kind == S
            else rng.choice([VisitPurpose.SPONSORSHIP, VisitPurpose.JOBS]),
            outcome=VisitOutcome.DECLINED
            if step == Stage.LOST
            else rng.choice([VisitOutcome.INTERESTED, VisitOutcome.AGREED, VisitOutcome.UNDECIDED]),
            notes=rng.choice(NOTES),
            lesson=rng.choice(LESSONS),
            created_by=owner,
        )
        visit.members.set({owner, partner} if rng.random() < 0.4 else {owner})
        StageChange.objects.create(
            merchant=merchant,
            from_stage=previous,
            to_stage=step,
            changed_by=owner,
            reason="说好了又反悔，签约时不再回复。"
            if step == Stage.LOST
            else (WAVERING.get(merchant.name, "") if is_step_back(previous, step) else ""),
            created_at=_at(day, 20),
        )
        FollowUp.objects.create(
            merchant=merchant,
            visit=visit,
            description=rng.choice(NEXT_STEPS),
            due_on=timezone.localdate() - timedelta(days=day - 3),
            owner=owner,
            done_at=_at(day - 3, 18),
            done_by=owner,
        )
        previous = step
        day -= rng.randint(15, 30)
        day = max(day, 2)
    merchant.stage = final_stage
    merchant.save(update_fields=["stage"])
    if final_stage not in (Stage.LOST, Stage.PARTNER) and visit is not None:
        # Open next steps: some overdue, some due today, some coming up.
        offset = rng.choice([-5, -2, 0, 0, 2, 4, 7, 10])
        FollowUp.objects.create(
            merchant=merchant,
            visit=visit,
            description=rng.choice(NEXT_STEPS),
            due_on=timezone.localdate() + timedelta(days=offset),
            owner=owner,
        )

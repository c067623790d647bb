"""Demo data: the seed's May-Day story. 李宁 and 康师傅 each want promotion staff for 五一;
about sixty students applied and sit at every stage of the funnel; last summer's 康师傅
posting is closed with its outcomes and the department's rating. Idempotent: postings are
found by (merchant, title, season), applications by (posting, student number)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from outreach.demo import members
from sponsors.models import Industry, Merchant, VettingStatus

from .models import Application, EmployerRating, Outcome, Posting, PostingStatus, Screening, SeasonKind

LINING = "李宁专卖店(光谷店)"
KSF = "康师傅武汉分公司"
SNACKS = "良品铺子(街道口店)"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "子涵",
    "欣怡",
    "浩宇",
    "雨桐",
    "梓轩",
    "思彤",
    "一诺",
    "佳琪",
    "俊杰",
    "语嫣",
    "宇航",
    "诗涵",
    "明轩",
    "若曦",
    "天佑",
]
CLASSES = ["卫法2401班", "材料2402班", "人文2501班", "卫管2402班", "计算机2401班", "英语2502班"]


def _employer(name: str, industry: str, address: str) -> Merchant:
    merchant = Merchant.objects.filter(name=name).first()
    if merchant is None:
        merchant = Merchant(
            name=name,
            kind="company" if "公司" in name else "shop",
            industry=Industry.objects.filter(name=industry).first(),
            district="洪山区",
            address=address,
        )
        merchant.full_clean()
        merchant.save()
    if merchant.vetting_status != VettingStatus.VERIFIED:
        # The demo's employers are vetted; the sponsors demo may have made them first.
        merchant.vetting_status = VettingStatus.VERIFIED
        merchant.vetted_at = timezone.now()
        merchant.vetting_note = merchant.vetting_note or "营业执照与门店核实无误，岗位不向学生收费。"
        merchant.blacklist_reason = ""
        merchant.save()
    return merchant


def _posting(merchant: Merchant, title: str, season: str, **fields) -> Posting:
    posting, _created = Posting.objects.get_or_create(merchant=merchant, title=title, season=season, defaults=fields)
    return posting


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]


def _applications(posting: Posting, first: int, plan: list[tuple[str, int]], people: dict) -> int:
    """plan: (stage, how many) in funnel order. Returns how many were created."""
    screeners = [people["wanghaoran"], people["lixue"], people["zhaoyiming"]]
    sender = people["chensiyu"]
    now = timezone.now()
    created = 0
    n = first
    for stage, count in plan:
        for _i in range(count):
            n += 1
            defaults = {
                "name": _name(n),
                "class_major": CLASSES[n % len(CLASSES)],
                "mobile": f"1357100{n:04d}",
                "availability": "三天全天" if n % 4 else "只有前两天",
                "note": "做过超市促销" if n % 3 == 0 else "",
                "consent": True,
                "share_mobile": n % 5 != 0,
                "gender": ("female" if n % 2 else "male") if posting.asks_gender else "",
            }
            if stage != "applied":
                defaults.update(
                    screening=Screening.FAILED if stage == "failed" else Screening.PASSED,
                    screened_by=screeners[n % 3],
                    screened_at=now - datetime.timedelta(days=2, hours=n % 7),
                    criteria_met=posting.criteria_list[: 1 if stage == "failed" else len(posting.criteria_list)],
                    screening_note="身高不符合要求" if stage == "failed" else "形象好，沟通顺畅",
                )
            if stage in ("sent", "hired", "not_hired", "worked", "no_show"):
                defaults.update(sent_at=now - datetime.timedelta(days=1), sent_by=sender)
            if stage in ("hired", "worked", "no_show"):
                defaults["outcome"] = Outcome.HIRED
            if stage == "not_hired":
                defaults.update(outcome=Outcome.NOT_HIRED, employer_feedback="名额已满")
            if stage == "worked":
                defaults.update(worked=True, employer_feedback="积极主动，明年还想要")
            if stage == "no_show":
                defaults.update(worked=False, employer_feedback="第二天未到岗")
            _app, was_created = Application.objects.get_or_create(
                posting=posting, student_number=f"2025{n:06d}", defaults=defaults
            )
            created += was_created
    return created


def seed(stdout=None) -> None:
    people = members()
    today = timezone.localdate()
    lining = _employer(LINING, "服饰", "洪山区光谷步行街3号")
    ksf = _employer(KSF, "食品", "东湖高新区关山大道1号")
    # Relative to today so the demo's 五一 postings are always open and current.
    start = today + datetime.timedelta(days=21)

    lining_post = _posting(
        lining,
        "五一促销员",
        SeasonKind.MAY_DAY,
        description="在门店及步行街展位协助五一促销：迎宾、讲解新品、发放传单。",
        work_start=start,
        work_end=start + datetime.timedelta(days=2),
        place="洪山区光谷步行街李宁专卖店",
        pay_amount=Decimal("150.00"),
        pay_unit="day",
        headcount=6,
        criteria="三天全勤\n身高160cm以上\n普通话标准\n有促销经验者优先",
        deadline=start - datetime.timedelta(days=7),
        interview_at=timezone.make_aware(
            datetime.datetime.combine(start - datetime.timedelta(days=5), datetime.time(14))
        ),
        interview_place="李宁专卖店二楼会议室",
        status=PostingStatus.OPEN,
        created_by=people["chensiyu"],
        published_at=timezone.now() - datetime.timedelta(days=5),
    )
    ksf_post = _posting(
        ksf,
        "五一超市试吃促销员",
        SeasonKind.MAY_DAY,
        description="在中百、武商超市的康师傅试吃台做促销，包工作餐。",
        work_start=start,
        work_end=start + datetime.timedelta(days=2),
        place="武昌区各大超市(分配就近门店)",
        pay_amount=Decimal("18.00"),
        pay_unit="hour",
        headcount=8,
        criteria="三天全勤\n普通话标准\n能站立工作8小时",
        asks_gender=False,
        deadline=start - datetime.timedelta(days=7),
        interview_at=timezone.make_aware(
            datetime.datetime.combine(start - datetime.timedelta(days=4), datetime.time(10))
        ),
        interview_place="康师傅武汉分公司一楼",
        status=PostingStatus.OPEN,
        created_by=people["chensiyu"],
        published_at=timezone.now() - datetime.timedelta(days=6),
    )
    summer_start = datetime.date(today.year - 1, 7, 10)
    summer_post = _posting(
        ksf,
        "暑期门店理货员",
        SeasonKind.SUMMER,
        description="暑期在康师傅经销门店理货、盘点。",
        work_start=summer_start,
        work_end=summer_start + datetime.timedelta(days=30),
        place="武汉各经销门店",
        pay_amount=Decimal("120.00"),
        pay_unit="day",
        headcount=5,
        criteria="暑假留校一个月\n能搬运轻型货物",
        deadline=summer_start - datetime.timedelta(days=10),
        status=PostingStatus.CLOSED,
        created_by=people["linxiaofeng"],
        published_at=timezone.make_aware(
            datetime.datetime.combine(summer_start - datetime.timedelta(days=30), datetime.time(9))
        ),
    )

    # An employer of an earlier season with nothing running now: the home page suggests
    # calling it again before the coming season.
    snacks = _employer(SNACKS, "食品", "洪山区街道口珞珈创意城1楼")
    national_day = datetime.date(today.year - 1, 10, 1)
    snacks_post = _posting(
        snacks,
        "国庆门店导购",
        SeasonKind.NATIONAL_DAY,
        description="国庆黄金周门店导购、试吃。",
        work_start=national_day,
        work_end=national_day + datetime.timedelta(days=4),
        place="洪山区街道口良品铺子",
        pay_amount=Decimal("20.00"),
        pay_unit="hour",
        headcount=3,
        criteria="五天全勤\n普通话标准",
        deadline=national_day - datetime.timedelta(days=10),
        status=PostingStatus.FILLED,
        created_by=people["chensiyu"],
        published_at=timezone.make_aware(
            datetime.datetime.combine(national_day - datetime.timedelta(days=25), datetime.time(9))
        ),
    )
    created = _applications(snacks_post, 300, [("failed", 2), ("not_hired", 1), ("worked", 3)], people)
    created += _applications(
        lining_post,
        0,
        [("applied", 10), ("failed", 6), ("passed", 5), ("sent", 4), ("hired", 3), ("not_hired", 2)],
        people,
    )
    created += _applications(
        ksf_post,
        100,
        [("applied", 12), ("failed", 4), ("passed", 6), ("sent", 5), ("hired", 2), ("not_hired", 1)],
        people,
    )
    created += _applications(
        summer_post,
        200,
        [("failed", 3), ("passed", 2), ("not_hired", 3), ("worked", 4), ("no_show", 1)],
        people,
    )
    _rating, rated = EmployerRating.objects.get_or_create(
        merchant=ksf,
        posting=summer_post,
        member=people["linxiaofeng"],
        defaults={"score": 4, "comment": "工资按时结算，现场有人带；录取率62%，推荐人数可以再精准些。"},
    )
    EmployerRating.objects.get_or_create(
        merchant=snacks,
        posting=snacks_post,
        member=people["chensiyu"],
        defaults={"score": 5, "comment": "录取率高，当天结算工资，学生反馈很好。"},
    )
    if stdout:
        stdout.write(f"jobs: {created} applications, {int(rated)} rating created")

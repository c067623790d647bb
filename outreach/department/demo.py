"""Demo record of the department for this semester: five training sessions, weekly meetings
with experience shares, an assignment with submissions, a manual score adjustment.
Idempotent: rows are found by natural keys (title and date, member)."""

from datetime import timedelta

from django.utils import timezone

from sponsors.models import Merchant

from ..demo import members
from ..models import (
    Assignment,
    AttendanceStatus,
    DepartmentProfile,
    ExperienceShare,
    Meeting,
    MeetingAttendance,
    ScoreAdjustment,
    Submission,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)
from . import services
from .services import semester_current

TRAININGS = [
    ("外联部工作介绍与礼仪", TrainingKind.LECTURE, "林晓峰", "学生活动中心 201"),
    ("如何写赞助方案书", TrainingKind.LECTURE, "陈思雨", "学生活动中心 201"),
    ("模拟商家洽谈", TrainingKind.PRACTICE, "林晓峰", "学生活动中心 203"),
    ("跟随老部员拜访商业街", TrainingKind.FIELD_TRIP, "陈思雨", "南门商业街"),
    ("兼职信息核查与防骗", TrainingKind.LECTURE, "黄立新", "学生活动中心 201"),
]

# member, topic, what happened, lesson, tags, merchant name hint
SHARES = [
    (
        "wanghaoran",
        "服饰店谈赞助先看店面规模",
        "去南门一家服饰店谈迎新晚会赞助，店主说要问总部，一周后没了下文。",
        "连锁服饰店的决定权在总部，先问清楚谁能拍板，再准备方案；个体店老板当场就能定。",
        "服饰 赞助 决策人",
        "服饰",
    ),
    (
        "lixue",
        "签约前把权益写具体",
        "排球赛的合同里写了“若干横幅”，比赛当天商家嫌少，差点要求退款。",
        "合同里每项权益写清数量、尺寸、位置和日期，不承诺挂多久。",
        "合同 权益 排球赛",
        "",
    ),
    (
        "zhaoyiming",
        "兼职岗位要先核查",
        "一家“文化传播公司”招兼职，要求学生先交 200 元培训费。",
        "凡是先收学生钱的兼职一律拉黑，上报资质核查。",
        "兼职 核查 黑名单",
        "",
    ),
    (
        "liujiayi",
        "联谊晚会的场地提前两周定",
        "和兄弟院校合办晚会，场地被其他社团先订走了。",
        "校际活动先定场地和时间，再谈节目；双方各出一名负责人对接。",
        "校际 晚会 场地",
        "",
    ),
    (
        "zhouzihan",
        "饮品店喜欢实物赞助",
        "奶茶店不愿出现金，但愿意提供 200 杯饮品作为奖品。",
        "餐饮类商家优先谈实物赞助，并约好领取时间和地点。",
        "餐饮 实物赞助",
        "餐饮",
    ),
    (
        "sunyue",
        "拜访前先电话预约",
        "下午三点去书店，老板在进货，没时间谈。",
        "先打电话约时间，避开商家忙的时段（饭点、进货）。",
        "拜访 预约 书籍文具",
        "书籍",
    ),
]

OFFICERS = ["wanghaoran", "lixue", "zhaoyiming", "liujiayi", "zhouzihan", "sunyue"]
LEADERS = ["linxiaofeng", "chensiyu"]


def _status(i: int, j: int) -> str:
    """A believable spread: mostly present, some late, the odd absence."""
    k = (i * 7 + j * 3) % 13
    if k == 0:
        return AttendanceStatus.ABSENT
    if k in (1, 5):
        return AttendanceStatus.LATE
    if k == 9:
        return AttendanceStatus.EXCUSED
    return AttendanceStatus.PRESENT


def _merchant_for(hint: str):
    if not hint:
        return None
    return (
        Merchant.objects.filter(industry__name__contains=hint).order_by("pk").first()
        or Merchant.objects.filter(name__contains=hint).order_by("pk").first()
    )


PROFILE = {
    "party_name": "华中示范大学学生会",
    "party_authority": "共青团华中示范大学委员会",
    "party_address": "湖北省武汉市洪山区珞喻路 152 号 大学生活动中心 305 室",
    "department_name": "校学生会外联部",
    "contact_name": "林晓峰",
    "contact_phone": "027-87651234",
    "contact_email": "waillian@example.edu.cn",
    "payee_name": "华中示范大学",
    "payee_bank": "中国工商银行武汉珞喻路支行",
    "payee_account": "3202002109024567812",
}


def seed(stdout=None) -> None:
    if not DepartmentProfile.objects.exists():
        services.department_profile_save(fields=PROFILE, expected_version=None)
    people = members()
    department = [people[u] for u in LEADERS + OFFICERS if u in people]
    if not department:
        return
    semester = semester_current()
    today = timezone.localdate()

    def in_term(days_ago: int):
        return max(semester.start_date, min(today - timedelta(days=days_ago), semester.end_date))

    for i, (title, kind, speaker, place) in enumerate(TRAININGS):
        session, created = TrainingSession.objects.get_or_create(
            title=title,
            defaults={"date": in_term(7 * (len(TRAININGS) - i) + 2), "kind": kind, "speaker": speaker, "place": place},
        )
        if created:
            for j, member in enumerate(department):
                TrainingAttendance.objects.create(session=session, member=member, status=_status(i, j))

    for week in range(6):
        date = in_term(7 * (6 - week))
        meeting, created = Meeting.objects.get_or_create(
            title=f"第 {week + 1} 周例会",
            date=date,
            defaults={"place": "学生活动中心 201", "minutes": "各组汇报本周拜访与跟进；部长布置下周任务。"},
        )
        if created:
            for j, member in enumerate(department):
                MeetingAttendance.objects.create(meeting=meeting, member=member, status=_status(week + 3, j))
        username, topic, happened, lesson, tags, hint = SHARES[week]
        if username in people:
            ExperienceShare.objects.get_or_create(
                member=people[username],
                topic=topic,
                defaults={
                    "meeting": meeting,
                    "what_happened": happened,
                    "lesson": lesson,
                    "tags": tags,
                    "merchant": _merchant_for(hint),
                },
            )

    minister = people.get("linxiaofeng")
    if minister is None:
        return
    assignment, _created = Assignment.objects.get_or_create(
        title="每人写一份活动策划",
        defaults={
            "description": "为下学期的一项活动写策划：目标、预算、需要的赞助与宣传权益。",
            "due_date": in_term(5),
            "created_by": minister,
        },
    )
    for j, username in enumerate(OFFICERS[:4]):
        if username not in people:
            continue
        Submission.objects.get_or_create(
            assignment=assignment,
            member=people[username],
            defaults={
                "text": "活动：校园二手书集市。目标：300 人参与；预算 800 元；赞助：书店与文具店实物赞助。",
                "submitted_on": assignment.due_date - timedelta(days=1),
                "score": 90 - 5 * j if j < 3 else None,
                "comment": "目标清晰，预算再细一些。" if j < 3 else "",
                "reviewed_by": minister if j < 3 else None,
                "reviewed_at": timezone.now() if j < 3 else None,
            },
        )
    if "wanghaoran" in people:
        ScoreAdjustment.objects.get_or_create(
            semester=semester,
            member=people["wanghaoran"],
            reason="主动联系到迎新晚会冠名商家",
            defaults={"points": 3, "created_by": minister},
        )

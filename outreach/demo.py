"""Demo department from the seed document: a minister, a vice-minister, six officers in two
groups (校企组 and 校际组) and an advisor. Idempotent: people are found by username."""

from django.contrib.auth import get_user_model

from .models import Direction, Member, Team
from .roles import Role
from .services import member_create, member_set_role

DEMO_PASSWORD = "outreach2026"

TEAMS = [
    ("校企组", "Enterprise group", Direction.ENTERPRISE, "与商家、企业合作：赞助与兼职。"),
    ("校际组", "Inter-school group", Direction.INTER_SCHOOL, "与兄弟院校学生组织联络：联谊、晚会、联合招新。"),
]

# username, name, role, team, direction, student number, class/major, mobile
PEOPLE = [
    ("linxiaofeng", "林晓峰", Role.MINISTER, None, Direction.ENTERPRISE, "2023010101", "材料2301班", "13871000001"),
    ("chensiyu", "陈思雨", Role.VICE_MINISTER, None, Direction.INTER_SCHOOL, "2023010202", "人文2302班", "13871000002"),
    ("wanghaoran", "王浩然", Role.OFFICER, "校企组", Direction.ENTERPRISE, "2024020101", "卫法2401班", "13871000011"),
    ("lixue", "李雪", Role.OFFICER, "校企组", Direction.ENTERPRISE, "2024020102", "卫法2401班", "13871000012"),
    ("zhaoyiming", "赵一鸣", Role.OFFICER, "校企组", Direction.ENTERPRISE, "2024020103", "卫管2402班", "13871000013"),
    ("liujiayi", "刘佳怡", Role.OFFICER, "校际组", Direction.INTER_SCHOOL, "2024020104", "卫法2401班", "13871000014"),
    ("zhouzihan", "周子涵", Role.OFFICER, "校际组", Direction.INTER_SCHOOL, "2024020105", "材料2402班", "13871000015"),
    ("sunyue", "孙悦", Role.OFFICER, "校际组", Direction.INTER_SCHOOL, "2024020106", "人文2401班", "13871000016"),
    ("huanglaoshi", "黄立新", Role.ADVISOR, None, "", "", "团委", "13871000020"),
]


def seed(stdout=None) -> list[tuple[str, str, str]]:
    """Create the department; returns (username, name, role label) for the login table."""
    teams = {}
    for name, name_en, direction, description in TEAMS:
        teams[name], _created = Team.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "direction": direction, "description": description}
        )
    User = get_user_model()
    logins = []
    for username, name, role, team, direction, student_number, class_major, mobile in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            member_create(
                username=username,
                display_name=name,
                role=role,
                password=DEMO_PASSWORD,
                email=f"{username}@example.edu.cn",
                team=teams.get(team),
                direction=direction,
                student_number=student_number,
                class_major=class_major,
                mobile=mobile,
            )
        else:
            member_set_role(member=Member.objects.get(user=user), role=role)
        logins.append((username, name, Role(role).label))
    return logins


def members() -> dict[str, Member]:
    """The demo members by username, for the other apps' demo data."""
    return {m.user.username: m for m in Member.objects.select_related("user")}

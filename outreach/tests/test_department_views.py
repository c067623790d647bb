"""Every department page for the four roles and an outsider, and the query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import AttendanceStatus, Meeting, MeetingAttendance, Member, ScoreRule, TrainingAttendance
from outreach.roles import Role
from outreach.tests.department_factories import (
    AssignmentFactory,
    CandidateFactory,
    ExperienceShareFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    SemesterFactory,
    SubmissionFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)
from outreach.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ROLES = ["officer", "vice_minister", "minister", "advisor"]


@pytest.fixture
def record(officer):
    SemesterFactory()
    meeting = MeetingFactory()
    share = ExperienceShareFactory(meeting=meeting, member=officer)
    session = TrainingSessionFactory()
    assignment = AssignmentFactory(created_by=officer)
    candidate = CandidateFactory()
    return {"meeting": meeting, "share": share, "session": session, "assignment": assignment, "candidate": candidate}


def _read_urls(record, officer):
    return [
        reverse("outreach:member-list"),
        reverse("outreach:member-detail", args=[officer.pk]),
        reverse("outreach:semester-list"),
        reverse("outreach:candidate-list"),
        reverse("outreach:candidate-detail", args=[record["candidate"].pk]),
        reverse("outreach:training-list"),
        reverse("outreach:training-detail", args=[record["session"].pk]),
        reverse("outreach:meeting-list"),
        reverse("outreach:meeting-detail", args=[record["meeting"].pk]),
        reverse("outreach:experience-list"),
        reverse("outreach:assignment-list"),
        reverse("outreach:assignment-detail", args=[record["assignment"].pk]),
        reverse("outreach:score-ranking"),
        reverse("outreach:score-rules"),
        reverse("outreach:score-breakdown", args=[officer.pk]),
        reverse("outreach:interschool"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_department_pages(request, client_for, record, officer, role):
    client = client_for(request.getfixturevalue(role))
    for url in _read_urls(record, officer):
        assert client.get(url).status_code == 200, url


def test_outsider_gets_403_on_every_department_page(client_for, record, officer, outsider):
    client = client_for(outsider)
    for url in _read_urls(record, officer) + [reverse("outreach:handover"), reverse("outreach:training-create")]:
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, record, officer):
    for url in _read_urls(record, officer):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_navigation_shows_the_department(client_for, officer):
    assert "部门" in client_for(officer).get("/").content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"), [("officer", False), ("vice_minister", False), ("advisor", False), ("minister", True)]
)
def test_only_the_minister_edits_roles(request, client_for, officer, role, allowed):
    actor = request.getfixturevalue(role)
    target = MemberFactory(role=Role.OFFICER)
    response = client_for(actor).post(
        reverse("outreach:member-edit", args=[target.pk]),
        {"role": Role.VICE_MINISTER, "team": "", "direction": "enterprise", "is_active": "on"},
    )
    target.refresh_from_db()
    assert (response.status_code == 302) is allowed
    assert (target.role_label == "副部长") is allowed


@pytest.mark.parametrize(
    ("role", "allowed"), [("officer", False), ("vice_minister", False), ("advisor", False), ("minister", True)]
)
def test_only_the_minister_edits_score_rules(request, client_for, role, allowed):
    rule = ScoreRule.objects.get(metric="visit")
    response = client_for(request.getfixturevalue(role)).post(
        reverse("outreach:score-rules") + f"?edit={rule.pk}", {"metric": "visit", "points": "3", "active": "on"}
    )
    rule.refresh_from_db()
    assert (rule.points == 3) is allowed
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.parametrize(
    ("role", "allowed"), [("officer", False), ("vice_minister", False), ("advisor", False), ("minister", True)]
)
def test_only_the_minister_adjusts_scores(request, client_for, officer, role, allowed):
    semester = SemesterFactory()
    client_for(request.getfixturevalue(role)).post(
        reverse("outreach:score-adjustment-create") + f"?semester={semester.pk}",
        {"member": officer.pk, "points": "2", "reason": "主动加班布置会场"},
    )
    assert officer.score_adjustments.exists() is allowed


def test_officer_sees_own_breakdown_but_not_a_colleagues(client_for, officer):
    colleague = MemberFactory(role=Role.OFFICER)
    client = client_for(officer)
    assert client.get(reverse("outreach:score-breakdown", args=[officer.pk])).status_code == 200
    assert client.get(reverse("outreach:score-breakdown", args=[colleague.pk])).status_code == 403
    assert client.get(reverse("outreach:score-ranking")).status_code == 200


@pytest.mark.parametrize("role", ["vice_minister", "minister", "advisor"])
def test_leaders_and_advisor_see_anyones_breakdown(request, client_for, officer, role):
    response = client_for(request.getfixturevalue(role)).get(reverse("outreach:score-breakdown", args=[officer.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "allowed"), [("officer", False), ("advisor", False), ("vice_minister", True), ("minister", True)]
)
def test_leaders_record_meetings_and_training(request, client_for, role, allowed):
    client = client_for(request.getfixturevalue(role))
    today = timezone.localdate().isoformat()
    response = client.post(reverse("outreach:meeting-create"), {"title": "第九周例会", "date": today})
    assert Meeting.objects.filter(title="第九周例会").exists() is allowed
    assert response.status_code == (302 if allowed else 403)
    response = client.post(reverse("outreach:training-create"), {"title": "礼仪培训", "date": today, "kind": "lecture"})
    assert response.status_code == (302 if allowed else 403)


def test_officer_adds_own_share_but_advisor_cannot(client_for, officer, advisor):
    meeting = MeetingFactory()
    data = {"member": officer.pk, "topic": "先约时间", "lesson": "先打电话约时间", "tags": "拜访"}
    assert (
        client_for(advisor).post(reverse("outreach:meeting-share-create", args=[meeting.pk]), data).status_code == 403
    )
    response = client_for(officer).post(reverse("outreach:meeting-share-create", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert meeting.shares.get().member == officer


def test_officer_cannot_log_a_share_in_a_colleagues_name(client_for, officer):
    colleague = MemberFactory(role=Role.OFFICER)
    meeting = MeetingFactory()
    data = {"member": colleague.pk, "topic": "冒名", "lesson": "不该成功"}
    response = client_for(officer).post(reverse("outreach:meeting-share-create", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert not meeting.shares.exists()


def test_meeting_attendance_and_minutes_are_saved(client_for, vice_minister, officer):
    meeting = MeetingFactory()
    response = client_for(vice_minister).post(
        reverse("outreach:meeting-detail", args=[meeting.pk]),
        {"minutes": "讨论迎新晚会赞助。", f"m{officer.pk}": "absent", f"m{vice_minister.pk}": "present"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "讨论迎新晚会赞助。"
    assert MeetingAttendance.objects.get(meeting=meeting, member=officer).status == "absent"


def test_training_attendance_is_saved_and_changed(client_for, minister, officer):
    session = TrainingSessionFactory()
    url = reverse("outreach:training-detail", args=[session.pk])
    client = client_for(minister)
    client.post(url, {f"m{officer.pk}": "late"})
    client.post(url, {f"m{officer.pk}": "excused"})
    assert TrainingAttendance.objects.get(session=session, member=officer).status == "excused"


def test_experience_library_finds_shares_by_industry_word(client_for, officer):
    ExperienceShareFactory(topic="服饰店谈赞助", lesson="先找能拍板的人", tags="服饰")
    ExperienceShareFactory(topic="奶茶店实物赞助", lesson="约好领取时间", tags="餐饮")
    page = client_for(officer).get(reverse("outreach:experience-list"), {"q": "服饰"}).content.decode()
    assert "服饰店谈赞助" in page
    assert "奶茶店实物赞助" not in page
    page = client_for(officer).get(reverse("outreach:experience-list"), {"tag": "餐饮"}).content.decode()
    assert "奶茶店实物赞助" in page and "服饰店谈赞助" not in page


def test_assignment_page_shows_who_has_not_submitted(client_for, minister):
    submitted = MemberFactory(role=Role.OFFICER, display_name="已交")
    MemberFactory(role=Role.OFFICER, display_name="没交")
    assignment = AssignmentFactory(created_by=minister)
    SubmissionFactory(assignment=assignment, member=submitted)
    page = client_for(minister).get(assignment.get_absolute_url()).content.decode()
    missing_part = page.split('data-testid="missing"')[1].split("</p>")[0]
    assert "没交" in missing_part and "已交" not in missing_part


def test_officer_submits_and_minister_reviews(client_for, officer, minister):
    assignment = AssignmentFactory(created_by=minister, max_score=100)
    response = client_for(officer).post(assignment.get_absolute_url(), {"text": "二手书集市策划"})
    assert response.status_code == 302
    submission = assignment.submissions.get(member=officer)
    assert (
        client_for(officer).post(reverse("outreach:submission-review", args=[submission.pk]), {"score": 99}).status_code
        == 403
    )
    client_for(minister).post(
        reverse("outreach:submission-review", args=[submission.pk]), {"score": 88, "comment": "好"}
    )
    submission.refresh_from_db()
    assert (submission.score, submission.reviewed_by) == (88, minister)
    assert officer.notifications.filter(key=f"submission-reviewed:{submission.pk}").exists()


def test_only_the_minister_sets_assignments(client_for, vice_minister, minister):
    data = {"title": "每人写一份活动策划", "due_date": timezone.localdate().isoformat(), "max_score": 100}
    assert client_for(vice_minister).post(reverse("outreach:assignment-list"), data).status_code == 403
    assert client_for(minister).post(reverse("outreach:assignment-list"), data).status_code == 302


def test_member_page_shows_this_semesters_numbers(client_for, officer):
    SemesterFactory()
    MeetingAttendanceFactory(member=officer, status=AttendanceStatus.ABSENT)
    TrainingAttendanceFactory(member=officer, status=AttendanceStatus.PRESENT)
    page = client_for(officer).get(officer.get_absolute_url()).content.decode()
    assert 'data-metric="meeting_absent"' in page
    assert "-1" in page  # the score, from the meeting-absence rule


# --- Query counts on dozens of rows


@pytest.fixture
def busy_department(minister):
    SemesterFactory()
    members = MemberFactory.create_batch(30)
    meetings = [MeetingFactory(date=timezone.localdate() - datetime.timedelta(days=7 * i)) for i in range(5)]
    for i, member in enumerate(members):
        for meeting in meetings:
            MeetingAttendanceFactory(meeting=meeting, member=member, status="absent" if i % 5 == 0 else "present")
        ExperienceShareFactory(meeting=meetings[i % 5], member=member, tags="服饰 赞助")
        TrainingAttendanceFactory(member=member)
    assignment = AssignmentFactory(created_by=minister)
    for member in members[:20]:
        SubmissionFactory(assignment=assignment, member=member)
    return {"members": members, "meeting": meetings[0], "assignment": assignment}


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("member-list", 12),
        ("training-list", 12),
        ("meeting-list", 12),
        ("experience-list", 12),
        ("assignment-list", 12),
        ("score-ranking", 30),
        ("candidate-list", 12),
        ("interschool", 12),
    ],
)
def test_lists_have_a_fixed_number_of_queries(
    client_for, minister, busy_department, django_assert_max_num_queries, name, limit
):
    CandidateFactory.create_batch(20)
    client = client_for(minister)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(f"outreach:{name}")).status_code == 200


def test_detail_pages_have_a_fixed_number_of_queries(
    client_for, minister, busy_department, django_assert_max_num_queries
):
    client = client_for(minister)
    member = busy_department["members"][0]
    for url, limit in [
        (reverse("outreach:meeting-detail", args=[busy_department["meeting"].pk]), 20),
        (busy_department["assignment"].get_absolute_url(), 15),
        (member.get_absolute_url(), 30),
        (reverse("outreach:score-breakdown", args=[member.pk]), 25),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_member_list_lists_everyone(client_for, officer):
    assert Member.objects.count() >= 1
    assert officer.display_name in client_for(officer).get(reverse("outreach:member-list")).content.decode()


def test_member_list_comes_50_a_page_those_in_office_first(client_for, officer, django_assert_max_num_queries):
    from outreach.department.queries import MEMBERS_PER_PAGE

    for n in range(MEMBERS_PER_PAGE + 5):
        MemberFactory(is_active=False, display_name=f"往届{n:03d}")
    client = client_for(officer)
    url = reverse("outreach:member-list")
    with django_assert_max_num_queries(12):
        first = client.get(url).content.decode()
    row = f'<td><a href="{officer.get_absolute_url()}">{officer.display_name}</a></td>'
    assert row in first
    assert first.count('<tr class="') == MEMBERS_PER_PAGE
    assert "第 1 / 2 页" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert row not in second
    assert "往届054" in second


def test_training_materials_are_uploaded(client_for, vice_minister, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outreach.models import TrainingSession
    from outreach.tests.files import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    response = client_for(vice_minister).post(
        reverse("outreach:training-create"),
        {
            "title": "如何写赞助方案书",
            "date": timezone.localdate().isoformat(),
            "kind": "lecture",
            "speaker": "陈思雨",
            "materials": SimpleUploadedFile("方案书模板.pdf", pdf_bytes(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get(title="如何写赞助方案书")
    assert session.materials.read() == pdf_bytes()
    assert "培训材料" in client_for(vice_minister).get(session.get_absolute_url()).content.decode()


def test_current_semester_comes_from_todays_date():
    from outreach.department.services import semester_current

    semester = semester_current()
    today = timezone.localdate()
    assert semester.start_date <= today <= semester.end_date
    assert semester_current() == semester


@pytest.mark.parametrize(("role", "allowed"), [("officer", False), ("vice_minister", False), ("minister", True)])
def test_only_the_minister_creates_groups(request, client_for, role, allowed):
    from outreach.models import Team

    response = client_for(request.getfixturevalue(role)).post(
        reverse("outreach:member-list"), {"name": "宣传对接组", "direction": "enterprise"}
    )
    assert response.status_code == (302 if allowed else 403)
    assert Team.objects.filter(name="宣传对接组").exists() is allowed


def test_minister_sees_the_handover_page_with_the_registered_transfers(client_for, minister):
    from outreach import contributions

    page = client_for(minister).get(reverse("outreach:handover")).content.decode()
    for handover in contributions.HANDOVERS.values():
        assert str(handover.label) in page

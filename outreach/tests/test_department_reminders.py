from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.department import services
from outreach.department.tasks import send_department_reminders
from outreach.models import Notification

pytestmark = pytest.mark.django_db


def _unread(member) -> list[str]:
    return list(Notification.objects.unread().filter(recipient=member).values_list("title", flat=True))


def test_an_assignment_due_in_two_days_reminds_only_those_who_have_not_submitted(officer, minister):
    from outreach.roles import Role
    from outreach.tests.factories import MemberFactory

    diligent = MemberFactory(role=Role.OFFICER)
    due = timezone.localdate() + timedelta(days=2)
    assignment = services.assignment_create(title="拜访记录写法", due_date=due, created_by=minister)
    services.submission_save(assignment=assignment, member=diligent, text="已完成")
    Notification.objects.filter(key__startswith="assignment:").update(read_at=timezone.now())

    assert send_department_reminders.delay().get() == 1
    assert send_department_reminders.delay().get() == 0
    assert _unread(officer) == [f"作业将于 {due.year}年{due.month}月{due.day}日 截止：拜访记录写法"]
    assert _unread(diligent) == []
    assert _unread(minister) == []

    services.submission_save(assignment=assignment, member=officer, text="补交")
    assert _unread(officer) == []


def test_a_meeting_tomorrow_reminds_the_members_expected_and_is_resolved_once_past(
    officer, vice_minister, minister, advisor
):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    meeting = services.meeting_create(title="第十二周例会", date=tomorrow, place="学生活动中心 302")
    session = services.training_session_create(title="拜访礼仪", date=tomorrow, kind="lecture", place="302")
    assert services.gathering_reminders_send(today=today) == 4  # meeting ×3, training for the officer
    assert services.gathering_reminders_send(today=today) == 0
    day = f"{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日"
    assert sorted(_unread(officer)) == sorted([f"例会提醒：第十二周例会（{day}）", f"培训提醒：拜访礼仪（{day}）"])
    assert _unread(minister) == [f"例会提醒：第十二周例会（{day}）"]
    assert _unread(advisor) == []
    body = Notification.objects.get(recipient=officer, topic=f"meeting:{meeting.pk}").body
    assert "学生活动中心 302" in body

    services.gathering_reminders_send(today=tomorrow + timedelta(days=1))
    assert _unread(officer) == [] and _unread(minister) == []
    assert session.pk

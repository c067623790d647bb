import datetime
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from jobs import services
from jobs.models import PostingStatus, Screening
from jobs.tasks import send_jobs_reminders
from outreach.models import Direction, Notification
from outreach.roles import Role
from outreach.tests.factories import MemberFactory

from .factories import ApplicationFactory, PostingFactory

pytestmark = pytest.mark.django_db


def _unread(member) -> list[str]:
    return list(Notification.objects.unread().filter(recipient=member).values_list("title", flat=True))


def test_the_publisher_hears_once_that_a_posting_closes_in_two_days(officer, minister):
    posting = PostingFactory(
        created_by=officer,
        title="五一促销员",
        merchant__name="李宁专卖店",
        deadline=timezone.localdate() + timedelta(days=2),
    )
    PostingFactory(created_by=officer, deadline=timezone.localdate() + timedelta(days=9))  # not yet
    assert services.posting_closing_reminders_send() == 1
    assert services.posting_closing_reminders_send() == 0
    assert _unread(officer) == [
        f"兼职报名将于 {posting.deadline.year}年{posting.deadline.month}月{posting.deadline.day}日 截止：五一促销员（李宁专卖店）"
    ]
    assert _unread(minister) == []
    services.posting_set_status(posting=posting, status=PostingStatus.FILLED, member=minister)
    assert _unread(officer) == []


def test_applications_waiting_for_screening_remind_the_publisher_until_screened(officer, minister):
    posting = PostingFactory(created_by=officer, title="暑期工", merchant__name="康师傅")
    old = [ApplicationFactory(posting=posting) for _ in range(2)]
    ApplicationFactory(posting=posting)  # fresh: not waiting long
    from jobs.models import Application

    Application.objects.filter(pk__in=[a.pk for a in old]).update(created_at=timezone.now() - timedelta(days=3))

    assert services.screening_reminders_send() == 1
    assert services.screening_reminders_send() == 0
    assert _unread(officer) == ["2 份报名等待初试：暑期工（康师傅）"]

    services.application_screen(application=old[0], member=officer, passed=True, criteria_met=[])
    assert len(_unread(officer)) == 1  # one still waits
    services.application_screen(application=old[1], member=officer, passed=False, criteria_met=[])
    assert _unread(officer) == []
    assert Application.objects.filter(screening=Screening.PENDING).count() == 1


def test_a_seasons_outreach_start_reaches_the_minister_and_the_jobs_group_with_employers_to_call(minister):
    jobs_officer = MemberFactory(role=Role.OFFICER, direction=Direction.ENTERPRISE)
    other_officer = MemberFactory(role=Role.OFFICER, direction=Direction.INTER_SCHOOL)
    today = datetime.date(2027, 5, 20)  # summer outreach starts on 1 June
    PostingFactory(
        merchant__name="光谷肯德基",
        merchant__phone="02787000001",
        status=PostingStatus.CLOSED,
        work_start=datetime.date(2026, 7, 10),
        work_end=datetime.date(2026, 8, 20),
        deadline=datetime.date(2026, 7, 1),
    )
    assert services.season_outreach_reminders_send(today=today) == 2
    assert services.season_outreach_reminders_send(today=today) == 0
    for member in (minister, jobs_officer):
        notification = Notification.objects.get(recipient=member)
        assert notification.title == "暑假兼职外联将于 2027年6月1日 开始"
        assert "光谷肯德基（02787000001）" in notification.body
        with translation.override("en"):
            assert "· 光谷肯德基 (02787000001)" in notification.shown_body  # the name as it is, English brackets
    assert _unread(other_officer) == []


def test_the_jobs_scan_runs_from_beat(officer):
    PostingFactory(created_by=officer, deadline=timezone.localdate())
    assert send_jobs_reminders.delay().get() >= 1
    assert send_jobs_reminders.delay().get() == 0

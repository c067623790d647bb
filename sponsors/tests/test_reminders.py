from datetime import timedelta

import pytest
from django.utils import timezone

from outreach.models import Notification, ReminderKind, ReminderRule
from sponsors import services
from sponsors.tasks import send_followup_reminders

from .factories import FollowUpFactory, MerchantFactory

pytestmark = pytest.mark.django_db


def test_an_officer_with_two_follow_ups_due_today_is_told_of_each_once(officer, minister):
    today = timezone.localdate()
    merchant = MerchantFactory(name="康师傅武汉分公司", owner=officer)
    FollowUpFactory(merchant=merchant, owner=officer, due_on=today, description="送去方案书")
    FollowUpFactory(owner=officer, due_on=today, description="电话确认赞助金额")
    FollowUpFactory(owner=officer, due_on=today + timedelta(days=5))  # not yet
    FollowUpFactory(owner=officer, due_on=today, done_at=timezone.now())  # already done

    assert send_followup_reminders.delay().get() == 2
    assert send_followup_reminders.delay().get() == 0  # a second run changes nothing
    titles = sorted(Notification.objects.unread().filter(recipient=officer).values_list("title", flat=True))
    assert "今天要跟进：康师傅武汉分公司" in titles
    assert len(titles) == 2
    assert not Notification.objects.filter(recipient=minister).exists()
    body = Notification.objects.get(title="今天要跟进：康师傅武汉分公司").body
    assert (
        "送去方案书" in body and f"{today.year}年{today.month}月{today.day}日" in body
    )  # the date as the department writes it


def test_an_overdue_follow_up_is_brought_up_again_after_three_days_not_every_day(officer):
    today = timezone.localdate()
    followup = FollowUpFactory(owner=officer, due_on=today - timedelta(days=1))
    sent = [services.followup_reminders_send(today=today + timedelta(days=day)) for day in range(7)]
    # 1, 2, 3 days late: one reminder; 4 days late: again; 7 days late: again.
    assert sent == [1, 0, 0, 1, 0, 0, 1]
    open_ones = Notification.objects.unread().filter(recipient=officer)
    assert [n.title for n in open_ones] == [
        "跟进已逾期 7 天：" + followup.merchant.name
    ]  # the newest replaces the older


def test_marking_the_follow_up_done_resolves_its_reminders(client_for, officer):
    followup = FollowUpFactory(owner=officer, due_on=timezone.localdate())
    services.followup_reminders_send()
    assert Notification.objects.unread().filter(recipient=officer).count() == 1
    services.followup_complete(followup=followup, by=officer)
    assert Notification.objects.unread().filter(recipient=officer).count() == 0
    assert "unread-count" not in client_for(officer).get("/").content.decode()
    assert services.followup_reminders_send() == 0


def test_the_minister_can_turn_follow_up_reminders_off_or_widen_them(officer):
    today = timezone.localdate()
    FollowUpFactory(owner=officer, due_on=today + timedelta(days=2))
    assert services.followup_reminders_send() == 0
    ReminderRule.objects.filter(kind=ReminderKind.FOLLOWUP_DUE).update(days=2)
    assert services.followup_reminders_send() == 1
    assert Notification.objects.get(recipient=officer).title.startswith("跟进事项即将到期")
    FollowUpFactory(owner=officer, due_on=today)
    ReminderRule.objects.filter(kind=ReminderKind.FOLLOWUP_DUE).update(active=False)
    assert services.followup_reminders_send() == 0

"""The building blocks of reminders: quiet hours, resolution, opening, and the e-mail itself."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings

from outreach.emails import notification_email
from outreach.models import Notification
from outreach.services import (
    email_allowed_at,
    notifications_resolve,
    notifications_sweep,
    notify,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@override_settings(QUIET_HOURS="22:00-08:00")
@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (at(21, 59), at(21, 59)),
        (at(22, 0), at(8, 0, day=2)),
        (at(23, 30), at(8, 0, day=2)),
        (at(0, 5), at(8, 0)),
        (at(7, 59), at(8, 0)),
        (at(8, 0), at(8, 0)),
        (at(12, 0), at(12, 0)),
    ],
)
def test_no_email_between_ten_at_night_and_eight_in_the_morning(now, allowed):
    assert email_allowed_at(now) == allowed


def test_an_email_written_in_quiet_hours_waits_for_the_morning(
    officer, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import timezone

    with override_settings(QUIET_HOURS="22:00-08:00"):
        monkeypatch.setattr(timezone, "now", lambda: at(23, 10))
        with django_capture_on_commit_callbacks(execute=True):
            notification = notify(recipient=officer, key="k", title="款项逾期：WL-2026-001", body="请联系商家")
        assert notification.deliver_after == at(8, 0, day=2)
        assert mail.outbox == []
        assert notification.title in [n.title for n in Notification.objects.unread()]  # the bell shows it at once

        # The sweep (every minute) leaves it until the quiet hours end, then sends it once.
        monkeypatch.setattr(timezone, "now", lambda: at(7, 0, day=2))
        assert notifications_sweep() == 0
        assert mail.outbox == []

        monkeypatch.setattr(timezone, "now", lambda: at(8, 5, day=2))
        assert notifications_sweep() == 1
        assert len(mail.outbox) == 1
        monkeypatch.setattr(timezone, "now", lambda: at(8, 20, day=2))
        assert notifications_sweep() == 0
        assert len(mail.outbox) == 1


def test_a_waiting_email_about_something_dealt_with_is_never_sent(officer, monkeypatch):
    from django.utils import timezone

    with override_settings(QUIET_HOURS="00:00-23:59"):
        notify(recipient=officer, key="k", title="跟进到期", topic="followup:1")
    notifications_resolve(topic="followup:1")
    monkeypatch.setattr(timezone, "now", lambda: at(23, 59, day=30))
    assert notifications_sweep() == 0
    assert mail.outbox == []
    assert not Notification.objects.undelivered().exists()  # nor listed as undelivered


def test_dealing_with_the_thing_takes_it_out_of_the_unread_count(client_for, officer):
    notify(recipient=officer, key="followup-due:1", title="今天要跟进：康师傅", topic="followup:1", email=False)
    notify(recipient=officer, key="other", title="新作业", email=False)
    assert 'data-testid="unread-count">2<' in client_for(officer).get("/").content.decode()
    assert notifications_resolve(topic="followup:1") == 1
    page = client_for(officer).get("/notifications/").content.decode()
    assert 'data-testid="unread-count">1<' in page
    assert "已处理" in page  # still listed, marked as dealt with


def test_a_newer_reminder_about_the_same_thing_replaces_the_older(officer):
    notify(recipient=officer, key="followup-due:1", title="今天要跟进", topic="followup:1", email=False)
    notify(recipient=officer, key="followup-overdue:1:0", title="跟进已逾期 1 天", topic="followup:1", email=False)
    assert list(Notification.objects.unread().values_list("title", flat=True)) == ["跟进已逾期 1 天"]


def test_opening_a_notification_marks_it_read_and_goes_to_the_thing(client_for, officer, minister):
    mine = notify(recipient=officer, key="k", title="合同已审批", url="/events/contracts/1/", email=False)
    response = client_for(officer).post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/events/contracts/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None

    theirs = notify(recipient=minister, key="k", title="部长的", email=False)
    assert client_for(officer).post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client_for(officer).get(f"/notifications/{mine.pk}/open/").status_code == 405


def test_a_notification_pointing_elsewhere_opens_the_list_instead(client_for, officer):
    odd = notify(recipient=officer, key="k", title="x", url="https://evil.example/", email=False)
    assert client_for(officer).post(f"/notifications/{odd.pk}/open/")["Location"] == "/notifications/"


@override_settings(SITE_URL="https://outreach.example.edu.cn")
def test_the_email_says_what_and_links_to_it_in_text_and_html(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=officer,
            key="payment",
            title="款项逾期 3 天未到账：WL-2026-002 李宁专卖店",
            body="合同 WL-2026-002（李宁专卖店）的一笔款项 750.00 元，应于 2026-11-28 到账。",
            url="/events/contracts/2/#payments",
        )
    message = mail.outbox[0]
    assert message.subject == "[外联部] 款项逾期 3 天未到账：WL-2026-002 李宁专卖店"
    assert "应于 2026-11-28 到账" in message.body
    assert "https://outreach.example.edu.cn/events/contracts/2/#payments" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://outreach.example.edu.cn/events/contracts/2/#payments"' in html
    assert "王浩然" in message.body


def test_an_email_is_never_empty_and_stays_in_the_departments_language(officer):
    from django.utils import translation

    notification = notify(recipient=officer, key="k", title="新作业：拜访记录", email=False)
    with translation.override("en"):
        message = notification_email(notification)
    assert "新作业：拜访记录" in message.body.split("您好：", 1)[1]  # the title stands in for the missing body
    assert "新作业：拜访记录</p>" in message.alternatives[0][0]

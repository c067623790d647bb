"""Notification e-mail is an outbox: the row is the promise, a claim with a lease guards the
send, sent_at is stamped after it, failures are kept for the minister (README, "Delivery
guarantees")."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from outreach.models import Notification
from outreach.services import notification_claim_for_email, notifications_sweep, notify
from outreach.tasks import deliver_notification
from outreach.tests.factories import MemberFactory, NotificationFactory
from outreach.tests.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_down(settings):
    """A real SMTP connection to a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    yield
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _time_passes(notification: Notification, seconds: float) -> None:
    Notification.objects.filter(pk=notification.pk).update(claimed_at=F("claimed_at") - timedelta(seconds=seconds))


def test_a_failed_send_is_kept_with_its_error_and_sent_by_a_later_sweep(
    officer, settings, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=officer, key="followup:7", title="回访蒙牛")
    notification.refresh_from_db()
    assert notification.sent_at is None
    assert notification.attempts == 1
    assert "ConnectionRefusedError" in notification.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert notifications_sweep() == 0, "retried before the lease ran out"
    _time_passes(notification, settings.NOTIFICATION_LEASE_SECONDS + 1)
    assert notifications_sweep() == 1
    assert notifications_sweep() == 0
    assert [message.subject for message in mail.outbox] == ["[外联部] 回访蒙牛"]
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.last_error == ""


def test_the_wait_between_attempts_doubles_with_each_attempt(officer, settings):
    lease = timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    now = timezone.now()
    third = NotificationFactory(recipient=officer, attempts=3, claimed_at=now - lease * 3.9)
    assert not Notification.objects.due_for_email(now).filter(pk=third.pk).exists()
    assert Notification.objects.due_for_email(now + lease * 0.2).filter(pk=third.pk).exists()


def test_a_sender_that_died_mid_send_leaves_a_claim_that_the_sweep_takes_back(officer, settings):
    notification = notify(recipient=officer, key="deliverable:3", title="落实事项已逾期：横幅")
    assert notification_claim_for_email(notification_id=notification.pk)  # a worker claims it, then dies
    assert not notification_claim_for_email(notification_id=notification.pk)
    deliver_notification.delay(notification.pk)  # a duplicate task while the claim holds
    assert notifications_sweep() == 0
    assert mail.outbox == []

    _time_passes(notification, settings.NOTIFICATION_LEASE_SECONDS + 1)
    assert notifications_sweep() == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 2 and notification.sent_at is not None


def test_after_the_last_attempt_the_minister_sees_the_error_and_resends(
    client_for, minister, officer, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    notification = NotificationFactory(
        recipient=officer,
        title="物资待归还：计分牌",
        attempts=3,
        claimed_at=timezone.now() - timedelta(days=2),
        last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
    )
    assert notifications_sweep() == 0, "the sweep gave up after the last attempt"

    page = client_for(minister).get(reverse("notification-undelivered")).content.decode()
    assert "物资待归还：计分牌" in page
    assert officer.display_name in page
    assert "550 mailbox unavailable" in page
    assert "已放弃" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(minister).post(reverse("notification-resend", args=[notification.pk]), follow=True)
    assert "已安排重发" in response.content.decode()
    assert [message.to for message in mail.outbox] == [[officer.user.email]]
    assert "所有邮件都已发出" in client_for(minister).get(reverse("notification-undelivered")).content.decode()


def test_resend_is_refused_while_a_sender_holds_the_claim(client_for, minister, officer):
    notification = NotificationFactory(recipient=officer, attempts=1, claimed_at=timezone.now())
    response = client_for(minister).post(reverse("notification-resend", args=[notification.pk]), follow=True)
    assert "正在发送" in response.content.decode()
    notification.refresh_from_db()
    assert notification.attempts == 1 and mail.outbox == []


def test_a_notification_without_email_is_not_listed_as_undelivered(client_for, minister):
    member = MemberFactory(user__email="")
    notify(recipient=member, key="k", title="没有邮箱的部员")
    assert "没有邮箱的部员" not in client_for(minister).get(reverse("notification-undelivered")).content.decode()


# --- Who may see and resend


@pytest.mark.parametrize("role", ["officer", "vice_minister", "advisor"])
def test_only_the_minister_sees_undelivered_mail_or_resends(request, client_for, role, officer):
    notification = NotificationFactory(recipient=officer, attempts=8, claimed_at=timezone.now() - timedelta(days=1))
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("notification-undelivered")).status_code == 403
    assert client.post(reverse("notification-resend", args=[notification.pk])).status_code == 403
    notification.refresh_from_db()
    assert notification.attempts == 8
    assert "未送达的邮件" not in client.get(reverse("notification-list")).content.decode()


def test_the_minister_finds_undelivered_mail_from_the_notifications_page(client_for, minister):
    page = client_for(minister).get(reverse("notification-list")).content.decode()
    assert reverse("notification-undelivered") in page
    assert client_for(minister).get(reverse("notification-undelivered")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, officer):
    notification = NotificationFactory(recipient=officer)
    for response in (
        client.get(reverse("notification-undelivered")),
        client.post(reverse("notification-resend", args=[notification.pk])),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response.url
    notification.refresh_from_db()
    assert notification.attempts == 0 and notification.claimed_at is None


def test_resend_needs_post(client_for, minister, officer):
    notification = NotificationFactory(recipient=officer)
    assert client_for(minister).get(reverse("notification-resend", args=[notification.pk])).status_code == 405


def test_the_undelivered_list_query_count_does_not_grow_with_rows(client_for, minister, django_assert_max_num_queries):
    client = client_for(minister)
    url = reverse("notification-undelivered")
    NotificationFactory.create_batch(3, last_error="TimeoutError: timed out", attempts=2)
    client.get(url)
    NotificationFactory.create_batch(40, last_error="TimeoutError: timed out", attempts=2)
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count('data-testid="last-error"') == 30

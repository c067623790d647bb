import pytest
from django.core import mail

from outreach.models import Notification
from outreach.services import notify
from outreach.tasks import deliver_notification

pytestmark = pytest.mark.django_db


def test_a_reminder_is_created_and_mailed_once_whatever_the_calls(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient=officer, key="followup:1", title="回访康师傅", body="今天回访")
        second = notify(recipient=officer, key="followup:1", title="回访康师傅", body="今天回访")
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert len(mail.outbox) == 1
    assert "回访康师傅" in mail.outbox[0].subject

    deliver_notification.delay(first.pk)  # a duplicate delivery, e.g. a retried task
    assert len(mail.outbox) == 1


def test_unread_notifications_show_in_the_navigation(client_for, officer):
    notify(recipient=officer, key="k", title="合同待审批", email=False)
    response = client_for(officer).get("/")
    assert 'data-testid="unread-count">1<' in response.content.decode()
    client_for(officer).post("/notifications/read/")
    response = client_for(officer).get("/")
    assert "unread-count" not in response.content.decode()


def test_a_member_sees_only_their_own_notifications(client_for, officer, minister):
    notify(recipient=minister, key="k", title="部长的私人提醒", email=False)
    response = client_for(officer).get("/notifications/")
    assert "部长的私人提醒" not in response.content.decode()

"""With the broker down a user action still succeeds, and its e-mail goes out once the broker
is back. The broker is a redis-server this test starts and stops; the shared one is not touched."""

import time

import pytest
import redis
from django.core import mail
from django.urls import reverse

from events.models import ContractStatus
from events.tests.factories import make_contract
from outreach.models import Notification
from outreach.services import notifications_sweep
from outreach.tests.servers import celery_broker

pytestmark = pytest.mark.django_db


def test_a_contract_submitted_while_the_broker_is_down_is_mailed_once_it_is_back(
    private_redis, client_for, vice_minister, minister, django_capture_on_commit_callbacks, caplog
):
    contract = make_contract(owner=vice_minister)
    with celery_broker(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(vice_minister).post(reverse("events:contract-submit", args=[contract.pk]))
        assert time.monotonic() - started < 10, "the request waited on the broker"
        assert response.status_code == 302 and response.url == contract.get_absolute_url()
        assert "已提交部长审批" in client_for(vice_minister).get(response.url).content.decode()
        contract.refresh_from_db()
        assert contract.status == ContractStatus.SUBMITTED

        notification = Notification.objects.get(recipient=minister, key=f"contract-submitted:{contract.pk}")
        assert (notification.sent_at, notification.claimed_at, notification.attempts) == (None, None, 0)
        assert mail.outbox == []
        assert "broker did not take outreach.tasks.deliver_notification" in caplog.text

        private_redis.start()
        assert notifications_sweep() == 1
        assert notifications_sweep() == 0

        # With the broker up, the task is queued at once (no worker runs here to take it).
        other = make_contract(owner=vice_minister)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(vice_minister).post(reverse("events:contract-submit", args=[other.pk]))
        assert redis.Redis(port=private_redis.port).llen("celery") == 1

    assert [message.to for message in mail.outbox] == [[minister.user.email]]
    assert contract.number in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.attempts == 1

import logging

from celery import shared_task
from celery.app.task import Task
from django.conf import settings
from django.utils import translation
from kombu.exceptions import OperationalError

from . import digests, groupchat, services

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises when a task is queued without retrying.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError, OSError)


def enqueue(task: Task, *args) -> bool:
    """Queue a task from a request (or any path that must not fail with the broker).

    Returns False, with a warning in the log, when the broker does not take it now: the caller
    must have written a row that a periodic sweep turns into the task's work later (an outbox).
    It never retries, and the broker's connect timeout is short (settings), so a request never
    hangs on a broker that is down.
    """
    try:
        task.apply_async(args=args, retry=False)
    except BROKER_ERRORS as exc:
        logger.warning("The broker did not take %s%r, the sweep will: %s", task.name, args, exc)
        return False
    return True


# No Celery retries: a failed send stays on the row and the sweep tries again, with backoff.
@shared_task
def deliver_notification(notification_id: int) -> bool:
    """E-mail one notification. The conditional claim makes a second run a no-op."""
    return services.notification_send_email(notification_id=notification_id)


@shared_task
def sweep_notifications() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): send the e-mails that are due, e.g. queued while
    the broker was down, or claimed by a worker that died or failed."""
    return services.notifications_sweep()


# --- Reminders: thin tasks, each calling one service (README, "Reminders")


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_daily_digests() -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return digests.daily_digests_send()


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_weekly_digest() -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return digests.weekly_digest_send()


@shared_task(
    bind=True,
    autoretry_for=(groupchat.ChatPostFailed,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=False,
    max_retries=settings.GROUP_CHAT_MAX_RETRIES,
)
def post_chat_message(self, message_id: int) -> None:
    """Post one message to the group chat robot; a failure is retried with backoff."""
    groupchat.chat_message_post(message_id=message_id)

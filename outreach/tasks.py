import logging

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import department_services, digests, groupchat, services
from .emails import notification_email
from .models import Notification
from .services import notification_claim_for_email

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver_notification(self, notification_id: int) -> None:
    """E-mail one notification. The conditional update makes a second run a no-op."""
    if not notification_claim_for_email(notification_id=notification_id):
        return
    notification = Notification.objects.select_related("recipient__user").get(pk=notification_id)
    try:
        notification_email(notification).send()
    except Exception:
        # Give the claim back so the retry can send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        logger.exception("Could not e-mail notification %s", notification_id)
        raise


# --- Reminders: thin tasks, each calling one service (README, "Reminders")


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_department_reminders() -> int:
    """Daily: assignments coming due, training sessions and meetings tomorrow."""
    with translation.override(settings.LANGUAGE_CODE):
        return department_services.assignment_reminders_send() + department_services.gathering_reminders_send()


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_daily_digests() -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return digests.daily_digests_send()


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_weekly_digest() -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return digests.weekly_digest_send()


@shared_task
def release_waiting_emails() -> int:
    return services.notifications_release_waiting()


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

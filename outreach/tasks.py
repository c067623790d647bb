import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

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
        send_mail(
            subject=f"[{settings.DEPARTMENT_NAME}] {notification.title}",
            message=notification.body,
            from_email=None,
            recipient_list=[notification.recipient.user.email],
        )
    except Exception:
        # Give the claim back so the retry can send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        logger.exception("Could not e-mail notification %s", notification_id)
        raise

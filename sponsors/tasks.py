from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_followup_reminders() -> int:
    """Daily: follow-ups due today, and overdue ones (again every few days)."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.followup_reminders_send()

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_jobs_reminders() -> int:
    """Daily: postings closing soon, applications waiting for screening, a season's outreach ahead."""
    with translation.override(settings.LANGUAGE_CODE):
        return (
            services.posting_closing_reminders_send()
            + services.screening_reminders_send()
            + services.season_outreach_reminders_send()
        )

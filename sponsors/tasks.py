from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import exports, services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_followup_reminders() -> int:
    """Daily: follow-ups due today, and overdue ones (again every few days)."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.followup_reminders_send()


# No Celery retries: a failure is kept on the row and the member is told to export again.
@shared_task(soft_time_limit=exports.TASK_SOFT_TIME_LIMIT, time_limit=exports.TASK_TIME_LIMIT)
def write_merchant_export(export_id: int) -> bool:
    """Write one large merchant export and notify whoever asked (sponsors.exports)."""
    with translation.override(settings.LANGUAGE_CODE):
        return exports.merchant_export_write(export_id=export_id)


@shared_task
def delete_expired_merchant_exports() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): the exports older than MERCHANT_EXPORT_KEEP_DAYS."""
    return exports.merchant_exports_delete_expired()

from celery import shared_task

from . import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_fulfilment_reminders() -> int:
    """Daily: deliverables due or overdue, materials due back (each reminder once)."""
    return services.fulfilment_reminders_send()

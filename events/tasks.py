from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_fulfilment_reminders() -> int:
    """Daily: deliverables due or overdue, materials due back (each reminder once)."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.fulfilment_reminders_send()


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_payment_reminders() -> int:
    """Daily: instalments due soon, and overdue ones (again every few days); first, the
    instalments tied to acceptance whose default acceptance period ran out fall due."""
    with translation.override(settings.LANGUAGE_CODE):
        services.acceptance_payments_sweep()
        return services.payment_reminders_send()


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_contract_approval_reminders() -> int:
    """Daily: contracts waiting too long for the minister's approval or the advisor's sign-off."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.contract_approval_reminders_send()

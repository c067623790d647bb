"""The department's scheduled reminders (thin tasks; the scans are in services).

Registered with the worker through CELERY_IMPORTS: autodiscovery looks only for each app's
top-level ``tasks`` module, and the base's ``outreach.tasks`` must not import this layer.
"""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=60, max_retries=3)
def send_department_reminders() -> int:
    """Daily: assignments coming due, training sessions and meetings tomorrow."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.assignment_reminders_send() + services.gathering_reminders_send()

from django.core.management.base import BaseCommand

from events.tasks import send_contract_approval_reminders, send_fulfilment_reminders, send_payment_reminders
from jobs.tasks import send_jobs_reminders
from outreach.department.tasks import send_department_reminders
from outreach.tasks import send_daily_digests
from sponsors.tasks import send_followup_reminders

# The daily digest last: the worker takes tasks in order, so it sees what the scans found.
TASKS = [
    send_followup_reminders,
    send_fulfilment_reminders,
    send_payment_reminders,
    send_contract_approval_reminders,
    send_jobs_reminders,
    send_department_reminders,
    send_daily_digests,
]


class Command(BaseCommand):
    help = (
        "Queue every daily reminder scan and the daily digest now, as beat does at 07:50 and 08:00. "
        "Safe to run any time: each reminder is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run them here instead of queueing them for the worker")

    def handle(self, *args, now: bool = False, **options):
        for task in TASKS:
            if now:
                self.stdout.write(f"{task.name}: {task.apply().get()}")
            else:
                task.delay()
                self.stdout.write(f"queued {task.name}")

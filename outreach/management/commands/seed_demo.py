import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from outreach.demo import DEMO_PASSWORD
from outreach.demo import seed as seed_department

# Each app's demo data is a module with seed(stdout); order matters: later ones use the
# members and merchants of earlier ones. A module not written yet is skipped.
DEMO_MODULES = ["sponsors.demo", "events.demo", "jobs.demo", "outreach.department.demo", "outreach.alliance.demo"]


class Command(BaseCommand):
    help = "Create (or top up) the demo department and its records. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo data would mix with real records; "
                "pass --force if you really mean it."
            )
        translation.activate(settings.LANGUAGE_CODE)
        with transaction.atomic():
            logins = seed_department(stdout=self.stdout)
            for module_path in DEMO_MODULES:
                try:
                    module = importlib.import_module(module_path)
                except ModuleNotFoundError as exc:
                    if exc.name != module_path:
                        raise
                    continue
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):"))
        for username, name, role in logins:
            self.stdout.write(f"  {username:<14} {name}  {role}")

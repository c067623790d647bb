"""Fill the database with a department's ten years for the benchmark (`make bench` runs it).

    manage.py seed_bench --scale 1     # 20,000 merchants, 200,000 visits, 100,000 applications, ...

One transaction, bulk inserts, a fixed random seed: the same data every run. It refuses a
database that already has merchants unless --force (it adds, never deletes: use a database of
its own, e.g. outreach_bench).
"""

import time

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from outreach.department.bench.volume import grow
from outreach.department.bench.world import save_world
from outreach.roles import Role


class Command(BaseCommand):
    help = "Seed a department's ten years of data for the benchmark (one transaction, fixed seed)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 20,000 merchants, 200,000 visits")
        parser.add_argument("--force", action="store_true", help="seed even if the database has merchants")

    def handle(self, *args, scale: float, force: bool, **options):
        from outreach.tests.factories import MemberFactory
        from outreach.tests.world import build_world
        from sponsors.models import Merchant

        if Merchant.objects.exists() and not force:
            raise CommandError(
                "The database has merchants already: seed the benchmark into a database of its own (or --force)."
            )
        started = time.perf_counter()
        with transaction.atomic():
            if not Group.objects.filter(name=Role.OFFICER).exists():
                raise CommandError("Run migrate first.")
            people = {
                role: MemberFactory(role=role, display_name=name, user__username=f"bench-{role}")
                for role, name in [
                    (Role.OFFICER, "王浩然"),
                    (Role.VICE_MINISTER, "陈思雨"),
                    (Role.MINISTER, "林晓峰"),
                    (Role.ADVISOR, "周老师"),
                ]
            }
            minister = people[Role.MINISTER].user
            minister.is_staff = minister.is_superuser = True  # for the admin changelist beside the list
            minister.save(update_fields=["is_staff", "is_superuser"])
            w = build_world(
                officer=people[Role.OFFICER],
                vice_minister=people[Role.VICE_MINISTER],
                minister=people[Role.MINISTER],
                advisor=people[Role.ADVISOR],
            )
            counts = grow(w, scale=scale)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        save_world(w, scale=scale, counts=counts)
        self.stdout.write(
            ", ".join(f"{name} {number:,}" for name, number in counts.items())
            + f" — seeded in {time.perf_counter() - started:.0f} s"
        )

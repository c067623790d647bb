"""Time the main pages on realistic data volumes, with their SQL query counts.

    manage.py benchmark                 # 1,000 merchants, 10,000 visits, ... then roll back
    manage.py benchmark --scale 3 --repeat 10

Everything it creates is rolled back at the end, so it can run against a copy of the
production database too. Query counts must not grow with --scale: compare two runs.
"""

import random
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

STREETS = ["珞喻路", "鲁磨路", "光谷大道", "雄楚大道", "民族大道", "关山大道", "虎泉街", "街道口"]
DISTRICTS = ["洪山区", "东湖高新区", "武昌区", "江夏区"]
BRANDS = ["李宁", "安踏", "康师傅", "统一", "晨光文具", "美的", "小米之家", "新东方", "蜜雪冰城", "优衣库"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the main pages on realistic data volumes (everything is rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 = 1,000 merchants and 10,000 visits")
        parser.add_argument("--repeat", type=int, default=5, help="requests per page")

    def handle(self, *args, scale: int, repeat: int, **options):
        random.seed(2026)
        try:
            with transaction.atomic():
                self._run(scale, repeat)
                raise Rollback
        except Rollback:
            self.stdout.write("All benchmark data rolled back.")

    def _run(self, scale: int, repeat: int) -> None:
        debug = settings.DEBUG
        settings.DEBUG = True  # seed_demo refuses otherwise; nothing is committed anyway
        try:
            call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        finally:
            settings.DEBUG = debug
        started = time.perf_counter()
        counts = self._bulk_data(scale)
        self.stdout.write(
            "Data: "
            + ", ".join(f"{name} {number:,}" for name, number in counts.items())
            + f" (built in {time.perf_counter() - started:.1f} s)"
        )
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.force_login(get_user_model().objects.get(username="linxiaofeng"))

        self.stdout.write(f"{'page':<34} {'queries':>7} {'median ms':>10} {'max ms':>8}")
        for label, url in self._pages():
            timings = []
            queries = 0
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(url, secure=True)
                    timings.append((time.perf_counter() - start) * 1000)
                queries = len(captured)
                if response.status_code != 200:
                    self.stdout.write(self.style.ERROR(f"{label:<34} HTTP {response.status_code} for {url}"))
                    break
            else:
                self.stdout.write(f"{label:<34} {queries:>7} {statistics.median(timings):>10.1f} {max(timings):>8.1f}")

    def _bulk_data(self, scale: int) -> dict[str, int]:
        from outreach.models import Member
        from sponsors.models import FollowUp, Industry, Merchant, Stage, StageChange, Visit

        members = list(Member.objects.all())
        industries = list(Industry.objects.all())
        stages = list(Stage.values)
        now = timezone.now()
        merchants = Merchant.objects.bulk_create(
            Merchant(
                name=f"{random.choice(BRANDS)}{random.choice(STREETS)}{n}号店",
                industry=random.choice(industries),
                district=random.choice(DISTRICTS),
                address=f"武汉市{random.choice(DISTRICTS)}{random.choice(STREETS)}{n}号",
                phone=f"027{87000000 + n:08d}",
                owner=random.choice(members),
                stage=random.choice(stages),
            )
            for n in range(1000 * scale)
        )
        visits = Visit.objects.bulk_create(
            Visit(
                merchant=random.choice(merchants),
                visited_at=now - timedelta(days=random.randint(0, 120), minutes=random.randint(0, 600)),
                notes="店长说要问总部，下周再联系。",
                lesson="先约店长，不要在客流高峰时去。" if random.random() < 0.2 else "",
                created_by=random.choice(members),
            )
            for _ in range(10000 * scale)
        )
        Visit.members.through.objects.bulk_create(
            Visit.members.through(visit_id=visit.pk, member_id=random.choice(members).pk) for visit in visits
        )
        today = timezone.localdate()
        followups = FollowUp.objects.bulk_create(
            FollowUp(
                merchant=random.choice(merchants),
                description="回访确认赞助金额",
                due_on=today + timedelta(days=random.randint(-20, 20)),
                owner=random.choice(members),
            )
            for _ in range(2000 * scale)
        )
        changes = StageChange.objects.bulk_create(
            StageChange(
                merchant=random.choice(merchants),
                from_stage=Stage.PROSPECT,
                to_stage=random.choice(stages),
                changed_by=random.choice(members),
                created_at=now - timedelta(days=random.randint(0, 120)),
            )
            for _ in range(3000 * scale)
        )
        return {
            "merchants": len(merchants),
            "visits": len(visits),
            "follow-ups": len(followups),
            "stage changes": len(changes),
        }

    def _pages(self):
        from outreach.models import Member
        from sponsors.models import Merchant

        busiest = Merchant.objects.order_by("-visits__visited_at").first()
        minister = Member.objects.get(user__username="linxiaofeng")
        pages = [
            ("home", "home", []),
            ("merchants", "sponsors:merchant-list", []),
            ("merchants ?stage=signed", "sponsors:merchant-list", [], "?stage=signed&page=2"),
            ("merchant board", "sponsors:board", []),
            ("merchant page", "sponsors:merchant-detail", [busiest.pk] if busiest else None),
            ("my follow-ups", "sponsors:followups", []),
            ("events", "events:event-list", []),
            ("jobs", "jobs:posting-list", []),
            ("members", "outreach:member-list", []),
            ("member page", "outreach:member-detail", [minister.pk]),
            ("score ranking", "outreach:score-ranking", []),
            ("experience library", "outreach:experience-list", []),
            ("dashboard", "outreach:dashboard", []),
            ("contracts", "events:contract-list", []),
            ("deliverables", "events:deliverable-list", []),
            ("payments", "events:payment-list", []),
            ("visits", "sponsors:visit-list", []),
            ("applications", "jobs:application-list", []),
            ("semester work summary", "outreach:semester-summary", []),
            ("semester work summary PDF", "outreach:semester-summary-pdf", []),
        ]
        pages += self._first_object_pages()
        for label, name, args, *query in pages:
            if args is None:
                continue
            try:
                yield label, reverse(name, args=args) + (query[0] if query else "")
            except NoReverseMatch:
                self.stdout.write(f"{label:<34} (no such page: {name})")

    def _first_object_pages(self):
        from django.apps import apps

        pages = []
        for label, model, name in [
            ("event page", "events.Event", "events:event-detail"),
            ("contract page", "events.Contract", "events:contract-detail"),
            ("posting page", "jobs.Posting", "jobs:posting-detail"),
        ]:
            try:
                obj = apps.get_model(model).objects.order_by("pk").first()
            except LookupError:
                continue
            if obj is not None:
                pages.append((label, name, [obj.pk]))
        return pages

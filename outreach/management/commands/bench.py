"""Measure every page of the page list on a department's ten years (`make bench`).

    manage.py bench [--scale 1] [--repeat 7] [--no-load] [--no-import]

Seeds the database with `seed_bench` the first time (bench/world-<database>.json remembers it) and reuses
it afterwards. Measures, as the role that uses each page: median and p95 server time, SQL
queries and response size; the merchant list beside Django admin's changelist and beside its
own SQL; requests/s under gunicorn (2 workers, loopback, a bounded client) with the errors;
the reminder scans and a 10,000-row import (rolled back). Writes bench/results.json and
prints a table. Meant for PostgreSQL (DATABASE_URL=.../outreach_bench).
"""

import contextlib
import http.client
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

RESULTS = Path(settings.BASE_DIR) / "bench" / "results.json"
LOAD_LOG = Path(settings.BASE_DIR) / "bench" / "gunicorn.log"
TARGET_MS, TARGET_DASHBOARD_MS, TARGET_PDF_MS, TARGET_KB = 100, 150, 500, 300
TARGET_GROWTH = 2  # at --scale 10, no median more than twice its scale-1 value


class Rollback(Exception):
    pass


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _size(response) -> int:
    """The body's bytes; a file download (FileResponse) streams its body."""
    if not response.streaming:
        return len(response.content)
    size = sum(len(chunk) for chunk in response.streaming_content)
    # Not response.close(): it sends request_finished, which closes the database connection.
    if getattr(response, "file_to_stream", None) is not None:
        response.file_to_stream.close()
    return size


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _first_error(path: Path) -> str:
    """The first line of the server's log that is a warning or worse (a traceback's head)."""
    if not path.exists():
        return ""
    for line in path.read_text(errors="replace").splitlines():
        if any(word in line for word in (" WARNING ", " ERROR ", " CRITICAL ", "Traceback", "[ERROR]")):
            return line
    return ""


class CountQueries:
    """Counts and times every query on the connection. Not CaptureQueriesContext: it reads
    connection.queries, which keeps the last 9,000 only, so past that every count reads 0."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1

    @contextlib.contextmanager
    def on(self, connection_):
        with connection_.execute_wrapper(self):
            yield self


def count_queries(connection_=connection):
    return CountQueries().on(connection_)


class Command(BaseCommand):
    help = "Measure every page on a department's ten years of data (seeds once, then reuses it)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--repeat", type=int, default=7, help="requests per page")
        parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
        parser.add_argument("--no-import", action="store_true", help="skip the import")
        parser.add_argument("--only", default="", help="only URLs containing this text")

    def handle(self, *args, scale, repeat, no_load, no_import, only, **options):
        from outreach.department.bench.world import load_world

        loaded = load_world()
        if loaded is None or loaded[1]["scale"] != scale:
            if loaded is not None:
                self.stderr.write(
                    f"{connection.settings_dict['NAME']} holds scale {loaded[1]['scale']}; seed scale {scale:g}"
                    " into a database of its own (make bench SCALE=… does)."
                )
                return
            self.stdout.write(f"Seeding scale {scale} (once; reused by the next runs)…")
            call_command("seed_bench", scale=scale, stdout=self.stdout)
            loaded = load_world()
        w, facts = loaded
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Each run's writes are rolled back, and their dead rows stay where autovacuum is
            # off (as on these machines): the notifications table had grown to 165 MB of them.
            # (Not inside a transaction, where VACUUM cannot run: the bench command's test.)
            self.stdout.write("VACUUM ANALYZE…")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write("Data: " + ", ".join(f"{k} {v:,}" for k, v in facts["counts"].items()))
        results = {"scale": scale, "database": connection.vendor, "counts": facts["counts"]}
        results["pages"] = self._pages(w, repeat, only)
        results["merchant_list"] = self._merchant_list(w, repeat)
        if not no_load:
            results["load"] = self._load(w)
        results["reminders"] = self._reminders()
        if not no_import:
            results["import"] = self._import(w)
        results["export"] = self._export()
        written = RESULTS if scale == 1 else RESULTS.with_name(f"results-scale{scale:g}.json")
        if scale != 1 and RESULTS.exists():
            _compare(results, json.loads(RESULTS.read_text()))
        written.parent.mkdir(exist_ok=True)
        written.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        self._print(results)
        self.stdout.write(f"Written {written.relative_to(settings.BASE_DIR)}")

    # --- every page

    def _clients(self, w) -> dict[str, Client]:
        from outreach.department.bench.pages import ROLES

        clients = {"": Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")}
        for role in ROLES:
            clients[role] = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
            clients[role].force_login(getattr(w, role).user)
        return clients

    def _time(self, client, url, repeat, *, cold=False):
        timings, sql = [], []
        response, queries = None, 0
        if cold:
            cache.clear()
        for _ in range(repeat):
            with count_queries() as captured:
                start = time.perf_counter()
                response = client.get(url, secure=True)
                timings.append((time.perf_counter() - start) * 1000)
            queries = captured.count
            sql.append(captured.seconds * 1000)
        return response, timings, queries, sql

    def _pages(self, w, repeat, only) -> list[dict]:
        from outreach.department.bench.pages import ROLES, page_requests, rows_in

        clients = self._clients(w)
        rows = []
        for page in page_requests(w):
            if only and only not in page.url:
                continue
            for who in [""] if page.public else ROLES:
                first = clients[who].get(page.url, secure=True)
                if first.status_code == 200:
                    break
            else:
                continue
            cold = page.name == "outreach:dashboard"
            kind = first.get("Content-Type", "").split(";")[0]
            # Downloads of every row (the .xlsx exports) are timed once: they are not pages.
            times = 1 if kind not in ("text/html", "application/pdf") else repeat
            response, timings, queries, sql = self._time(clients[who], page.url, times, cold=cold)
            row = {
                "name": page.name,
                "url": page.url,
                "as": who or "visitor",
                "type": kind,
                "median_ms": round(statistics.median(timings[1:] if cold else timings), 1),
                "p95_ms": round(_p95(timings), 1),
                "queries": queries,
                "sql_ms": round(statistics.median(sql), 1),
                "kb": round(_size(response) / 1024, 1),
                "rows": rows_in(response),
            }
            if cold:
                row["cold_ms"] = round(timings[0], 1)
            target = TARGET_PDF_MS if kind == "application/pdf" else TARGET_DASHBOARD_MS if cold else TARGET_MS
            row["target_ms"] = target
            row["ok"] = row["median_ms"] <= target and (kind != "text/html" or row["kb"] <= TARGET_KB)
            rows.append(row)
            self.stdout.write(
                f"  {row['median_ms']:>7.1f} ms {row['queries']:>3} q {row['kb']:>7.1f} KB  {page.url}", ending="\n"
            )
        return rows

    # --- the merchant list beside the admin's changelist and its own SQL

    def _merchant_list(self, w, repeat) -> dict:
        client = self._clients(w)["minister"]
        _, mine, queries, sql = self._time(client, reverse("sponsors:merchant-list"), repeat)
        _, admin, admin_queries, _ = self._time(client, reverse("admin:sponsors_merchant_changelist"), repeat)
        return {
            "median_ms": round(statistics.median(mine), 1),
            "queries": queries,
            "sql_ms": round(statistics.median(sql), 1),
            "admin_median_ms": round(statistics.median(admin), 1),
            "admin_queries": admin_queries,
            "ratio_to_admin": round(statistics.median(mine) / statistics.median(admin), 2),
            "ratio_to_sql": round(statistics.median(mine) / max(statistics.median(sql), 0.01), 1),
        }

    # --- requests/s under gunicorn

    def _collectstatic(self, env) -> None:
        """Production settings serve the collected, hashed static files; collecting (and
        compressing) them takes minutes, so it is done again only when a source file is newer."""
        from django.contrib.staticfiles.finders import get_finders

        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if manifest.exists():
            collected = manifest.stat().st_mtime
            newest = max(
                (storage.path(path) for finder in get_finders() for path, storage in finder.list([])),
                key=lambda path: os.stat(path).st_mtime,
                default=None,
            )
            if newest is None or os.stat(newest).st_mtime <= collected:
                return
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )

    def _load(self, w, *, requests: int = 600, seconds: float = 20.0, concurrency: int = 4) -> dict:
        from django.contrib.sessions.backends.db import SessionStore

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **os.environ,
            "DEBUG": "0",
            # The key this process signs the forged session with: with any other, gunicorn reads
            # the cookie as "Session data corrupted" and every page answers 302 to the login.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "LOG_LEVEL": "WARNING",
            # One cache for both workers, as in production (README, CACHE_URL): the record's
            # generation and what is kept under it are then the same whichever worker answers.
            "CACHE_URL": os.environ.get("CACHE_URL", "rediscache://127.0.0.1:6379/9"),
        }
        self._collectstatic(env)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        LOAD_LOG.parent.mkdir(exist_ok=True)
        with LOAD_LOG.open("wb") as log:
            server = subprocess.Popen(
                [
                    str(gunicorn),
                    "outreach.wsgi",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            session = SessionStore()
            session["_auth_user_id"] = str(w.minister.user.pk)
            session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            session["_auth_user_hash"] = w.minister.user.get_session_auth_hash()
            session.create()
            headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}", "Host": "127.0.0.1"}
            deadline = time.time() + 60
            while True:
                try:
                    self._get(port, reverse("healthz"), headers)
                    break
                except OSError:
                    if server.poll() is not None or time.time() > deadline:
                        raise CommandError(f"gunicorn did not start: {_tail(LOAD_LOG)}") from None
                    time.sleep(0.3)
            results = {}
            for label, url in [
                ("merchant list", reverse("sponsors:merchant-list")),
                ("home", reverse("home")),
                ("dashboard", reverse("outreach:dashboard")),
            ]:
                results[label] = self._drive(port, url, headers, requests, seconds, concurrency)
                self.stdout.write(f"  load {label}: {results[label]}")
        finally:
            server.terminate()
            server.wait(timeout=30)
        if any(result["errors"] for result in results.values()):
            # Loud: what the server said, next to the numbers.
            results["log"] = str(LOAD_LOG.relative_to(settings.BASE_DIR))
            results["log_first_error"] = _first_error(LOAD_LOG)
            results["log_tail"] = _tail(LOAD_LOG)
        return results

    def _get(self, port, url, headers) -> int:
        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection_.request("GET", url, headers=headers)
            response = connection_.getresponse()
            response.read()
            return response.status
        finally:
            connection_.close()

    def _drive(self, port, url, headers, requests, seconds, concurrency) -> dict:
        """`concurrency` clients on keep-alive connections, until `requests` or `seconds`.
        Anything but a 200 is an error; the status codes seen are counted."""
        lock = threading.Lock()
        counts = {"sent": 0, "ok": 0, "errors": 0}
        statuses: dict[str, int] = {}
        stop_at = time.time() + seconds

        def worker():
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                with lock:
                    if counts["sent"] >= requests or time.time() > stop_at:
                        break
                    counts["sent"] += 1
                try:
                    connection_.request("GET", url, headers=headers)
                    response = connection_.getresponse()
                    response.read()
                    status = str(response.status)
                    if response.status in (301, 302):
                        status += " " + (response.getheader("Location") or "")
                except (OSError, http.client.HTTPException) as exc:
                    status = type(exc).__name__
                    connection_.close()
                    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    counts["ok" if status == "200" else "errors"] += 1
                    statuses[status] = statuses.get(status, 0) + 1
            connection_.close()

        self._get(port, url, headers)  # warm the workers' caches and connections
        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        result = {
            "requests": counts["sent"],
            "errors": counts["errors"],
            "per_second": round(counts["ok"] / elapsed, 1),
        }
        if counts["errors"]:
            result["statuses"] = statuses
        return result

    # --- reminder scans and the import, rolled back

    def _reminders(self) -> dict:
        from events import services as events
        from jobs import services as jobs
        from outreach.department import services as department
        from sponsors import services as sponsors

        scans = {
            "follow-ups": sponsors.followup_reminders_send,
            "fulfilment": events.fulfilment_reminders_send,
            "payments": events.payment_reminders_send,
            "contract approval": events.contract_approval_reminders_send,
            "postings closing": jobs.posting_closing_reminders_send,
            "screening": jobs.screening_reminders_send,
            "seasons": jobs.season_outreach_reminders_send,
            "assignments": department.assignment_reminders_send,
            "gatherings": department.gathering_reminders_send,
        }
        timings = {}
        for label, scan in scans.items():
            try:
                with transaction.atomic():
                    start = time.perf_counter()
                    with count_queries() as captured:
                        sent = scan()
                    timings[label] = {
                        "ms": round((time.perf_counter() - start) * 1000, 1),
                        "queries": captured.count,
                        "sent": sent,
                    }
                    raise Rollback
            except Rollback:
                pass
        return timings

    def _import(self, w, rows: int = 10000) -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from openpyxl import Workbook

        from outreach.department.bench.sheet import merchant_sheet
        from sponsors import excel
        from sponsors.models import Merchant

        per_file = excel.MAX_ROWS  # the import takes at most this many rows per file
        timings = {"rows": rows, "files": 0, "read_ms": 0.0, "plan_ms": 0.0, "import_ms": 0.0, "counts": {}}
        timings["review"] = 0  # rows the preview asks the member about (possible duplicates)
        sheet_rows = merchant_sheet(rows, list(Merchant.objects.order_by("pk").values_list("name", "phone")))
        try:
            with transaction.atomic():
                for first in range(0, rows, per_file):
                    book = Workbook()
                    sheet = book.active
                    sheet.append(["名称", "电话", "地址"])
                    for row in sheet_rows[first : first + per_file]:
                        sheet.append(row)
                    buffer = io.BytesIO()
                    book.save(buffer)
                    upload = SimpleUploadedFile("merchants.xlsx", buffer.getvalue())
                    start = time.perf_counter()
                    data = excel.read_rows(upload)
                    timings["read_ms"] += (time.perf_counter() - start) * 1000
                    start = time.perf_counter()
                    plan = excel.plan_import(data)
                    timings["review"] += sum(planned.action == "review" for planned in plan)
                    timings["plan_ms"] += (time.perf_counter() - start) * 1000
                    start = time.perf_counter()
                    result = excel.import_rows(rows=data, by=w.minister)
                    timings["import_ms"] += (time.perf_counter() - start) * 1000
                    for key, value in result.counts.items():
                        timings["counts"][key] = timings["counts"].get(key, 0) + value
                    timings["files"] += 1
                raise Rollback
        except Rollback:
            pass
        for key in ("read_ms", "plan_ms", "import_ms"):
            timings[key] = round(timings[key], 1)
        self.stdout.write(f"  import: {timings}")
        return timings

    # --- the merchant export's writer (what a worker runs for a large export; read-only)

    def _export(self, repeat: int = 3) -> dict:
        from sponsors import excel
        from sponsors.filters import MerchantFilter

        timings, rows, queries, size = [], 0, 0, 0
        for _ in range(repeat):
            buffer = io.BytesIO()
            with count_queries() as captured:
                start = time.perf_counter()
                rows = excel.write_export(MerchantFilter(None).qs, buffer)
                timings.append((time.perf_counter() - start) * 1000)
            queries, size = captured.count, buffer.tell()
        result = {
            "rows": rows,
            "median_ms": round(statistics.median(timings), 1),
            "queries": queries,
            "kb": round(size / 1024, 1),
        }
        self.stdout.write(f"  export: {result}")
        return result

    # --- the table

    def _print(self, results) -> None:
        out = self.stdout.write
        out("")
        out(f"{'page':<58} {'as':<13} {'median':>8} {'p95':>8} {'q':>4} {'KB':>7}  target")
        for row in results["pages"]:
            mark = "ok" if row["ok"] else "MISS"
            extra = f" (cold {row['cold_ms']} ms)" if "cold_ms" in row else ""
            if "vs_scale_1" in row:
                extra += f" ×{row['vs_scale_1']} scale 1" + (" MISS" if row["vs_scale_1"] > TARGET_GROWTH else "")
            out(
                f"{row['url'][:58]:<58} {row['as']:<13} {row['median_ms']:>8.1f} {row['p95_ms']:>8.1f} "
                f"{row['queries']:>4} {row['kb']:>7.1f}  {mark}{extra}"
            )
        missed = [row for row in results["pages"] if not row["ok"]]
        out(f"{len(results['pages'])} pages, {len(missed)} miss their target")
        if "scale_1" in results:
            grown = [row for row in results["pages"] if row.get("vs_scale_1", 0) > TARGET_GROWTH]
            out(
                f"beside scale 1 ({results['scale_1']['pages']} pages matched): {len(grown)} pages more than"
                f" {TARGET_GROWTH:g}× their scale-1 median"
            )
        m = results["merchant_list"]
        out(
            f"merchant list {m['median_ms']} ms ({m['queries']} queries, SQL {m['sql_ms']} ms, ×{m['ratio_to_sql']} its SQL);"
            f" admin changelist {m['admin_median_ms']} ms: ratio {m['ratio_to_admin']}"
        )
        for label, load in results.get("load", {}).items():
            if not isinstance(load, dict):
                continue
            out(
                f"gunicorn 2 workers, {label}: {load['per_second']} requests/s, {load['errors']} errors of {load['requests']}"
                + (f" {load['statuses']}" if load.get("statuses") else "")
            )
        if results.get("load", {}).get("log_first_error"):
            out(f"gunicorn's first error ({results['load']['log']}): {results['load']['log_first_error']}")
        for label, scan in results["reminders"].items():
            out(f"reminder scan {label}: {scan['ms']} ms, {scan['queries']} queries")
        if "import" in results:
            i = results["import"]
            out(
                f"import {i['rows']:,} rows ({i['files']} files): read {i['read_ms']} ms, preview {i['plan_ms']} ms,"
                f" write {i['import_ms']} ms, {i['counts']}, {i['review']} to review"
            )
        if "export" in results:
            e = results["export"]
            out(
                f"export of {e['rows']:,} merchants (.xlsx writer): {e['median_ms']} ms, {e['queries']} queries, {e['kb']} KB"
            )


def _page_keys(rows: list[dict]) -> list[tuple]:
    """Each page as (name, who, n-th of that name): the page list is the same at every scale,
    its URLs are not (the primary keys differ)."""
    seen: dict[tuple, int] = {}
    keys = []
    for row in rows:
        key = (row["name"], row["as"])
        seen[key] = seen.get(key, 0) + 1
        keys.append((*key, seen[key]))
    return keys


def _compare(results: dict, scale_1: dict) -> None:
    """Each page's median beside its scale-1 median (the target: at most TARGET_GROWTH times)."""
    before = dict(zip(_page_keys(scale_1.get("pages", [])), scale_1.get("pages", []), strict=True))
    matched = 0
    for key, row in zip(_page_keys(results["pages"]), results["pages"], strict=True):
        if key in before and before[key]["median_ms"] > 0:
            row["vs_scale_1"] = round(row["median_ms"] / before[key]["median_ms"], 2)
            matched += 1
    results["scale_1"] = {"pages": matched, "scale": scale_1.get("scale")}

"""Delivery with real processes: Celery workers and beat started by the test, on a redis-server
the test starts, writing to the test's PostgreSQL database and mailing into files. Each test
waits for the mail files themselves, never for a stamp set before the mail is written."""

import email
import email.header
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from events.tasks import send_fulfilment_reminders
from events.tests.factories import make_signed_contract
from outreach.models import Notification, ReminderKind, ReminderRule
from outreach.tests.servers import celery_broker
from sponsors.tasks import send_followup_reminders
from sponsors.tests.factories import FollowUpFactory, MerchantFactory

ROOT = Path(settings.BASE_DIR)
LEASE_SECONDS = 8  # longer than a (slow) send takes, so a live worker's claim never runs out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Processes:
    def __init__(self, directory: Path, broker_url: str, mail_dir: Path, settings_module: str):
        self.directory = directory
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            # django-environ drops one leading slash of the path.
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "NOTIFICATION_LEASE_SECONDS": str(LEASE_SECONDS),
            "NOTIFICATION_SWEEP_SECONDS": "1",
            # The workers run the production settings: without this, a run after 22:00 in
            # Shanghai would (rightly) hold every mail until the morning.
            "QUIET_HOURS": "off",
        }
        self.running: list[tuple[str, subprocess.Popen]] = []

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.directory / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "outreach", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append((name, process))
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(
            name,
            "worker",
            "--pool=solo",
            "-n",
            f"{name}@%h",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )

    def beat(self) -> subprocess.Popen:
        return self._start(
            "beat",
            "beat",
            "-l",
            "INFO",
            "-s",
            str(self.directory / "beat-schedule"),
            "--pidfile",
            str(self.directory / "beat.pid"),
        )

    def stop_all(self) -> None:
        for _name, process in self.running:
            if process.poll() is None:
                process.terminate()
        for name, process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            print(f"--- {name}\n" + (self.directory / f"{name}.log").read_text(errors="replace")[-4000:])


@contextmanager
def processes(tmp_path: Path, broker_url: str, mail_dir: Path, settings_module: str = "outreach.settings"):
    running = Processes(tmp_path, broker_url, mail_dir, settings_module)
    try:
        with celery_broker(broker_url):
            yield running
    finally:
        running.stop_all()


def subjects(mail_dir: Path) -> list[str]:
    """The subject of every message the file backend wrote (a file may hold several)."""
    found = []
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk)
                found.append(str(email.header.make_header(email.header.decode_header(message["Subject"]))))
    return found


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.25)


def overdue_contract(*, owner, minister, clauses: int) -> list[str]:
    """A signed contract whose deliverables were due yesterday; returns their clause texts."""
    contract = make_signed_contract(owner=owner, minister=minister, clauses=clauses)
    contract.deliverables.update(due_on=timezone.localdate() - timedelta(days=1))
    return [deliverable.clause.text for deliverable in contract.deliverables.select_related("clause")]


def assert_each_mailed_once(mail_dir: Path, clauses: list[str]) -> None:
    overdue = [subject for subject in subjects(mail_dir) if "落实事项已逾期" in subject]
    for clause in clauses:
        assert sum(clause in subject for subject in overdue) == 1, (clause, overdue)
    assert len(overdue) == len(clauses), overdue
    notifications = Notification.objects.filter(key__startswith="deliverable-overdue:")
    assert notifications.count() == len(clauses)
    assert not notifications.filter(sent_at=None).exists()


def test_two_workers_and_the_scan_sent_twice_mail_each_overdue_item_once(private_redis, tmp_path, officer, minister):
    clauses = overdue_contract(owner=officer, minister=minister, clauses=3)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with processes(tmp_path, private_redis.url, mail_dir) as start:
        start.worker("first")
        start.worker("second")
        start.beat()
        send_fulfilment_reminders.apply_async()
        send_fulfilment_reminders.apply_async()
        wait_for(lambda: len(subjects(mail_dir)) >= len(clauses), 120, "the workers did not mail every item")
        time.sleep(2 * LEASE_SECONDS + 2)  # long enough for a second copy to show up
    assert_each_mailed_once(mail_dir, clauses)


def test_two_workers_and_the_follow_up_scan_sent_twice_mail_each_overdue_follow_up_once(
    private_redis, tmp_path, officer
):
    # Follow-ups are e-mailed in the daily digest by default; the minister can have the overdue
    # reminder mailed too (提醒设置), and then it must go out exactly once.
    ReminderRule.objects.filter(kind=ReminderKind.FOLLOWUP_OVERDUE).update(email=True)
    names = ["好邻居便利店", "李宁体育用品", "康师傅饮品"]
    for name in names:
        FollowUpFactory(
            merchant=MerchantFactory(name=name), owner=officer, due_on=timezone.localdate() - timedelta(days=1)
        )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with processes(tmp_path, private_redis.url, mail_dir) as start:
        start.worker("first")
        start.worker("second")
        start.beat()
        send_followup_reminders.apply_async()
        send_followup_reminders.apply_async()
        wait_for(lambda: len(subjects(mail_dir)) >= len(names), 120, "the workers did not mail every follow-up")
        time.sleep(2 * LEASE_SECONDS + 2)  # long enough for a second copy to show up
    overdue = [subject for subject in subjects(mail_dir) if "跟进已逾期" in subject]
    for name in names:
        assert sum(name in subject for subject in overdue) == 1, (name, overdue)
    assert len(overdue) == len(names), overdue
    notifications = Notification.objects.filter(key__startswith="followup-overdue:")
    assert notifications.count() == len(names)
    assert not notifications.filter(sent_at=None).exists()


def test_a_worker_killed_inside_send_mail_and_restarted_loses_no_mail(private_redis, tmp_path, officer, minister):
    clauses = overdue_contract(owner=officer, minister=minister, clauses=2)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with processes(tmp_path, private_redis.url, mail_dir, "outreach.tests.settings_slow_mail") as start:
        first = start.worker("first")
        start.beat()
        send_fulfilment_reminders.apply_async()
        wait_for(lambda: any((mail_dir / "sending").glob("*")), 120, "the worker did not start sending")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert subjects(mail_dir) == [], "the worker was not killed inside send_mail"

        start.worker("restarted")
        wait_for(lambda: len(subjects(mail_dir)) >= len(clauses), 120, "the restarted worker did not mail every item")
        time.sleep(2 * LEASE_SECONDS + 2)
    assert_each_mailed_once(mail_dir, clauses)

"""A task goes through the real Redis broker to a real worker process, which writes to the
real PostgreSQL database that the test then reads."""

import email
import email.header
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from outreach.celery import app as celery_app
from outreach.models import Notification
from outreach.tasks import deliver_notification
from outreach.tests.factories import MemberFactory

ROOT = Path(settings.BASE_DIR)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker(postgres, redis_url, tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "outreach.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": redis_url,
        # django-environ drops one leading slash of the path.
        "EMAIL_URL": f"filemail:///{tmp_path}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "outreach", "worker", "-Q", queue, "--pool=solo", "-l", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    try:
        yield queue, tmp_path
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)


def test_worker_process_delivers_a_notification_through_redis(worker):
    queue, mail_dir = worker
    member = MemberFactory(display_name="李雪")
    notification = Notification.objects.create(recipient=member, key="integration", title="五一兼职：李宁促销员")

    deliver_notification.apply_async(args=[notification.pk], queue=queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.sent_at:
            break
        time.sleep(0.5)
    assert notification.sent_at is not None, "the worker did not deliver the notification within 60 s"
    (sent,) = mail_dir.glob("*.log")
    message = email.message_from_bytes(sent.read_bytes())
    assert "五一兼职" in str(email.header.make_header(email.header.decode_header(message["Subject"])))

"""The merchant export: small lists at once, large ones written by a worker (sponsors.exports).

The large export goes through a real redis-server this test starts and a real Celery worker
process writing to the test's PostgreSQL database; the broker-down case stops that server.
"""

import io
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from outreach.models import Notification
from outreach.tests.servers import celery_broker, private_redis  # noqa: F401 (a fixture)
from sponsors.exports import merchant_export_write, merchant_exports_delete_expired
from sponsors.models import MerchantExport, Stage, Tag

from .factories import ContactFactory, MerchantFactory, VisitFactory

ROOT = Path(django_settings.BASE_DIR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNED = ["中百仓储", "乐天玛特", "康师傅武汉分公司", "李宁专卖店"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings, tmp_path):
    """More merchants than the background threshold: four signed, two prospects."""
    settings.MERCHANT_EXPORT_BACKGROUND_ROWS = 3
    settings.MEDIA_ROOT = tmp_path / "media"
    tag = Tag.objects.create(name="球赛")
    signed = {name: MerchantFactory(name=name, stage=Stage.SIGNED) for name in SIGNED}
    for merchant in signed.values():
        merchant.tags.add(tag)
    kang = signed["康师傅武汉分公司"]
    ContactFactory(merchant=kang, name="马经理", mobile="13971100002")
    VisitFactory(merchant=kang, visited_at=timezone.make_aware(datetime(2026, 5, 4, 10)))
    MerchantFactory(name="潜在的一家")
    MerchantFactory(name="潜在的二家")


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _sheet(content: bytes) -> list[dict]:
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _export_url(query: str = "") -> str:
    return reverse("sponsors:export") + (f"?{query}" if query else "")


# --- With a worker


@pytest.fixture
def worker(private_redis, tmp_path, large):  # noqa: F811 (the fixture imported above)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "outreach.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": private_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "EMAIL_URL": f"filemail:///{tmp_path}",
        "QUIET_HOURS": "off",
    }
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "outreach", "worker", "--pool=solo", "-l", "INFO"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        with celery_broker(private_redis.url):
            yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(log.read_text(errors="replace")[-4000:])


def _wait_for_notification(member, seconds: float = 90) -> Notification:
    deadline = time.monotonic() + seconds
    while True:
        notification = Notification.objects.filter(recipient=member, kind="merchant-export").first()
        if notification is not None:
            return notification
        assert time.monotonic() < deadline, f"the worker did not write the export within {seconds} s"
        time.sleep(0.5)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_export_is_written_by_the_worker_and_only_its_member_downloads_it(
    worker, client_for, officer, vice_minister, minister
):
    client = client_for(officer)
    response = client.post(_export_url("stage=signed"))
    assert response.status_code == 302
    assert response.url == reverse("sponsors:merchant-list") + "?stage=signed"
    assert "导出已开始，完成后会通知你。" in _messages(response)

    notification = _wait_for_notification(officer)
    assert notification.shown_title == "商家导出已完成：4 家商家"
    export = MerchantExport.objects.get()
    opened = client.post(reverse("notification-open", args=[notification.pk]))
    assert opened.url == notification.url == export.get_absolute_url()

    download = client.get(opened.url)
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    rows = _sheet(b"".join(download.streaming_content))
    assert [row["名称"] for row in rows] == sorted(SIGNED)
    kang = next(row for row in rows if row["名称"] == "康师傅武汉分公司")
    assert (kang["标签"], kang["联系人"], kang["手机"], kang["最近拜访"]) == (
        "球赛",
        "马经理",
        "13971100002",
        "2026-05-04",
    )

    # Another member may not; the minister may. The file is never a public media file.
    assert client_for(vice_minister).get(export.get_absolute_url()).status_code == 404
    assert client_for(minister).get(export.get_absolute_url()).status_code == 200
    assert export.file.name.startswith("private/exports/")
    assert client_for(officer).get(f"/{django_settings.MEDIA_URL}{export.file.name}").status_code == 404


# --- The broker, up without a worker, and down


def test_a_large_export_queues_one_task_however_often_it_is_asked_for(
    private_redis,  # noqa: F811 (the fixture imported above)
    large,
    client_for,
    officer,
    django_assert_max_num_queries,
):
    client = client_for(officer)
    with celery_broker(private_redis.url):
        with django_assert_max_num_queries(7):
            response = client.post(_export_url("stage=signed"))
        client.post(_export_url("stage=signed"))  # a second tap while the first is written
    assert "导出已开始，完成后会通知你。" in _messages(response)
    export = MerchantExport.objects.get()
    assert (export.requested_by, export.query, export.finished_at) == (officer, "stage=signed", None)
    assert redis.Redis(port=private_redis.port).llen("celery") == 1


def test_with_the_broker_down_a_large_export_says_so_and_leaves_nothing(
    private_redis,  # noqa: F811 (the fixture imported above)
    large,
    client_for,
    officer,
):
    client = client_for(officer)
    with celery_broker(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        response = client.post(_export_url("stage=signed"))
        assert time.monotonic() - started < 10, "the request waited on the broker"
    assert response.status_code == 302
    assert any("现在无法开始后台导出" in message for message in _messages(response))
    assert not MerchantExport.objects.exists()
    assert not Notification.objects.exists()


def test_with_the_broker_down_a_small_export_is_still_downloaded_at_once(
    private_redis,  # noqa: F811 (the fixture imported above)
    large,
    client_for,
    officer,
):
    with celery_broker(private_redis.url):
        private_redis.stop()
        response = client_for(officer).post(_export_url("stage=prospect"))
    assert response["Content-Type"] == XLSX
    assert sorted(row["名称"] for row in _sheet(response.content)) == ["潜在的一家", "潜在的二家"]
    assert not MerchantExport.objects.exists()


# --- Without a broker (the tests' eager settings): the request's side


def test_a_small_export_is_downloaded_at_once_from_the_list_button(client_for, advisor, large):
    client = client_for(advisor)
    page = client.get(reverse("sponsors:merchant-list"), {"stage": "prospect"}).content.decode()
    assert 'action="/sponsors/export/?stage=prospect" id="merchant-export"' in page
    response = client.post(_export_url("stage=prospect"))
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="merchants-')
    assert len(_sheet(response.content)) == 2
    assert not MerchantExport.objects.exists()


def test_opening_a_large_export_by_its_address_asks_before_starting(
    client_for, officer, large, django_assert_max_num_queries
):
    client = client_for(officer)
    with django_assert_max_num_queries(6):
        response = client.get(_export_url("stage=signed"))
    assert response.status_code == 200
    assert "筛选出 4 家商家" in response.content.decode()
    assert 'action="/sponsors/export/?stage=signed"' in response.content.decode()
    assert not MerchantExport.objects.exists()


def test_a_member_who_left_before_the_worker_got_to_it_gets_no_file(officer, large):
    export = MerchantExport.objects.create(requested_by=officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert merchant_export_write(export_id=export.pk) is False
    assert not MerchantExport.objects.exists()
    assert not Notification.objects.exists()


def test_a_second_run_of_the_task_writes_nothing_more(officer, large):
    export = MerchantExport.objects.create(requested_by=officer, query="stage=signed")
    assert merchant_export_write(export_id=export.pk) is True
    assert merchant_export_write(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.row_count == 4
    assert Notification.objects.filter(recipient=officer).count() == 1


def test_an_export_expires_after_the_days_it_is_kept(client_for, officer, large, settings):
    settings.MERCHANT_EXPORT_KEEP_DAYS = 3
    export = MerchantExport.objects.create(requested_by=officer)
    merchant_export_write(export_id=export.pk)
    export.refresh_from_db()
    path = Path(export.file.path)
    assert path.is_file()
    MerchantExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(days=4))

    response = client_for(officer).get(export.get_absolute_url())
    assert response.status_code == 302
    assert any("已失效" in message for message in _messages(response))

    assert merchant_exports_delete_expired() == 1
    assert not path.exists()
    assert client_for(officer).get(export.get_absolute_url()).status_code == 404


def test_a_worker_that_cannot_write_the_file_tells_the_member_and_leaves_nothing_to_download(
    client_for, officer, large, settings, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked  # the storage cannot create private/exports/ under a file
    export = MerchantExport.objects.create(requested_by=officer, query="stage=signed")
    assert merchant_export_write(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.finished_at is not None and export.error
    notification = Notification.objects.get(recipient=officer)
    assert notification.shown_title == "商家导出失败，请重新导出，或缩小筛选范围后再试。"
    assert notification.url == reverse("sponsors:merchant-list") + "?stage=signed"
    assert client_for(officer).get(export.get_absolute_url()).status_code == 404

"""What `make run` shows a new user: bin/dev fires the reminder scans at start, and the demo
data gives the officer things due today and overdue."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from outreach.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_officer_finds_reminders_of_every_kind_right_after_start(
    settings, client_for, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    call_command("seed_demo")
    mail.outbox.clear()
    Notification.objects.all().delete()  # what the seeding itself said (approvals) aside

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--now")
    wang = Notification.objects.filter(recipient__user__username="wanghaoran")
    titles = list(wang.unread().values_list("title", flat=True))
    for start in (
        "今天要跟进：",
        "跟进已逾期 4 天：",
        "落实事项已逾期：",
        "落实事项即将到期：",
        "款项逾期 3 天未到账：",
        "款项将于",
    ):
        assert any(title.startswith(start) for title in titles), start
    digest_mail = [m for m in mail.outbox if m.to == ["wanghaoran@example.edu.cn"] and "今日待办" in m.subject]
    assert len(digest_mail) == 1
    assert "【跟进事项】" in digest_mail[0].body and "【款项】" in digest_mail[0].body

    minister = Notification.objects.filter(recipient__user__username="linxiaofeng")
    assert any(t.startswith("款项逾期") for t in minister.values_list("title", flat=True))

    before = (Notification.objects.count(), len(mail.outbox))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--now")
    assert (Notification.objects.count(), len(mail.outbox)) == before  # a second run tells nobody anything

    page = client_for(wang.first().recipient).get("/").content.decode()
    assert f'data-testid="unread-count">{len(titles)}<' in page


def test_bin_dev_fires_the_scans_at_start(settings):
    script = (Path(settings.BASE_DIR) / "bin" / "dev").read_text()
    assert "manage.py send_reminders" in script

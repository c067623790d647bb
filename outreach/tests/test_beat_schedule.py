from django.conf import settings

from outreach.celery import app


def test_every_periodic_task_in_the_schedule_exists():
    """A typo in the schedule would mean a reminder that silently never runs."""
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_every_reminder_scan_and_digest_is_run_by_beat():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (
        "events.tasks.send_fulfilment_reminders",
        "sponsors.tasks.send_followup_reminders",
        "events.tasks.send_payment_reminders",
        "events.tasks.send_contract_approval_reminders",
        "jobs.tasks.send_jobs_reminders",
        "outreach.department.tasks.send_department_reminders",
        "outreach.tasks.send_daily_digests",
        "outreach.tasks.send_weekly_digest",
    ):
        assert task in tasks, task
    daily = tasks["outreach.tasks.send_daily_digests"]
    assert (daily.hour, daily.minute) == ({8}, {0})
    weekly = tasks["outreach.tasks.send_weekly_digest"]
    assert weekly.day_of_week == {1} and weekly.hour == {8}  # Monday morning
    scan = tasks["sponsors.tasks.send_followup_reminders"]
    assert (scan.hour, scan.minute) == ({7}, {50})  # before the digest, which reports what they found

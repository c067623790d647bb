from django.conf import settings

from outreach.celery import app


def test_every_periodic_task_in_the_schedule_exists():
    """A typo in the schedule would mean a reminder that silently never runs."""
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name

import tempfile

from django.conf import settings
from django.db import connection
from kombu import Connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def check_broker() -> str:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            _check_folders(options)
        else:
            with Connection(settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_folders(options: dict) -> None:
    """kombu's filesystem transport "connects" to anything: write a file in each folder instead."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            with tempfile.TemporaryFile(dir=options[key]):
                pass

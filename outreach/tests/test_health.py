import pytest

pytestmark = pytest.mark.django_db


def test_health_check_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_health_check_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_health_check_reports_a_filesystem_broker_whose_folder_is_missing(client, settings, tmp_path):
    queue_dir = tmp_path / "queue"
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(queue_dir), "data_folder_out": str(queue_dir)}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")

    queue_dir.mkdir()
    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}


def test_health_check_reports_a_filesystem_broker_that_cannot_write(client, settings, tmp_path):
    # A file where the queue folder should be: nothing can be written there, even by root.
    blocked = tmp_path / "queue"
    blocked.write_text("")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(blocked), "data_folder_out": str(blocked)}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")

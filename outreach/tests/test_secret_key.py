"""The key that signs the public links is never one the source code knows."""

import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse

from events import services as event_services
from events.services import LINK_SALT
from events.tests.factories import make_signed_contract
from jobs.services import STATUS_TOKEN_SALT, application_status_token
from jobs.tests.factories import ApplicationFactory

# The key settings.py used to fall back on: anyone with the source had it.
PUBLISHED_KEY = "django-insecure-outreach-desk-local-only"


def _settings_in_a_new_process(**environ: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SECRET_KEY_FILE"}}
    env.update(environ, DJANGO_SETTINGS_MODULE="outreach.settings")
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_a_new_process(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY 未设置" in result.stderr


def test_quick_start_makes_its_own_random_key_once_and_keeps_it(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    first = _settings_in_a_new_process(DEBUG="1", SECRET_KEY_FILE=str(key_file))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert key == key_file.read_text()
    assert len(key) >= 50 and key != PUBLISHED_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = _settings_in_a_new_process(DEBUG="1", SECRET_KEY_FILE=str(key_file))
    assert again.stdout.strip() == key
    other_checkout = _settings_in_a_new_process(DEBUG="1", SECRET_KEY_FILE=str(tmp_path / "other" / "secret_key"))
    assert other_checkout.stdout.strip() != key


def test_a_set_secret_key_wins_over_the_local_file(tmp_path):
    result = _settings_in_a_new_process(DEBUG="0", SECRET_KEY="k" * 10 + "from-the-environment" * 3)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 10 + "from-the-environment" * 3


@pytest.mark.django_db
def test_links_forged_with_the_published_key_are_refused(client, officer, minister):
    application = ApplicationFactory()
    forged_status = signing.dumps(application.pk, key=PUBLISHED_KEY, salt=STATUS_TOKEN_SALT)
    assert client.get(reverse("jobs:application-status", args=[forged_status])).status_code == 404

    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    link, _token = event_services.merchant_link_create(contract=contract, created_by=officer)
    forged_link = signing.dumps({"link": link.pk}, key=PUBLISHED_KEY, salt=LINK_SALT)
    assert client.get(reverse("events:merchant-link", args=[forged_link])).status_code == 404


@pytest.mark.django_db
def test_rotating_the_key_stops_old_links_unless_the_old_key_is_a_fallback(client, settings):
    application = ApplicationFactory()
    old_key = settings.SECRET_KEY
    token = application_status_token(application)
    url = reverse("jobs:application-status", args=[token])

    settings.SECRET_KEY = "rotated-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert client.get(url).status_code == 200

    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(url).status_code == 404

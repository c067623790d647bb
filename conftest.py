"""Fixtures shared by every app's tests: a member of each role, an outsider, service
availability, and a headless Chromium driven by Playwright."""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from outreach.roles import Role
from outreach.tests.factories import TEST_PASSWORD, MemberFactory, UserFactory

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached: what one test's pages cached (the record's
    figures, a filter form's fragment) never answers another's."""
    from django.core.cache import cache

    cache.clear()


def require(available: bool, reason: str) -> None:
    """Skip a test whose server or tool is missing, or fail it under REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def _port_open(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres(db):
    require(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://...",
    )


@pytest.fixture
def redis_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    require(url.startswith("redis://"), "needs Redis: set CELERY_BROKER_URL=redis://...")
    require(_port_open(url, 6379), f"Redis at {url} does not answer")
    return url


@pytest.fixture
def poppler():
    require(bool(shutil.which("pdftotext") and shutil.which("pdffonts")), "needs poppler-utils (pdftotext, pdffonts)")


# --- People


@pytest.fixture
def officer(db):
    return MemberFactory(role=Role.OFFICER, display_name="王浩然")


@pytest.fixture
def vice_minister(db):
    return MemberFactory(role=Role.VICE_MINISTER, display_name="陈思雨")


@pytest.fixture
def minister(db):
    return MemberFactory(role=Role.MINISTER, display_name="林晓峰")


@pytest.fixture
def advisor(db):
    return MemberFactory(role=Role.ADVISOR, display_name="黄立新")


@pytest.fixture
def outsider(db):
    """Signed in, but not in the department (no role): sees nothing private."""
    return UserFactory(username="outsider")


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def client_for(client):
    """client_for(member_or_user) -> a test client signed in as them."""

    def sign_in(who):
        user = getattr(who, "user", who)
        client.force_login(user)
        return client

    return sign_in


# --- Browser


@pytest.fixture(scope="session")
def _playwright():
    require(os.path.exists(CHROMIUM), f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    snapshots = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        # Playwright runs the rest of the session in a greenlet with its own context, where
        # Django's (context-local) connections are new objects: give them back the snapshot
        # that serialized rollback restores, or transactional tests lose the role groups.
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                connections[alias]._test_serialized_contents = snapshot
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# Transactional tests flush the database when they end; serialized rollback restores what
# the data migrations made (the role groups) before each one.
@pytest.fixture
def phone_page(browser, live_server, django_db_serialized_rollback):
    """A page in a phone-sized (375 px) browser; `page.goto(live_server.url + path)`."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server, django_db_serialized_rollback):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(live_server):
    """log_in(page, member) signs in through the real login form."""

    def _log_in(page, member, password=TEST_PASSWORD):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", member.user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    return _log_in


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at {page.viewport_size['width']}px"

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.db.models import F

from outreach.tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def test_password_reset_mails_a_link_that_sets_a_new_password(client, officer):
    response = client.post("/accounts/password_reset/", {"email": officer.user.email}, follow=True)
    assert "重置密码的链接已经发出" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "外联部工作台：重置密码"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    new_password = "新的密码-Waiyuan-2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert "密码已重置" in done.content.decode()
    signed_in = client.post("/accounts/login/", {"username": officer.user.username, "password": new_password})
    assert signed_in.status_code == 302


def test_password_change_requires_the_old_password(client_for, officer, password):
    client = client_for(officer)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"},
    )
    assert response.status_code == 200
    assert "旧密码" in response.content.decode()
    response = client.post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"},
        follow=True,
    )
    assert "您的密码已修改" in response.content.decode()


def test_pages_load_no_third_party_files(client_for, officer):
    """The campus network may have no internet: every script and stylesheet is ours."""
    page = client_for(officer).get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources


# --- Throttling: login (django-axes) and password reset mails (django-ratelimit)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _log_in(client, username, password, ip):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_an_account_is_locked_after_five_wrong_passwords_from_different_addresses(client, officer, minister):
    username = officer.user.username
    for n in range(4):
        assert _log_in(client, username, "wrong", f"10.0.0.{n + 1}").status_code == 200
    assert _log_in(client, username, "wrong", "10.0.0.5").status_code == 429  # the fifth locks
    locked = _log_in(client, username, TEST_PASSWORD, "10.0.1.1")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "密码连续输错 5 次" in page and "15 分钟后再试" in page
    assert "_auth_user_id" not in client.session
    # Everyone else still signs in, from anywhere.
    assert _log_in(client, minister.user.username, TEST_PASSWORD, "10.0.0.1").status_code == 302


def test_an_address_is_locked_after_five_wrong_passwords_across_accounts(client, officer, minister):
    for n in range(4):
        assert _log_in(client, f"guess{n}", "wrong", "203.0.113.9").status_code == 200
    assert _log_in(client, "guess4", "wrong", "203.0.113.9").status_code == 429
    assert _log_in(client, officer.user.username, TEST_PASSWORD, "203.0.113.9").status_code == 429
    # The same account from another address is fine: it was the address that was guessing.
    assert _log_in(client, officer.user.username, TEST_PASSWORD, "198.51.100.7").status_code == 302


def test_a_correct_password_before_the_limit_clears_the_count(client, officer):
    username = officer.user.username
    for _ in range(4):
        _log_in(client, username, "wrong", "10.0.0.1")
    assert _log_in(client, username, TEST_PASSWORD, "10.0.0.1").status_code == 302
    client.logout()
    for _ in range(4):
        _log_in(client, username, "wrong", "10.0.0.1")
    assert _log_in(client, username, TEST_PASSWORD, "10.0.0.1").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, officer):
    for _ in range(5):
        _log_in(client, officer.user.username, "wrong", "10.0.0.1")
    assert _log_in(client, officer.user.username, TEST_PASSWORD, "10.0.0.1").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert _log_in(client, officer.user.username, TEST_PASSWORD, "10.0.0.1").status_code == 302


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(client, officer, minister, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Every request comes from nginx (127.0.0.1); the guesser forges an X-Forwarded-For entry each time.
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9",
        )
    guesser = client.post(
        "/accounts/login/",
        {"username": officer.user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert guesser.status_code == 429
    colleague = client.post(
        "/accounts/login/",
        {"username": minister.user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert colleague.status_code == 302


def test_password_reset_mails_are_throttled_per_email_address(client, officer):
    email = officer.user.email
    for n in range(3):
        response = client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 302
    refused = client.post("/accounts/password_reset/", {"email": email.upper()}, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    assert "重置密码的请求太频繁" in refused.content.decode()
    assert len(mail.outbox) == 3
    other = MemberFactory()
    assert client.post("/accounts/password_reset/", {"email": other.user.email}).status_code == 302
    assert len(mail.outbox) == 4


def test_password_reset_mails_are_throttled_per_address(client, officer):
    for n in range(10):
        client.post("/accounts/password_reset/", {"email": f"someone{n}@example.edu.cn"}, REMOTE_ADDR="203.0.113.9")
    refused = client.post("/accounts/password_reset/", {"email": officer.user.email}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert mail.outbox == []
    assert client.post("/accounts/password_reset/", {"email": officer.user.email}).status_code == 302
    assert len(mail.outbox) == 1

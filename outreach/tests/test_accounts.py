import re

import pytest
from django.core import mail

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
    assert client.login(username=officer.user.username, password=new_password)


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

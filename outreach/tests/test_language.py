import pytest

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_even_for_an_english_browser(client_for, officer):
    response = client_for(officer).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "退出登录" in response.content.decode()


def test_switching_to_english_translates_the_page(client_for, officer):
    client = client_for(officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Log out" in page
    assert "退出登录" not in page


def test_login_page_can_switch_language_without_an_account(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert "Log in" in response.content.decode()

import pytest

from conftest import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_officer_on_a_phone_sees_chinese_then_switches_to_english(phone_page, live_server, log_in, officer):
    page = phone_page
    log_in(page, officer)
    assert page.url == live_server.url + "/"
    assert page.locator("h1").inner_text() == "你好，王浩然"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert_no_horizontal_scroll(page)

    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("h1").inner_text() == "Hello, 王浩然"
    assert page.locator("html").get_attribute("lang") == "en"
    assert_no_horizontal_scroll(page)

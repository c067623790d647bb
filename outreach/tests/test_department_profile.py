"""The department settings page: what every contract prints of the union's side, minister only."""

import pytest
from django.urls import reverse

from outreach.models import DepartmentProfile

pytestmark = pytest.mark.django_db

URL = reverse("outreach:department-profile")
FORM = {
    "party_name": "华中示范大学学生会",
    "party_authority": "共青团华中示范大学委员会",
    "party_address": "珞喻路 152 号",
    "department_name": "校学生会外联部",
    "contact_name": "林晓峰",
    "contact_phone": "13912345678",
    "contact_email": "",
    "payee_name": "华中示范大学",
    "payee_bank": "中国工商银行武汉珞喻路支行",
    "payee_account": "3202 0012 3456 7890 123",
    "receipt_terms": "",
    "cancellation_terms": "",
    "force_majeure_terms": "",
    "dispute_terms": "",
}


@pytest.mark.parametrize("role", ["officer", "vice_minister", "advisor"])
def test_only_the_minister_opens_the_settings(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert not DepartmentProfile.objects.exists()


def test_minister_sets_the_profile_once_and_edits_it_with_a_version(client_for, minister):
    client = client_for(minister)
    page = client.get(URL)
    assert page.status_code == 200 and "收款账户" in page.content.decode()
    response = client.post(URL, FORM)
    assert response.status_code == 302
    profile = DepartmentProfile.objects.get()
    assert profile.party_authority == "共青团华中示范大学委员会"
    assert profile.payee_account == "3202001234567890123"  # spaces dropped
    assert profile.version == 1
    client.post(URL, {**FORM, "contact_name": "王浩然", "version": "1"})
    profile.refresh_from_db()
    assert (profile.contact_name, profile.version) == ("王浩然", 2)
    assert profile.history.count() == 2


def test_a_stale_save_is_refused_and_shows_what_changed(client_for, minister):
    client = client_for(minister)
    client.post(URL, FORM)
    client.post(URL, {**FORM, "contact_name": "王浩然", "version": "1"})
    response = client.post(URL, {**FORM, "contact_name": "刘思雨", "version": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "此记录已被他人修改，请刷新后重试" in page and "王浩然" in page
    assert DepartmentProfile.objects.get().contact_name == "王浩然"


def test_bad_account_and_phone_are_form_errors(client_for, minister):
    response = client_for(minister).post(URL, {**FORM, "payee_account": "62-22 abc", "contact_phone": "12345"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "账号只能包含数字。" in page
    assert "请输入有效" in page
    assert not DepartmentProfile.objects.exists()


def test_settings_page_query_count(client_for, minister, django_assert_max_num_queries):
    client = client_for(minister)
    client.post(URL, FORM)
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200

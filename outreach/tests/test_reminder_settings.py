"""The minister's reminder settings page: who may see it, and that what is saved is what the scans use."""

import pytest
from django.urls import reverse

from outreach.models import GroupChat, ReminderKind, ReminderRule

pytestmark = pytest.mark.django_db

URL = "/department/reminders/"


def _form_data(**changes) -> dict:
    data = {}
    for rule in ReminderRule.objects.for_settings_page():
        prefix = rule.kind
        for field in ("days", "repeat_days", "direction"):
            data[f"{prefix}-{field}"] = getattr(rule, field)
        for field in ("active", "to_responsible", "to_ministers", "to_vice_ministers", "email", "group_chat"):
            if getattr(rule, field):
                data[f"{prefix}-{field}"] = "on"
    data.update({"chat-platform": "wecom", "chat-webhook_url": ""})
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_the_url_is_the_department_reminder_settings():
    assert reverse("outreach:reminder-settings") == URL


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 403), ("vice_minister", 403), ("advisor", 403), ("minister", 200)]
)
def test_only_the_minister_sees_and_changes_the_reminder_settings(request, client_for, role, status):
    client = client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == status
    response = client.post(URL, _form_data(**{"payment_due-days": "7"}))
    assert response.status_code == (302 if status == 200 else 403)
    expected = 7 if status == 200 else 3
    assert ReminderRule.objects.get(kind=ReminderKind.PAYMENT_DUE).days == expected


def test_an_outsider_and_an_anonymous_visitor_are_kept_out(client, client_for, outsider):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(outsider).get(URL).status_code == 403


def test_every_kind_is_listed_with_its_defaults(client_for, minister, django_assert_max_num_queries):
    client = client_for(minister)
    client.get(URL)
    with django_assert_max_num_queries(8):
        page = client.get(URL).content.decode()
    for kind in ReminderKind:
        assert f'data-testid="rule-{kind.value}"' in page
        assert str(kind.label) in page
    assert ReminderRule.objects.get(kind=ReminderKind.FOLLOWUP_OVERDUE).repeat_days == 3


def test_a_kind_missing_from_the_table_comes_back_with_its_defaults(client_for, minister):
    ReminderRule.objects.filter(kind=ReminderKind.SEASON_OUTREACH).delete()
    assert 'data-testid="rule-season_outreach"' in client_for(minister).get(URL).content.decode()
    assert ReminderRule.objects.get(kind=ReminderKind.SEASON_OUTREACH).days == 14


def test_the_minister_turns_a_kind_off_and_sets_up_the_group_chat(client_for, minister):
    client = client_for(minister)
    response = client.post(
        URL,
        _form_data(
            **{
                "gathering-active": None,
                "chat-active": "on",
                "chat-platform": "dingtalk",
                "chat-webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            }
        ),
    )
    assert response.status_code == 302
    assert ReminderRule.objects.get(kind=ReminderKind.GATHERING).active is False
    chat = GroupChat.current()
    assert chat.enabled and chat.platform == "dingtalk"


def test_a_group_chat_switched_on_without_an_address_is_refused_with_a_reason(client_for, minister):
    response = client_for(minister).post(URL, _form_data(**{"chat-active": "on", "payment_due-days": "9"}))
    assert response.status_code == 200
    assert "启用工作群前请填写机器人 Webhook 地址。" in response.content.decode()
    assert not GroupChat.objects.exists()
    assert ReminderRule.objects.get(kind=ReminderKind.PAYMENT_DUE).days == 3  # nothing saved


def test_more_than_ninety_days_is_refused(client_for, minister):
    response = client_for(minister).post(URL, _form_data(**{"season_outreach-days": "400"}))
    assert response.status_code == 200
    assert "天数不能超过 90。" in response.content.decode()

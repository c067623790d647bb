"""A member's language follows them: chosen once with the switcher, it is kept on their
profile, their e-mails are written in it, and a new device picks it up."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_noop

from outreach.emails import notification_email
from outreach.messages import Message
from outreach.services import notify

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _without_names(text: str, *names: str) -> str:
    for name in (*names, settings.DEPARTMENT_NAME):
        text = text.replace(name, "")
    return text


def test_choosing_english_is_kept_on_the_members_profile(client_for, officer):
    client = client_for(officer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.language == "en"

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "zh-hans"


def test_an_unknown_language_changes_nothing(client_for, officer):
    client_for(officer).post(reverse("set_language"), {"language": "xx", "next": "/"})

    officer.refresh_from_db()
    assert officer.language == ""


def test_a_visitor_still_switches_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_member_who_reads_english_is_emailed_in_english(officer):
    officer.language = "en"
    officer.save(update_fields=["language"])
    notification = notify(
        recipient=officer,
        key="followup-today:1",
        title=Message(gettext_noop("今天要跟进：%(merchant)s"), merchant="瑞幸咖啡"),
        email=False,
    )

    email = notification_email(notification)

    assert email.subject.endswith("Follow up today: 瑞幸咖啡")
    assert "Hello 王浩然," in email.body
    assert not CJK.search(_without_names(email.body, "王浩然", "瑞幸咖啡")), email.body
    assert not CJK.search(_without_names(email.alternatives[0][0], "王浩然", "瑞幸咖啡"))


def test_a_member_who_never_chose_is_emailed_in_the_departments_language(officer):
    notification = notify(
        recipient=officer,
        key="followup-today:1",
        title=Message(gettext_noop("今天要跟进：%(merchant)s"), merchant="瑞幸咖啡"),
        email=False,
    )

    email = notification_email(notification)

    assert email.subject.endswith("今天要跟进：瑞幸咖啡")
    assert "王浩然，您好：" in email.body


def test_a_new_device_takes_the_members_language(client_for, officer):
    officer.language = "en"
    officer.save(update_fields=["language"])

    response = client_for(officer).get(reverse("notification-list"))

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

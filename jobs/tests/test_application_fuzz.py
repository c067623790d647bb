"""The public application form with hostile input: a form error or an application, never a
500, and an application is stored only when the student is told it was (issue 13, item 7)."""

import pytest
from django.urls import reverse
from hypothesis import given

from jobs.models import Application
from outreach.tests.strategies import BOUNDED, form_data

from .factories import PostingFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "张小凡",
    "student_number": "2025030101",
    "class_major": "人文2501班",
    "mobile": "13800138000",
    "gender": "female",
    "availability": "5月1日至3日全天",
    "note": "做过超市促销",
    "consent": "on",
    "share_mobile": "on",
}


@pytest.fixture
def apply_url(settings):
    settings.JOBS_APPLY_RATE = "100000/m"
    return reverse("jobs:apply", args=[PostingFactory(headcount=1000, criteria="女生优先").pk])


@BOUNDED
@given(data=form_data(VALID))
def test_hostile_input_to_the_application_form_gets_a_form_error_or_an_application(client, apply_url, data):
    before = Application.objects.count()
    response = client.post(apply_url, data)
    assert response.status_code in (302, 400, 409), response.status_code
    after = Application.objects.count()
    assert after == before + (1 if response.status_code == 302 else 0)
    if response.status_code == 400:
        assert "<form" in response.content.decode()  # the form again, with its errors

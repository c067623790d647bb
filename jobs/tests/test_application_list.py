"""Applications across postings: the funnel stages as filters; an officer sees the
applications of the postings they made or screened."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.tests.factories import ApplicationFactory, PostingFactory
from outreach.roles import Role
from outreach.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _count(response) -> int:
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_applications_filter_by_stage_posting_and_employer(client_for, advisor):
    first, second = PostingFactory(), PostingFactory()
    ApplicationFactory(posting=first, screening="passed", sent_at=timezone.now(), outcome="hired")
    ApplicationFactory(posting=first, screening="passed", sent_at=timezone.now())
    ApplicationFactory(posting=first, screening="failed")
    ApplicationFactory(posting=second)
    client = client_for(advisor)
    url = reverse("jobs:application-list")
    assert [
        _count(client.get(url + f"?posting={first.pk}&stage={s}")) for s in ("applied", "passed", "sent", "hired")
    ] == [3, 2, 2, 1]
    assert _count(client.get(url + f"?employer={second.merchant_id}")) == 1


def test_an_officer_sees_applications_of_their_postings_or_screened_by_them(client_for):
    officer = MemberFactory(role=Role.OFFICER)
    mine = PostingFactory(created_by=officer)
    ApplicationFactory(posting=mine)
    ApplicationFactory(screened_by=officer, screening="failed")
    ApplicationFactory()
    assert _count(client_for(officer).get(reverse("jobs:application-list"))) == 2

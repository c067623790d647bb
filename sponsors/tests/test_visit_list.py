"""The visit list: by member, week, merchant and purpose; an officer sees their own visits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors.tests.factories import MerchantFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _count(response) -> int:
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_visits_filter_by_member_week_merchant_and_purpose(client_for, minister):
    a, b = MemberFactory(role=Role.OFFICER), MemberFactory(role=Role.OFFICER)
    shop = MerchantFactory()
    now = timezone.now()
    VisitFactory(merchant=shop, created_by=a, members=[a, b], visited_at=now)
    VisitFactory(created_by=a, members=[a], visited_at=now - timedelta(days=14), purpose="jobs")
    VisitFactory(created_by=b, members=[b], visited_at=now - timedelta(days=1))
    client = client_for(minister)
    url = reverse("sponsors:visit-list")
    assert _count(client.get(url)) == 3
    assert _count(client.get(url + f"?member={a.pk}")) == 2  # one visit of two members is one row
    assert _count(client.get(url + f"?merchant={shop.pk}")) == 1
    assert _count(client.get(url + "?purpose=jobs")) == 1
    two_weeks_ago = (timezone.localdate() - timedelta(days=14)).isoformat()
    assert _count(client.get(url + f"?week={two_weeks_ago}")) == 1


def test_an_officer_sees_the_visits_they_made(client_for):
    a, b = MemberFactory(role=Role.OFFICER), MemberFactory(role=Role.OFFICER)
    VisitFactory(created_by=a, members=[a, b])
    VisitFactory(created_by=b, members=[b])
    response = client_for(a).get(reverse("sponsors:visit-list"))
    assert _count(response) == 1
    assert "member" not in response.context["form"].fields


def test_visit_export_names_every_member(client_for, minister):
    import io

    from openpyxl import load_workbook

    a, b = (
        MemberFactory(role=Role.OFFICER, display_name="王浩然"),
        MemberFactory(role=Role.OFFICER, display_name="李雪"),
    )
    VisitFactory(created_by=a, members=[a, b], notes="=cmd|' /C calc'!A0")
    response = client_for(minister).get(reverse("sponsors:visit-list") + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert set(rows[1][2].split("、")) == {"王浩然", "李雪"}
    assert rows[1][6].startswith("'=")

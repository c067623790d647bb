"""Every sponsors view, for the four roles, an outsider and an anonymous visitor."""

import pytest
from django.urls import reverse

from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors.exports import merchant_export_write
from sponsors.models import MerchantExport

from .factories import ContactFactory, FollowUpFactory, MerchantFactory, VisitFactory

pytestmark = pytest.mark.django_db

ROLES = ["officer", "vice_minister", "minister", "advisor"]
READ = {"officer": 200, "vice_minister": 200, "minister": 200, "advisor": 200}
WRITE = {"officer": 200, "vice_minister": 200, "minister": 200, "advisor": 403}
LEAD = {"officer": 403, "vice_minister": 200, "minister": 200, "advisor": 403}
# Someone else's export: only the minister opens it; to the others it does not exist.
MINISTER = {"officer": 404, "vice_minister": 404, "minister": 200, "advisor": 404}


@pytest.fixture
def world(db):
    someone = MemberFactory(role=Role.OFFICER)
    merchant = MerchantFactory(owner=someone)
    return {
        "merchant": merchant,
        "contact": ContactFactory(merchant=merchant),
        "visit": VisitFactory(merchant=merchant, created_by=someone),
        "followup": FollowUpFactory(merchant=merchant, owner=someone),
        "export": _written_export(someone),
    }


def _written_export(member) -> MerchantExport:
    export = MerchantExport.objects.create(requested_by=member)
    merchant_export_write(export_id=export.pk)
    return export


GET_VIEWS = [
    ("sponsors:merchant-list", None, READ),
    ("sponsors:merchant-detail", "merchant", READ),
    ("sponsors:board", None, READ),
    ("sponsors:followups", None, READ),
    ("sponsors:export", None, READ),
    ("sponsors:merchant-search", None, READ),
    ("sponsors:merchant-duplicates", None, READ),
    ("sponsors:visit-detail", "visit", READ),
    ("sponsors:merchant-create", None, WRITE),
    ("sponsors:visit-create", None, WRITE),
    # Someone else's merchant and visit: officers may not edit them.
    ("sponsors:merchant-edit", "merchant", LEAD),
    ("sponsors:contact-create", "merchant", LEAD),
    ("sponsors:contact-edit", "contact", LEAD),
    ("sponsors:visit-edit", "visit", LEAD),
    ("sponsors:import", None, LEAD),
    ("sponsors:export-download", "export", MINISTER),
]


def _url(world, name, obj):
    return reverse(name, args=[world[obj].pk]) if obj else reverse(name)


@pytest.mark.parametrize(("name", "obj", "expected"), GET_VIEWS)
@pytest.mark.parametrize("role", ROLES)
def test_get_views_by_role(request, client_for, world, name, obj, expected, role):
    member = request.getfixturevalue(role)
    response = client_for(member).get(_url(world, name, obj))
    assert response.status_code == expected[role]


@pytest.mark.parametrize(("name", "obj", "_expected"), GET_VIEWS)
def test_outsider_gets_403_and_anonymous_goes_to_login(client, outsider, world, name, obj, _expected):
    url = _url(world, name, obj)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 403


POST_VIEWS = [
    ("sponsors:merchant-stage", "merchant", {"to_stage": "contacted"}, LEAD),
    ("sponsors:merchant-vetting", "merchant", {"vetting_status": "verified"}, LEAD),
    ("sponsors:contact-delete", "contact", {}, LEAD),
    ("sponsors:followup-done", "followup", {}, LEAD),
    ("sponsors:followup-create", "merchant", {"description": "回访", "due_on": "2030-01-01"}, WRITE),
    ("sponsors:import-confirm", None, {"token": "x"}, LEAD),
]


@pytest.mark.parametrize(("name", "obj", "data", "expected"), POST_VIEWS)
@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_post_views_by_role(request, client_for, world, name, obj, data, expected, role):
    who = request.getfixturevalue(role)
    if "owner" not in data and name == "sponsors:followup-create":
        data = {**data, "owner": world["followup"].owner_id}
    response = client_for(who).post(_url(world, name, obj), data)
    allowed = expected.get(role, 403) == 200
    assert response.status_code == (302 if allowed else 403)


def test_officer_edits_the_merchant_they_own(client_for, officer):
    merchant = MerchantFactory(owner=officer)
    assert client_for(officer).get(reverse("sponsors:merchant-edit", args=[merchant.pk])).status_code == 200


def test_officer_edits_their_own_visit_and_completes_own_follow_up(client_for, officer):
    visit = VisitFactory(created_by=officer)
    followup = FollowUpFactory(owner=officer)
    client = client_for(officer)
    assert client.get(reverse("sponsors:visit-edit", args=[visit.pk])).status_code == 200
    assert client.post(reverse("sponsors:followup-done", args=[followup.pk])).status_code == 302
    followup.refresh_from_db()
    assert followup.done_by == officer

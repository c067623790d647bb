"""The merchant and visit pickers over big tables: a search box asking a bounded endpoint, never a
<select> of every row; the chosen pk still checked by the form on the server."""

import factory
import pytest
from django.urls import reverse

from events.models import Proposal
from events.tests.factories import EventFactory
from sponsors.models import BlacklistReason, VettingStatus

from .factories import MerchantFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(db):
    merchants = MerchantFactory.create_batch(30, name=factory.Sequence(lambda n: f"光谷店铺{n:03d}"))
    bad = MerchantFactory(
        name="光谷黑店", vetting_status=VettingStatus.BLACKLISTED, blacklist_reason=BlacklistReason.FRAUD
    )
    return merchants, bad


@pytest.mark.parametrize(
    "url_name,kwargs_of",
    [
        ("events:proposal-create", lambda e: {"pk": e.pk}),
        ("events:contract-create", lambda e: {"pk": e.pk}),
        ("events:material-create", lambda e: {"pk": e.pk}),
        ("jobs:posting-create", None),
    ],
)
def test_create_forms_render_a_search_box_not_every_merchant(client_for, vice_minister, many, url_name, kwargs_of):
    event = EventFactory(owner=vice_minister)
    url = reverse(url_name, kwargs=kwargs_of(event) if kwargs_of else None)
    page = client_for(vice_minister).get(url).content.decode()
    assert "data-picker" in page and reverse("sponsors:merchant-search") in page
    assert "光谷店铺000" not in page and "光谷店铺029" not in page


def test_search_offers_only_what_the_form_accepts_and_a_few_of_them(client_for, officer, many):
    client = client_for(officer)
    url = reverse("sponsors:merchant-search")
    business = client.get(url, {"q": "光谷", "scope": "business"}).content.decode()
    assert "光谷黑店" not in business
    assert business.count("data-id=") == 8  # bounded, whatever the table holds
    assert "光谷黑店" in client.get(url, {"q": "黑店"}).content.decode()  # the visit form may log it
    assert "data-id=" not in client.get(url, {"q": "黑店", "scope": "employer"}).content.decode()


def test_a_blacklisted_pk_posted_past_the_picker_is_refused(client_for, vice_minister, many):
    _, bad = many
    event = EventFactory(owner=vice_minister)
    response = client_for(vice_minister).post(
        reverse("events:proposal-create", kwargs={"pk": event.pk}),
        {"title": "赞助方案", "merchant": bad.pk, "contact": vice_minister.pk},
    )
    assert response.status_code == 200 and not Proposal.objects.exists()
    assert "is-invalid" in response.content.decode()


def test_a_chosen_merchant_is_shown_by_name_after_a_form_error(client_for, vice_minister, many):
    merchant = many[0][3]
    event = EventFactory(owner=vice_minister)
    page = (
        client_for(vice_minister)
        .post(reverse("events:proposal-create", kwargs={"pk": event.pk}), {"merchant": merchant.pk})
        .content.decode()
    )
    assert f'value="{merchant.pk}" id="id_merchant_value"' in page and merchant.name in page


def test_visit_search_lists_recent_visits_of_matching_merchants(client_for, officer, many):
    merchant = many[0][0]
    recent = VisitFactory(merchant=merchant)
    page = client_for(officer).get(reverse("sponsors:visit-search"), {"q": merchant.name}).content.decode()
    assert f'data-id="{recent.pk}"' in page

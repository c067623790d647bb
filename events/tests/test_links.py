from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from events import services
from events.queries import resolve_merchant_link
from events.tests.factories import make_contract, make_signed_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(officer, minister):
    return make_signed_contract(owner=officer, minister=minister, clauses=2)


def test_merchant_without_account_gets_its_contract_and_report(client, officer, signed):
    link, token = services.merchant_link_create(contract=signed, created_by=officer)
    page = client.get(reverse("events:merchant-link", args=[token]))
    assert page.status_code == 200
    assert signed.number in page.content.decode()
    for name in ("events:merchant-link-contract-pdf", "events:merchant-link-report-pdf"):
        response = client.get(reverse(name, args=[token]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


def test_guessed_token_shows_nothing(client, officer, signed):
    link, _token = services.merchant_link_create(contract=signed, created_by=officer)
    forged = signing.dumps({"link": link.pk}, salt="something-else")
    for token in ("x", str(link.pk), forged, forged[:-2] + "aa"):
        assert client.get(reverse("events:merchant-link", args=[token])).status_code == 404
        assert client.get(reverse("events:merchant-link-contract-pdf", args=[token])).status_code == 404


def test_token_shows_only_its_own_contract(client, officer, minister, signed):
    other = make_signed_contract(owner=officer, minister=minister, clauses=1)
    _link, token = services.merchant_link_create(contract=signed, created_by=officer)
    page = client.get(reverse("events:merchant-link", args=[token])).content.decode()
    assert signed.number in page and other.number not in page


def test_expired_link_shows_nothing(client, officer, signed):
    link, token = services.merchant_link_create(contract=signed, created_by=officer, days=1)
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    assert resolve_merchant_link(token) is None
    assert client.get(reverse("events:merchant-link-report-pdf", args=[token])).status_code == 404


def test_revoked_link_shows_nothing(client, client_for, officer, signed):
    link, token = services.merchant_link_create(contract=signed, created_by=officer)
    response = client_for(officer).post(reverse("events:link-revoke", args=[link.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("events:merchant-link", args=[token])).status_code == 404


def test_unsigned_contract_gets_no_link(officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.merchant_link_create(contract=make_contract(owner=officer), created_by=officer)


@pytest.mark.parametrize(("role", "status"), [("officer", 302), ("advisor", 403)])
def test_writers_create_links(request, client_for, signed, role, status):
    response = client_for(request.getfixturevalue(role)).post(
        reverse("events:link-create", args=[signed.pk]), {"days": 7}
    )
    assert response.status_code == status
    assert signed.links.exists() is (status == 302)

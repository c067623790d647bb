"""Where a peer's warning shows: the merchant page and its vetting step (test_bundles), the
entry form while typing and after saving, the import preview, and the proposal, contract
and posting pages and forms."""

import pytest
from django.urls import reverse

from events.tests.factories import ProposalFactory, make_contract
from jobs.tests.factories import PostingFactory
from outreach.alliance import services
from sponsors.models import Merchant
from sponsors.tests.factories import MerchantFactory
from sponsors.tests.test_import import xlsx

from .helpers import SignedBy, blacklist_entry

pytestmark = pytest.mark.django_db

WARNING = "江城大学外联部 2026-10 列入黑名单：收费兼职 — 以兼职为名向学生收取培训费后失联"


@pytest.fixture(autouse=True)
def peer_entry(minister):
    other = SignedBy()
    services.peer_create(by=minister, name="江城大学外联部", school=other.school, public_key=other.public_key)
    services.bundle_import(data=other.bundle([blacklist_entry(phone="13912345678")]))


def test_the_entry_form_warns_while_typing_and_after_saving(officer, client_for):
    client = client_for(officer)
    hint = client.get(reverse("sponsors:merchant-duplicates"), {"name": "金榜教育培训中心", "phone": ""})
    assert WARNING in hint.content.decode()
    response = client.post(
        reverse("sponsors:merchant-create"), {"name": "新商家", "phone": "139 1234 5678", "kind": "shop"}, follow=True
    )
    assert Merchant.objects.filter(name="新商家").exists()
    assert WARNING in response.content.decode()


def test_the_import_preview_warns_on_matching_rows(minister, client_for):
    response = client_for(minister).post(
        reverse("sponsors:import"), {"file": xlsx([["金榜教育培训中心", "", "", "", "", "", "", "", "", "", ""]])}
    )
    page = response.content.decode()
    assert 'data-testid="import-warning"' in page and WARNING in page


def test_proposal_contract_and_posting_pages_and_forms_warn(minister, client_for):
    merchant = MerchantFactory(name="金榜教育培训中心", vetting_status="verified")
    client = client_for(minister)
    proposal = ProposalFactory(merchant=merchant)
    contract = make_contract(merchant=merchant)
    posting = PostingFactory(merchant=merchant)
    for url in (proposal.get_absolute_url(), contract.get_absolute_url(), posting.get_absolute_url()):
        assert WARNING in client.get(url).content.decode(), url
    fragment = client.get(reverse("sponsors:merchant-warnings"), {"merchant": merchant.pk}).content.decode()
    assert WARNING in fragment
    form = client.get(reverse("events:proposal-create", args=[proposal.event.pk])).content.decode()
    assert 'hx-get="/sponsors/warnings/"' in form and 'hx-include="#id_merchant"' in form

"""The sponsor, on a phone, confirms a delivered benefit on the signed link (no account)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import assert_no_horizontal_scroll
from events import services
from events.models import Acceptance, Deliverable
from events.tests.factories import make_signed_contract, png_upload
from outreach.roles import Role
from outreach.tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sponsor_confirms_a_benefit_and_objects_to_another_on_a_phone(phone_page, live_server):
    officer = MemberFactory(role=Role.OFFICER)
    minister = MemberFactory(role=Role.MINISTER)
    vice = MemberFactory(role=Role.VICE_MINISTER)
    contract = make_signed_contract(owner=officer, minister=minister, clauses=2, cash=Decimal("3000"))
    for deliverable in contract.deliverables.all():
        services.deliverable_complete(deliverable=deliverable, member=officer, note="已挂好", images=[png_upload()])
        services.deliverable_verify(deliverable=deliverable, member=vice)
    _link, token = services.merchant_link_create(contract=contract, created_by=officer)
    first, second = contract.deliverables.order_by("pk")

    page = phone_page
    page.goto(live_server.url + reverse("events:merchant-link", args=[token]))
    assert_no_horizontal_scroll(page)
    row = page.locator(f"#deliverable-{first.pk}")
    row.get_by_role("button", name="确认验收").click()
    row = page.locator(f"#deliverable-{first.pk}")
    row.get_by_test_id("acceptance").filter(has_text="已确认验收").wait_for()
    assert row.get_by_role("button", name="确认验收").count() == 0
    assert "已确认 1 项，有异议 0 项，待您验收 1 项。" in page.get_by_test_id("acceptance-summary").inner_text()
    assert Deliverable.objects.get(pk=first.pk).acceptance == Acceptance.CONFIRMED

    other = page.locator(f"#deliverable-{second.pk}")
    other.locator("summary").click()
    other.get_by_label("异议内容").fill("横幅被树挡住了一半")
    other.get_by_role("button", name="提交异议").click()
    page.locator(f"#deliverable-{second.pk}").get_by_test_id("acceptance").filter(has_text="有异议").wait_for()
    assert_no_horizontal_scroll(page)
    assert Deliverable.objects.get(pk=second.pk).acceptance_comment == "横幅被树挡住了一半"

"""Two departments exchange bundles both ways: A is a second Outreach Desk in its own process
and database, B is this test's. What A exports is a file that B's minister uploads, and back."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outreach.alliance import services
from outreach.alliance.models import ReceivedEntry
from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors.services import merchant_set_vetting
from sponsors.tests.factories import MerchantFactory

from .helpers import Department, credit_code

pytestmark = pytest.mark.django_db

WARNING = re.compile(r'data-testid="merchant-warning">(.*?)</div>', re.S)
CODE = credit_code("91420111MA4KX0123")

A_SETUP = f"""
from outreach.alliance import services
from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors.services import merchant_create, merchant_set_vetting
minister = MemberFactory(role=Role.MINISTER, display_name="A部长")
merchant = merchant_create(by=minister, name="金榜教育培训中心", phone="13912345678", credit_code="{CODE}")
merchant_set_vetting(merchant=merchant, status="blacklisted", by=minister,
                     note="内部：负责人电话 13800000000，学生名单见群文件", blacklist_reason="fee_charging")
services.shared_entry_create(by=minister, kind="blacklist", merchant=merchant,
                             note="以兼职为名收取学生服装押金200元后失联")
merchant_create(by=minister, name="华夏速印 (光谷店)", phone="027-87654321")
services.peer_create(by=minister, name="楚天大学外联部", school="楚天大学", public_key=B_KEY)
result = services.own_identity()
"""


def warnings_on(client, merchant) -> list[str]:
    """The alliance warnings shown on the merchant's page, as text."""
    page = client.get(merchant.get_absolute_url()).content.decode()
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block)).strip() for block in WARNING.findall(page)]


def upload(client, data: bytes):
    return client.post(
        reverse("alliance:import"),
        {"file": SimpleUploadedFile("bundle.json", data, content_type="application/json")},
    )


def test_two_departments_exchange_bundles_both_ways_and_a_retraction_clears_the_warning(tmp_path, client_for):
    a = Department(tmp_path / "a", name="江城大学学生会外联部", school="江城大学")
    a.start()
    # Each registers the other with the key the other's alliance page shows.
    a_identity = a.json(A_SETUP.replace("B_KEY", repr(services.own_identity()["public_key"])))
    assert a_identity["public_key"] == a.public_key()
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    services.peer_create(by=minister, name="江城大学外联部", school="江城大学", public_key=a_identity["public_key"])

    # B's merchant: another name, the same credit code. Another: nothing in common.
    same = MerchantFactory(name="武汉金榜教育", credit_code=CODE)
    other = MerchantFactory(name="金榜文具店", phone="13700001111")

    # A exports a file; B's minister uploads it.
    a.manage("alliance_export", "--out", str(tmp_path / "a-1.json"))
    exported = (tmp_path / "a-1.json").read_text(encoding="utf-8")
    assert "服装押金" in exported
    assert "13800000000" not in exported and "学生名单" not in exported  # internal notes stay at A
    client = client_for(minister)
    response = upload(client, (tmp_path / "a-1.json").read_bytes())
    assert response.status_code == 302, response.content.decode()[:2000]

    [warning] = warnings_on(client, same)
    assert warning.startswith("江城大学外联部 2026-")
    assert "列入黑名单：收费兼职 — 以兼职为名收取学生服装押金200元后失联（统一社会信用代码相同）" in warning
    assert warnings_on(client, other) == []

    # The same file again: nothing duplicated.
    upload(client, (tmp_path / "a-1.json").read_bytes())
    assert ReceivedEntry.objects.count() == 1

    # The other way: B blacklists and shares; A imports B's file and sees it on its merchant.
    local = MerchantFactory(name="华夏速印（光谷店）")
    merchant_set_vetting(
        merchant=local, status="blacklisted", by=minister, note="合同签了不付款", blacklist_reason="other"
    )
    services.shared_entry_create(
        by=minister, kind="blacklist", merchant=local, category="breach", note="签约后拒不付款"
    )
    b_file = tmp_path / "b-1.json"
    b_file.write_bytes(client.get(reverse("alliance:export")).content)
    assert "新增 1 条" in a.manage("alliance_import", str(b_file))
    seen_at_a = a.json(
        "from sponsors.models import Merchant\nfrom sponsors.warnings import warnings_for\n"
        "result = [w.text for w in warnings_for(Merchant.objects.get(name='华夏速印 (光谷店)'))]\n"
        # ... and A retracts its own entry.
        "from outreach.alliance import services\nfrom outreach.alliance.models import SharedEntry\n"
        "from outreach.models import Member\n"
        "services.shared_entry_retract(entry=SharedEntry.objects.get(), by=Member.objects.get(display_name='A部长'))"
    )
    assert len(seen_at_a) == 1
    assert seen_at_a[0].startswith("楚天大学外联部 ")
    assert "列入黑名单：违约 — 签约后拒不付款（名称相同）" in seen_at_a[0]

    # A retracted its entry: B imports A's next file and the warning is gone.
    a.manage("alliance_export", "--out", str(tmp_path / "a-2.json"))
    assert upload(client, (tmp_path / "a-2.json").read_bytes()).status_code == 302
    assert warnings_on(client, same) == []
    assert ReceivedEntry.objects.get().retracted

    # An old file imported after the retraction does not bring the entry back.
    upload(client, (tmp_path / "a-1.json").read_bytes())
    assert warnings_on(client, same) == []

"""Bundles in: what is refused (with nothing written), what is idempotent, and the key file."""

import json
import os
import stat
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from outreach.alliance import keys, services
from outreach.alliance.bundles import BundleError, canonical
from outreach.alliance.models import BundleReceipt, Peer, ReceivedEntry, SharedEntry
from sponsors.models import VettingStatus
from sponsors.services import merchant_set_vetting
from sponsors.tests.factories import MerchantFactory
from sponsors.warnings import warnings_for

from .helpers import SignedBy, blacklist_entry, credit_code, retraction

pytestmark = pytest.mark.django_db


@pytest.fixture
def other():
    return SignedBy()


@pytest.fixture
def peer(other, minister):
    return services.peer_create(by=minister, name="江城大学外联部", school=other.school, public_key=other.public_key)


def upload(client, data: bytes):
    return client.post(
        reverse("alliance:import"), {"file": SimpleUploadedFile("bundle.json", data, content_type="application/json")}
    )


def nothing_written():
    return not ReceivedEntry.objects.exists() and not BundleReceipt.objects.exists()


def test_a_peers_entry_warns_on_the_merchant_it_matches(peer, other, minister):
    code = credit_code("91420100MA4K12345")
    by_code = MerchantFactory(name="完全不同的名字", credit_code=code)
    by_name = MerchantFactory(name="金榜 教育培训中心")
    by_phone = MerchantFactory(name="金榜", phone="13912345678")
    other_code = MerchantFactory(name="金榜教育培训中心 ", credit_code=credit_code("91420100MA4K99999"))
    services.bundle_import(
        data=other.bundle(
            [blacklist_entry(credit_code=code), blacklist_entry(name="金榜教育培训中心", phone="139 1234 5678")]
        )
    )
    assert ["统一社会信用代码相同" in w.text for w in warnings_for(by_code)] == [True]
    assert len(warnings_for(by_name)) == 2  # the first entry's name matches too: no codes to tell them apart
    assert ["电话相同" in w.text for w in warnings_for(by_phone)] == [True]
    # Two different credit codes are two businesses, whatever the names.
    assert all("统一社会信用代码" not in w.text for w in warnings_for(other_code))
    assert (
        "江城大学外联部 2026-10 列入黑名单：收费兼职 — 以兼职为名向学生收取培训费后失联"
        in warnings_for(by_code)[0].text
    )


def test_a_tampered_bundle_is_refused_and_nothing_is_written(peer, other, minister, client_for):
    data = json.loads(other.bundle([blacklist_entry()]))
    data["bundle"]["entries"][0]["note"] = "改过的说明"
    response = upload(client_for(minister), json.dumps(data, ensure_ascii=False).encode())
    assert response.status_code == 200
    assert "签名校验失败" in response.content.decode()
    assert nothing_written()


def test_a_bundle_from_an_unregistered_department_is_refused(peer, minister, client_for):
    stranger = SignedBy(name="冒名的外联部")
    response = upload(client_for(minister), stranger.bundle([blacklist_entry()]))
    assert "数据包来自未登记的部门" in response.content.decode()
    assert nothing_written()


def test_a_bundle_signed_by_another_key_in_the_peers_name_is_refused(peer, other, minister):
    impostor = SignedBy()
    payload = other.payload([blacklist_entry()])
    forged = json.dumps({"bundle": payload, "signature": keys.sign(canonical(payload), impostor.key)}).encode()
    with pytest.raises(BundleError, match="签名校验失败"):
        services.bundle_import(data=forged)
    assert nothing_written()


@override_settings(ALLIANCE_BUNDLE_MAX_BYTES=2000)
def test_a_bundle_over_the_size_limit_is_refused(peer, other, minister, client_for):
    data = other.bundle([blacklist_entry(note="很长的说明" * 10) for _ in range(10)])
    assert len(data) > 2000
    response = upload(client_for(minister), data)
    assert "数据包超过大小限制(最大 1 KB)" in response.content.decode()
    assert nothing_written()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "无法作为 JSON 读取"),
        (b'{"bundle": {}}', "没有签名"),
        (b'{"bundle": {"a": 1}, "bundle": {"a": 2}, "signature": "x"}', "重复"),
    ],
)
def test_malformed_files_are_refused(peer, data, message):
    with pytest.raises(BundleError, match=message):
        services.bundle_import(data=data)
    assert nothing_written()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": "2"}, "版本号无效"),
        ({"category": "bad"}, "原因无效"),
        ({"phone": "12345"}, "电话号码"),
        ({"credit_code": "123"}, "18位"),
        ({"name": "名" * 101}, "超过 100 个字"),
        ({"contacts": [{"name": "张三"}]}, "未知的字段"),
    ],
)
def test_a_signed_bundle_with_a_bad_entry_is_refused_whole(peer, other, change, message):
    good = blacklist_entry()
    with pytest.raises(BundleError, match=message):
        services.bundle_import(data=other.bundle([good, blacklist_entry(**change)]))
    assert nothing_written()


def test_entries_update_by_version_and_a_retraction_removes(peer, other):
    merchant = MerchantFactory(name="金榜教育培训中心")
    entry = blacklist_entry()
    first = services.bundle_import(data=other.bundle([entry]))
    assert (first.added, first.updated) == (1, 0)
    again = services.bundle_import(data=other.bundle([entry, retraction(str(uuid.uuid4()), 1)]))  # another file
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    newer = services.bundle_import(data=other.bundle([{**entry, "version": 2, "note": "已报警"}]))
    assert newer.updated == 1
    assert ReceivedEntry.objects.get(uid=entry["id"]).note == "已报警"
    assert "已报警" in warnings_for(merchant)[0].text
    older = services.bundle_import(data=other.bundle([entry, retraction(str(uuid.uuid4()), 1)]))
    assert older.unchanged == 1 and ReceivedEntry.objects.get(uid=entry["id"]).note == "已报警"
    gone = services.bundle_import(data=other.bundle([retraction(entry["id"], 3)]))
    assert gone.retracted == 1
    assert warnings_for(merchant) == []
    assert ReceivedEntry.objects.filter(uid=entry["id"]).count() == 1


def test_the_same_file_twice_is_one_import(peer, other):
    data = other.bundle([blacklist_entry()])
    services.bundle_import(data=data)
    assert services.bundle_import(data=data).already_imported
    assert BundleReceipt.objects.count() == 1


def test_the_private_key_is_a_0600_file_made_once_and_never_in_the_database(settings, tmp_path):
    settings.ALLIANCE_KEY_FILE = str(tmp_path / "var" / "alliance_key")
    public = keys.public_key_text()
    assert stat.S_IMODE(os.stat(settings.ALLIANCE_KEY_FILE).st_mode) == 0o600
    assert keys.public_key_text() == public
    assert len(public) == 44


def test_what_we_export_is_only_what_the_minister_shared(minister, client_for):
    merchant = MerchantFactory(name="黑心中介", phone="13912345678", notes="内部备注：老板姓王")
    merchant_set_vetting(
        merchant=merchant, status=VettingStatus.BLACKLISTED, by=minister, note="内部核查说明", blacklist_reason="fraud"
    )
    services.shared_entry_create(by=minister, kind="blacklist", merchant=merchant, note="冒充招聘收取押金")
    MerchantFactory(name="不分享的商家")
    preview = client_for(minister).get(reverse("alliance:export-preview")).content.decode()
    data = client_for(minister).get(reverse("alliance:export")).content.decode()
    for text in (preview, data):
        assert "冒充招聘收取押金" in text and "13912345678" in text
        assert "内部备注" not in text and "内部核查说明" not in text and "不分享的商家" not in text
    [entry] = json.loads(data)["bundle"]["entries"]
    assert set(entry) == {
        "id",
        "version",
        "kind",
        "retracted",
        "name",
        "credit_code",
        "phone",
        "category",
        "listed_on",
        "note",
        "summary",
    }
    assert entry["category"] == "fraud"


def test_only_the_minister_imports_exports_registers_and_adopts(officer, vice_minister, advisor, client_for, other):
    for member in (officer, vice_minister, advisor):
        client = client_for(member)
        assert client.get(reverse("alliance:home")).status_code == 200
        assert client.get(reverse("alliance:export")).status_code == 403
        assert upload(client, other.bundle([blacklist_entry()])).status_code == 403
        response = client.post(
            reverse("alliance:peer-create"), {"name": "x", "school": "y", "public_key": other.public_key}
        )
        assert response.status_code == 403
    assert not Peer.objects.exists()


def test_the_minister_adopts_a_peers_entry_into_the_local_blacklist(peer, other, minister, client_for):
    merchant = MerchantFactory(name="金榜教育培训中心")
    services.bundle_import(data=other.bundle([blacklist_entry()]))
    entry = ReceivedEntry.objects.get()
    response = client_for(minister).post(
        reverse("alliance:adopt", args=[entry.pk]), {"merchant": merchant.pk, "version": merchant.version}
    )
    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.vetting_status == VettingStatus.BLACKLISTED
    assert merchant.blacklist_reason == "fee_charging"
    assert merchant.vetting_note.startswith("采纳联盟记录：江城大学外联部 2026-10 列入黑名单")
    page = client_for(minister).get(merchant.get_absolute_url()).content.decode()
    assert "采纳联盟记录：江城大学外联部" in page  # the timeline and the history name the source


def test_the_alliance_page_lists_matches_with_fixed_queries(
    peer, other, minister, client_for, django_assert_max_num_queries
):
    for n in range(30):
        MerchantFactory(name=f"商家{n}", phone=f"1391234{n:04d}")
    services.bundle_import(data=other.bundle([blacklist_entry(name=f"商家{n}") for n in range(0, 30, 3)]))
    client = client_for(minister)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("alliance:home")).content.decode()
    assert "本部门有 10 家商家在其他学校被列入黑名单" in page


def test_shared_entries_need_a_local_blacklist(minister):
    merchant = MerchantFactory()
    with pytest.raises(Exception, match="只能分享本部门已拉黑的商家"):
        services.shared_entry_create(by=minister, kind="blacklist", merchant=merchant)
    assert not SharedEntry.objects.exists()

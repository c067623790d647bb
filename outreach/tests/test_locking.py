"""outreach.locking: the conditional UPDATE every versioned save goes through."""

from functools import partial

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from outreach.locking import StaleObjectError, save_changed
from outreach.tests.concurrency import run_at_once
from outreach.tests.factories import UserFactory
from sponsors.models import Merchant, Stage
from sponsors.tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def test_saving_one_field_keeps_a_column_changed_by_someone_else_meanwhile():
    merchant = MerchantFactory(name="周黑鸭", notes="")
    stale = Merchant.objects.get(pk=merchant.pk)
    Merchant.objects.filter(pk=merchant.pk).update(notes="老板姓王，周末在店")
    stale.name = "周黑鸭(街道口店)"
    save_changed(stale, fields=["name"], expected_version=None)
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.name, row.notes, row.version) == ("周黑鸭(街道口店)", "老板姓王，周末在店", 2)
    # The instance and the history row it made are the row as it now is, not the stale copy.
    assert (stale.notes, stale.version) == ("老板姓王，周末在店", 2)
    record = row.history.order_by("-history_date", "-history_id").first()
    assert (record.name, record.notes, record.version) == ("周黑鸭(街道口店)", "老板姓王，周末在店", 2)


def test_a_save_at_an_old_version_is_refused_and_writes_nothing():
    merchant = MerchantFactory(name="周黑鸭")
    stale = Merchant.objects.get(pk=merchant.pk)
    merchant.name = "绝味鸭脖"
    save_changed(merchant, fields=["name"], expected_version=1)
    stale.name = "周黑鸭(旧)"
    records = merchant.history.count()
    with pytest.raises(StaleObjectError) as refused:
        save_changed(stale, fields=["name"], expected_version=1)
    with translation.override("zh-hans"):
        assert refused.value.messages == ["此记录已被他人修改，请刷新后重试"]
    with translation.override("en"):
        assert refused.value.messages == ["This record was changed by someone else; please reload and try again."]
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.name, row.version) == ("绝味鸭脖", 2)
    assert merchant.history.count() == records


def test_a_status_change_from_a_state_the_row_has_left_is_refused():
    merchant = MerchantFactory(stage=Stage.CONTACTED)
    stale = Merchant.objects.get(pk=merchant.pk)
    Merchant.objects.filter(pk=merchant.pk).update(stage=Stage.LOST)
    stale.stage = Stage.SIGNED
    with pytest.raises(StaleObjectError):
        save_changed(stale, fields=["stage"], expected_version=None, where=Q(stage=Stage.CONTACTED))
    assert Merchant.objects.get(pk=merchant.pk).stage == Stage.LOST


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_saves_at_the_same_version_exactly_one_wins(postgres):
    for attempt in range(10):
        merchant = MerchantFactory(name=f"商家{attempt}")
        first, second = (Merchant.objects.get(pk=merchant.pk) for _ in range(2))
        first.name, second.name = "名字一", "名字二"
        outcome = run_at_once(
            first=partial(save_changed, first, fields=["name"], expected_version=1),
            second=partial(save_changed, second, fields=["name"], expected_version=1),
        )
        assert sorted(outcome.values()) == ["refused", "saved"]
        row = Merchant.objects.get(pk=merchant.pk)
        assert row.name == ("名字一" if outcome["first"] == "saved" else "名字二")
        assert row.version == 2
        assert row.history.count() == 2  # created, then the one save that won


def _admin_data(merchant, **changes):
    data = {
        "name": merchant.name,
        "kind": merchant.kind,
        "industry": merchant.industry_id or "",
        "district": merchant.district,
        "address": merchant.address,
        "phone": merchant.phone,
        "website": merchant.website,
        "owner": merchant.owner_id or "",
        "notes": merchant.notes,
        "credit_code": merchant.credit_code,
        "loaded_version": merchant.version,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_admin_refuses_a_change_form_shown_before_someone_else_saved(client):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    merchant = MerchantFactory(name="周黑鸭", notes="")
    url = reverse("admin:sponsors_merchant_change", args=[merchant.pk])
    assert 'name="loaded_version" value="1"' in client.get(url).content.decode()
    Merchant.objects.filter(pk=merchant.pk).update(notes="老板姓王", version=2)

    response = client.post(url, _admin_data(merchant, name="周黑鸭(旧)"))
    assert response.status_code == 200
    assert "此记录已被他人修改，请刷新后重试" in response.content.decode()
    assert Merchant.objects.get(pk=merchant.pk).name == "周黑鸭"

    merchant.refresh_from_db()
    response = client.post(url, _admin_data(merchant, name="周黑鸭(街道口店)"))
    assert response.status_code == 302
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.name, row.notes, row.version) == ("周黑鸭(街道口店)", "老板姓王", 3)
    assert row.history.order_by("-history_date", "-history_id").first().history_user == admin_user

"""Two people editing one merchant: the second save is refused, never written over the first."""

from functools import partial

import pytest
from django.urls import reverse

from outreach.locking import StaleObjectError
from outreach.tests.concurrency import run_at_once
from sponsors.models import BlacklistReason, FollowUp, Merchant, Stage, VettingStatus
from sponsors.services import (
    followup_complete,
    merchant_change_stage,
    merchant_set_vetting,
    merchant_update,
    merchants_transfer,
)

from .factories import FollowUpFactory, MerchantFactory

pytestmark = pytest.mark.django_db

STALE = "此记录已被他人修改，请刷新后重试"


def _blacklist(merchant, by):
    merchant_set_vetting(
        merchant=merchant,
        status=VettingStatus.BLACKLISTED,
        by=by,
        note="要求学生先交200元押金",
        blacklist_reason=BlacklistReason.FEE_CHARGING,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_stale_edit_never_undoes_a_blacklist(postgres, minister, vice_minister):
    for attempt in range(10):
        merchant = MerchantFactory(name=f"某兼职中介{attempt}")
        # Both pages were open before either saved.
        edited, vetted = (Merchant.objects.get(pk=merchant.pk) for _ in range(2))
        outcome = run_at_once(
            edit=partial(merchant_update, merchant=edited, by=vice_minister, phone="02787654321"),
            blacklist=partial(_blacklist, vetted, minister),
        )
        row = Merchant.objects.get(pk=merchant.pk)
        assert "saved" in outcome.values(), outcome
        if outcome["blacklist"] == "saved":
            assert row.vetting_status == VettingStatus.BLACKLISTED, f"try {attempt}: the blacklist was undone"
        if outcome["edit"] == "saved":
            assert row.phone == "02787654321"
        latest = row.history.order_by("-history_date", "-history_id").first()
        assert (latest.vetting_status, latest.phone, latest.version) == (row.vetting_status, row.phone, row.version)


def test_an_edit_form_opened_before_a_blacklist_is_refused(minister, vice_minister):
    merchant = MerchantFactory(name="某兼职中介")
    stale = Merchant.objects.get(pk=merchant.pk)
    _blacklist(merchant, minister)
    with pytest.raises(StaleObjectError):
        merchant_update(merchant=stale, by=vice_minister, name="某兼职中介(新店)")
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.name, row.vetting_status) == ("某兼职中介", VettingStatus.BLACKLISTED)


def test_a_stage_move_from_a_stale_copy_keeps_the_blacklist(minister):
    merchant = MerchantFactory(stage=Stage.CONTACTED)
    stale = Merchant.objects.get(pk=merchant.pk)
    _blacklist(merchant, minister)
    merchant_change_stage(merchant=stale, to_stage=Stage.LOST, by=minister, reason="拉黑")
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.stage, row.vetting_status) == (Stage.LOST, VettingStatus.BLACKLISTED)


def _edit_data(merchant, **changes):
    data = {
        "name": merchant.name,
        "kind": merchant.kind,
        "industry": merchant.industry_id or "",
        "district": merchant.district,
        "phone": merchant.phone,
        "owner": merchant.owner_id or "",
        "version": merchant.version,
    }
    data.update(changes)
    return data


def test_stale_merchant_form_shows_the_message_and_what_changed_and_keeps_the_input(client_for, minister):
    merchant = MerchantFactory(name="周黑鸭", phone="")
    client = client_for(minister)
    shown = client.get(reverse("sponsors:merchant-edit", args=[merchant.pk]))
    assert f'name="version" value="{merchant.version}"' in shown.content.decode()
    # Someone else saves a phone number while the form is open.
    other = Merchant.objects.get(pk=merchant.pk)
    merchant_update(merchant=other, by=minister, phone="027-87654321")

    response = client.post(
        reverse("sponsors:merchant-edit", args=[merchant.pk]),
        _edit_data(merchant, name="周黑鸭(街道口店)", phone="13912345678"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page
    changes = response.context["stale_changes"]
    assert [(c.label, c.loaded, c.typed, c.current) for c in changes] == [("电话", "—", "13912345678", "02787654321")]
    assert 'data-testid="stale-changes"' in page and "02787654321" in page
    # What the user typed is still in the form; nothing was saved.
    assert 'value="周黑鸭(街道口店)"' in page
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.name, row.phone) == ("周黑鸭", "02787654321")

    # Having seen the changes, saving the re-shown form again is deliberate and goes through.
    assert response.context["form"]["version"].value() == str(row.version)
    again = client.post(
        reverse("sponsors:merchant-edit", args=[merchant.pk]),
        _edit_data(merchant, name="周黑鸭(街道口店)", phone="027-87654321", version=row.version),
    )
    assert again.status_code == 302
    assert Merchant.objects.get(pk=merchant.pk).name == "周黑鸭(街道口店)"


def test_the_merchant_form_still_saves_when_nobody_else_did(client_for, minister):
    merchant = MerchantFactory(name="周黑鸭")
    response = client_for(minister).post(
        reverse("sponsors:merchant-edit", args=[merchant.pk]), _edit_data(merchant, name="周黑鸭(光谷店)")
    )
    assert response.status_code == 302
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.name, row.version) == ("周黑鸭(光谷店)", 2)


def test_board_drag_of_a_card_someone_else_moved_is_refused_cleanly(client_for, minister, vice_minister):
    merchant = MerchantFactory(stage=Stage.CONTACTED)
    merchant_change_stage(merchant=merchant, to_stage=Stage.LOST, by=minister, reason="不再合作")
    response = client_for(vice_minister).post(
        reverse("sponsors:merchant-stage", args=[merchant.pk]),
        {"to_stage": Stage.NEGOTIATING, "from_stage": Stage.CONTACTED},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json() == {"ok": False, "error": STALE, "stage": Stage.LOST}
    assert Merchant.objects.get(pk=merchant.pk).stage == Stage.LOST


def test_stage_button_on_a_stale_page_says_so(client_for, minister, vice_minister):
    merchant = MerchantFactory(stage=Stage.CONTACTED)
    merchant_change_stage(merchant=merchant, to_stage=Stage.LOST, by=minister, reason="不再回复")
    response = client_for(vice_minister).post(
        reverse("sponsors:merchant-stage", args=[merchant.pk]),
        {"to_stage": Stage.NEGOTIATING, "from_stage": Stage.CONTACTED, "next": "board"},
        follow=True,
    )
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert Merchant.objects.get(pk=merchant.pk).stage == Stage.LOST


def test_vetting_from_a_page_opened_before_an_edit_is_refused(client_for, minister):
    merchant = MerchantFactory()
    version = merchant.version
    page = client_for(minister).get(merchant.get_absolute_url()).content.decode()
    assert f'name="version" value="{version}"' in page and 'name="from_stage" value="prospect"' in page
    merchant_update(merchant=Merchant.objects.get(pk=merchant.pk), by=minister, credit_code="91420100MA4KXXXX0D")
    response = client_for(minister).post(
        reverse("sponsors:merchant-vetting", args=[merchant.pk]),
        {"vetting_status": VettingStatus.VERIFIED, "vetting_note": "", "credit_code": "", "version": version},
        follow=True,
    )
    assert STALE in response.content.decode()
    row = Merchant.objects.get(pk=merchant.pk)
    assert (row.vetting_status, row.credit_code) == (VettingStatus.UNVERIFIED, "91420100MA4KXXXX0D")


def test_a_handover_refuses_an_edit_form_opened_before_it(officer, vice_minister, minister):
    merchant = MerchantFactory(owner=officer)
    stale = Merchant.objects.get(pk=merchant.pk)
    merchants_transfer(officer, vice_minister)
    with pytest.raises(StaleObjectError):
        merchant_update(merchant=stale, by=minister, owner=officer)
    assert Merchant.objects.get(pk=merchant.pk).owner == vice_minister


def test_completing_a_follow_up_keeps_a_change_made_meanwhile_and_is_in_its_history(officer, vice_minister):
    followup = FollowUpFactory(owner=officer)
    stale = FollowUp.objects.get(pk=followup.pk)
    FollowUp.objects.filter(pk=followup.pk).update(description="回访确认赞助金额和横幅尺寸")
    assert followup_complete(followup=stale, by=vice_minister)
    assert not followup_complete(followup=FollowUp.objects.get(pk=followup.pk), by=officer)
    row = FollowUp.objects.get(pk=followup.pk)
    assert (row.description, row.done_by) == ("回访确认赞助金额和横幅尺寸", vice_minister)
    record = row.history.order_by("-history_date", "-history_id").first()
    assert (record.done_by_id, record.history_user_id) == (vice_minister.pk, vice_minister.user_id)

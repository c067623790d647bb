from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach.contributions import HANDOVERS, METRICS
from sponsors.models import BlacklistReason, FollowUp, Merchant, Stage, StageChange, VettingStatus
from sponsors.services import (
    contact_delete,
    contact_save,
    followup_complete,
    merchant_change_stage,
    merchant_create,
    merchant_set_vetting,
    merchant_update,
    visit_log,
)
from sponsors.timeline import timeline_for

from .factories import ContactFactory, FollowUpFactory, IndustryFactory, MerchantFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_stage_change_is_recorded_with_who_and_why(vice_minister):
    merchant = MerchantFactory(stage=Stage.NEGOTIATING)
    change = merchant_change_stage(merchant=merchant, to_stage=Stage.LOST, by=vice_minister, reason="签约时反悔")
    merchant.refresh_from_db()
    assert merchant.stage == Stage.LOST
    assert (change.from_stage, change.to_stage, change.changed_by, change.reason) == (
        Stage.NEGOTIATING,
        Stage.LOST,
        vice_minister,
        "签约时反悔",
    )


def test_moving_to_the_same_stage_records_nothing(minister):
    merchant = MerchantFactory(stage=Stage.SIGNED)
    assert merchant_change_stage(merchant=merchant, to_stage=Stage.SIGNED, by=minister) is None
    assert not StageChange.objects.exists()


def test_unknown_stage_is_refused(minister):
    with pytest.raises(ValidationError):
        merchant_change_stage(merchant=MerchantFactory(), to_stage="won", by=minister)


def test_visit_log_moves_stage_and_opens_follow_up(officer, vice_minister):
    merchant = MerchantFactory()
    due = timezone.localdate() + timedelta(days=3)
    visit = visit_log(
        merchant=merchant,
        by=officer,
        visited_at=timezone.now(),
        members=[officer, vice_minister],
        method="in_person",
        purpose="sponsorship",
        outcome="interested",
        notes="店长有兴趣",
        lesson="先问清谁管预算",
        new_stage=Stage.CONTACTED,
        next_step="发送方案书",
        due_on=due,
    )
    merchant.refresh_from_db()
    assert merchant.stage == Stage.CONTACTED
    assert set(visit.members.all()) == {officer, vice_minister}
    followup = FollowUp.objects.get()
    assert (followup.owner, followup.due_on, followup.visit, followup.is_open) == (officer, due, visit, True)
    kinds = [entry.kind for entry in timeline_for(merchant)]
    assert "visit" in kinds and "stage" in kinds


def test_visit_log_needs_a_due_date_for_the_next_step(officer):
    with pytest.raises(ValidationError):
        visit_log(
            merchant=MerchantFactory(),
            by=officer,
            visited_at=timezone.now(),
            members=[officer],
            method="phone",
            purpose="jobs",
            outcome="undecided",
            next_step="再打一次电话",
        )


def test_visit_in_the_future_is_refused(officer):
    with pytest.raises(ValidationError):
        visit_log(
            merchant=MerchantFactory(),
            by=officer,
            visited_at=timezone.now() + timedelta(days=2),
            members=[officer],
            method="phone",
            purpose="jobs",
            outcome="undecided",
        )


def test_completing_a_follow_up_twice_counts_once(officer):
    followup = FollowUpFactory(owner=officer)
    assert followup_complete(followup=followup, by=officer) is True
    assert followup_complete(followup=followup, by=officer) is False
    assert followup.done_by == officer and not followup.is_open


def test_blacklisting_needs_a_reason_and_hides_from_pickers(minister):
    merchant = MerchantFactory(vetting_status=VettingStatus.VERIFIED)
    with pytest.raises(ValidationError):
        merchant_set_vetting(merchant=merchant, status=VettingStatus.BLACKLISTED, by=minister, note="收押金")
    merchant_set_vetting(
        merchant=merchant,
        status=VettingStatus.BLACKLISTED,
        by=minister,
        note="向学生收取押金",
        blacklist_reason=BlacklistReason.FEE_CHARGING,
    )
    assert merchant.is_blacklisted and merchant.vetted_by == minister
    assert merchant not in Merchant.objects.eligible_for_business()
    assert any(entry.kind == "vetting" for entry in timeline_for(merchant))


def test_vetting_refuses_a_wrong_credit_code(minister):
    with pytest.raises(ValidationError):
        merchant_set_vetting(
            merchant=MerchantFactory(), status=VettingStatus.VERIFIED, by=minister, credit_code="91350100M000100Y44"
        )


def test_suggested_merchants_are_verified_partners_first_never_blacklisted():
    food = IndustryFactory(name="食品")
    partner = MerchantFactory(name="乙", industry=food, stage=Stage.PARTNER, vetting_status=VettingStatus.VERIFIED)
    prospect = MerchantFactory(name="甲", industry=food, vetting_status=VettingStatus.VERIFIED)
    MerchantFactory(industry=food)  # unverified
    MerchantFactory(industry=food, vetting_status=VettingStatus.BLACKLISTED, blacklist_reason="fraud")
    assert list(Merchant.objects.suggested_for_industries([food])) == [partner, prospect]


def test_merchant_create_normalizes_phone(officer):
    merchant = merchant_create(by=officer, name=" 李宁专卖店 ", phone="138 0013 8000", industry=IndustryFactory())
    assert (merchant.name, merchant.phone) == ("李宁专卖店", "13800138000")


def test_one_primary_contact_per_merchant(officer):
    merchant = MerchantFactory()
    first = ContactFactory(merchant=merchant, is_primary=True)
    second = ContactFactory.build(merchant=merchant, is_primary=True)
    contact_save(contact=second, by=officer)
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    contact_delete(contact=second, by=officer)
    first.refresh_from_db()
    assert first.is_primary


def test_visit_metric_counts_each_member_once_per_visit_in_range(officer, vice_minister):
    today = timezone.localdate()
    VisitFactory(members=[officer, vice_minister])
    VisitFactory(members=[officer])
    VisitFactory(members=[officer], visited_at=timezone.now() - timedelta(days=40))
    counts = METRICS["visit"].count(today - timedelta(days=7), today)
    assert counts == {officer.pk: 2, vice_minister.pk: 1}


def test_handover_moves_merchants_and_open_follow_ups(officer, vice_minister):
    MerchantFactory.create_batch(2, owner=officer)
    FollowUpFactory(owner=officer)
    FollowUpFactory(owner=officer, done_at=timezone.now())
    assert HANDOVERS["merchants"].transfer(officer, vice_minister) == 2
    assert HANDOVERS["followups"].transfer(officer, vice_minister) == 1
    assert FollowUp.objects.filter(owner=officer).count() == 1  # the done one stays in the record


def test_metric_date_range_is_inclusive(officer):
    visit = VisitFactory(members=[officer])
    day = timezone.localtime(visit.visited_at).date()
    assert METRICS["visit"].count(day, day) == {officer.pk: 1}
    assert METRICS["visit"].count(date(2000, 1, 1), day - timedelta(days=1)) == {}


def test_merchant_tags_are_created_with_the_merchant_and_replaced_on_update(officer):
    merchant = merchant_create(by=officer, name="安踏(街道口店)", tag_names=["五一", "球赛"])
    assert sorted(merchant.tags.values_list("name", flat=True)) == ["五一", "球赛"]
    merchant_update(merchant=merchant, by=officer, tag_names=["暑假"])
    assert list(merchant.tags.values_list("name", flat=True)) == ["暑假"]


def test_a_merchant_that_fails_validation_leaves_no_new_tags(officer):
    from django.core.exceptions import ValidationError

    from sponsors.models import Tag

    with pytest.raises(ValidationError):
        merchant_create(by=officer, name="坏电话小店", phone="12345", tag_names=["只属于失败的商家"])
    assert not Tag.objects.filter(name="只属于失败的商家").exists()

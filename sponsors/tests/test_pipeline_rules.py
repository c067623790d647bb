"""The pipeline tells the truth: a step back says why, and a wavering merchant is marked."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events.tests.factories import MerchantFactory
from sponsors.models import Stage, StageChange
from sponsors.services import merchant_change_stage, visit_log

pytestmark = pytest.mark.django_db


def test_a_step_back_or_a_loss_needs_a_reason_and_a_step_forward_does_not(vice_minister):
    merchant = MerchantFactory(stage=Stage.NEGOTIATING)
    for to_stage in (Stage.CONTACTED, Stage.LOST):
        with pytest.raises(ValidationError, match="请写明原因"):
            merchant_change_stage(merchant=merchant, to_stage=to_stage, by=vice_minister, reason="  ")
    assert not StageChange.objects.exists()
    merchant_change_stage(merchant=merchant, to_stage=Stage.SIGNED, by=vice_minister)
    merchant_change_stage(merchant=merchant, to_stage=Stage.LOST, by=vice_minister, reason="签约后不再回复")
    merchant_change_stage(merchant=merchant, to_stage=Stage.CONTACTED, by=vice_minister)  # back from 已流失
    assert [c.to_stage for c in StageChange.objects.order_by("pk")] == [Stage.SIGNED, Stage.LOST, Stage.CONTACTED]


def test_a_visit_that_moves_the_merchant_back_needs_the_reason_and_writes_nothing_without_it(officer):
    merchant = MerchantFactory(stage=Stage.NEGOTIATING)
    fields = {
        "merchant": merchant,
        "by": officer,
        "visited_at": timezone.now(),
        "members": [officer],
        "method": "in_person",
        "purpose": "sponsorship",
        "outcome": "declined",
        "new_stage": Stage.LOST,
    }
    with pytest.raises(ValidationError) as refused:
        visit_log(**fields)
    assert "stage_reason" in refused.value.error_dict
    assert not merchant.visits.exists()
    visit_log(**fields, stage_reason="预算砍了，今年不赞助")
    assert StageChange.objects.get().reason == "预算砍了，今年不赞助"


def test_the_stage_form_without_a_reason_says_so(client_for, vice_minister):
    merchant = MerchantFactory(stage=Stage.NEGOTIATING)
    client = client_for(vice_minister)
    url = reverse("sponsors:merchant-stage", args=[merchant.pk])
    response = client.post(url, {"to_stage": "contacted"}, follow=True)
    assert "请写明原因" in response.content.decode()
    merchant.refresh_from_db()
    assert merchant.stage == Stage.NEGOTIATING
    response = client.post(url, {"to_stage": "lost"}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json()["needs_reason"] is True


def test_a_merchant_that_went_back_twice_is_marked_wavering(client_for, officer, vice_minister):
    merchant = MerchantFactory(stage=Stage.NEGOTIATING)
    client = client_for(officer)
    merchant_change_stage(merchant=merchant, to_stage=Stage.CONTACTED, by=vice_minister, reason="要再考虑")
    merchant_change_stage(merchant=merchant, to_stage=Stage.NEGOTIATING, by=vice_minister)
    assert 'data-testid="wavering"' not in client.get(merchant.get_absolute_url()).content.decode()
    merchant_change_stage(merchant=merchant, to_stage=Stage.LOST, by=vice_minister, reason="签约时反悔")
    page = client.get(merchant.get_absolute_url()).content.decode()
    assert 'data-testid="wavering"' in page and "商家反复不定" in page
    assert "已退回或流失 2 次" in page

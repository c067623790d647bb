import pytest
from django.utils import timezone

from outreach.demo import seed as seed_department
from sponsors import demo
from sponsors.models import FollowUp, Merchant, StageChange, VettingStatus, Visit

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_covers_the_story():
    seed_department()
    demo.seed()
    counts = (Merchant.objects.count(), Visit.objects.count(), StageChange.objects.count(), FollowUp.objects.count())
    demo.seed()
    assert counts == (
        Merchant.objects.count(),
        Visit.objects.count(),
        StageChange.objects.count(),
        FollowUp.objects.count(),
    )
    assert counts[0] >= 40
    agency = Merchant.objects.get(vetting_status=VettingStatus.BLACKLISTED)
    assert agency.blacklist_reason == "fee_charging"
    today = timezone.localdate()
    open_ones = FollowUp.objects.open()
    assert open_ones.filter(due_on__lt=today).exists() and open_ones.filter(due_on__gte=today).exists()
    assert FollowUp.objects.done().exists()
    assert Visit.objects.exclude(lesson="").exists()
    assert Merchant.objects.values("owner").distinct().count() >= 6
    for merchant in Merchant.objects.all():
        merchant.full_clean()

import pytest
from django.core.management import call_command

from sponsors.models import Merchant
from sponsors.warnings import warnings_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_peer_whose_entry_warns_on_a_demo_merchant(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # again: nothing doubled
    [warning] = warnings_for(Merchant.objects.get(name="金榜职业技能培训中心"))
    assert warning.text.startswith("江城大学学生会外联部 ")
    assert "收费兼职" in warning.text

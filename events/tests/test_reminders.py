from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.tasks import send_fulfilment_reminders
from events.tests.factories import EventFactory, make_signed_contract
from outreach.models import Notification

pytestmark = pytest.mark.django_db


def test_owner_is_reminded_of_due_and_overdue_deliverables_once(officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=2)
    first, second = contract.deliverables.all()
    today = timezone.localdate()
    first.due_on = today - timedelta(days=1)
    first.save()
    second.due_on = today + timedelta(days=1)
    second.save()
    assert send_fulfilment_reminders.delay().get() == 2
    assert send_fulfilment_reminders.delay().get() == 0
    titles = sorted(Notification.objects.filter(recipient=officer).values_list("title", flat=True))
    assert any(title.startswith("落实事项已逾期") for title in titles)
    assert any(title.startswith("落实事项即将到期") for title in titles)


def test_far_off_deliverables_are_not_reminded(officer, minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    contract.deliverables.update(due_on=timezone.localdate() + timedelta(days=20))
    assert services.fulfilment_reminders_send() == 0


def test_borrowed_material_due_back_is_reminded_until_returned(officer):
    event = EventFactory()
    material = services.material_add(
        event=event,
        name="计分牌",
        source="borrowed",
        supplier="体育部",
        responsible=officer,
        return_due=timezone.localdate(),
    )
    assert services.fulfilment_reminders_send() == 1
    services.material_mark_returned(material=material)
    Notification.objects.all().delete()
    assert services.fulfilment_reminders_send() == 0

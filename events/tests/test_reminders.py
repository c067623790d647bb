from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events import services
from events.models import ContractStatus
from events.tasks import send_contract_approval_reminders, send_fulfilment_reminders, send_payment_reminders
from events.tests.factories import EventFactory, make_contract, make_signed_contract, png_upload
from outreach.models import Member, Notification

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


# --- Payments, approvals, and reminders resolved when the thing is dealt with


def _unread(member: Member) -> list[str]:
    return list(Notification.objects.unread().filter(recipient=member).values_list("title", flat=True))


def test_drafter_and_minister_hear_of_a_payment_due_and_one_overdue_once_each(officer, minister, vice_minister):
    today = timezone.localdate()
    contract = make_signed_contract(
        owner=officer,
        minister=minister,
        clauses=1,
        cash=Decimal("2250"),
        instalments=[(750, today - timedelta(days=3)), (750, today), (750, today + timedelta(days=30))],
    )
    late = contract.payments.get(due_on=today - timedelta(days=3))
    Notification.objects.all().delete()

    assert send_payment_reminders.delay().get() == 4  # two payments × (drafter, minister)
    assert send_payment_reminders.delay().get() == 0
    for member in (officer, minister):
        titles = sorted(_unread(member))
        assert len(titles) == 2
        assert titles[0].startswith(f"款项将于 {today.year}年{today.month}月{today.day}日 到期：{contract.number}")
        assert titles[1].startswith(f"款项逾期 3 天未到账：{contract.number}")
    assert _unread(vice_minister) == []

    services.payment_receive(payment=late)
    assert len(_unread(officer)) == 1 and len(_unread(minister)) == 1


def test_a_contract_waiting_for_approval_reminds_the_minister_and_approving_resolves_it(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    assert _unread(minister) == [f"合同待审批：{contract.number} {contract.merchant}"]
    assert services.contract_approval_reminders_send() == 0  # not waiting long yet
    later = timezone.now() + timedelta(days=3)
    assert send_contract_approval_reminders.delay().get() == 0
    assert services.contract_approval_reminders_send(now=later) == 1
    assert services.contract_approval_reminders_send(now=later) == 0
    assert _unread(minister) == [f"合同已等待审批 3 天：{contract.number} {contract.merchant}"]

    services.contract_approve(contract=contract, member=minister)
    assert _unread(minister) == []  # the minister's bell no longer shows a contract dealt with
    assert _unread(officer) == [f"合同已审批，可以签署：{contract.number}"]


def test_when_the_advisors_sign_off_completes_a_contract_the_drafter_is_told(officer, minister, advisor):
    contract = make_contract(owner=officer, cash=Decimal("8000"))
    services.contract_submit(contract=contract, member=officer)
    assert len(_unread(advisor)) == 1
    services.contract_approve(contract=contract, member=minister)
    assert _unread(officer) == []  # still waiting for the advisor
    later = timezone.now() + timedelta(days=3)
    assert services.contract_approval_reminders_send(now=later) == 1  # the advisor only
    assert _unread(advisor) == [f"合同已等待指导老师签批 3 天：{contract.number} {contract.merchant}"]

    services.contract_advisor_signoff(contract=contract, member=advisor)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    assert _unread(advisor) == []
    assert _unread(officer) == [f"合同已审批，可以签署：{contract.number}"]


def test_returning_a_contract_to_draft_resolves_the_approvers_reminders(officer, minister):
    contract = make_contract(owner=officer)
    services.contract_submit(contract=contract, member=officer)
    services.contract_return_to_draft(contract=contract)
    assert _unread(minister) == []


def test_a_verified_deliverable_leaves_the_owners_unread_count(officer, minister, vice_minister):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    deliverable = contract.deliverables.get()
    deliverable.due_on = timezone.localdate() - timedelta(days=1)
    deliverable.save()
    Notification.objects.all().delete()
    services.fulfilment_reminders_send()
    assert len(_unread(officer)) == 1
    services.deliverable_complete(deliverable=deliverable, member=officer, note="已挂", images=[png_upload()])
    services.deliverable_verify(deliverable=deliverable, member=vice_minister)
    assert _unread(officer) == []
    assert services.fulfilment_reminders_send() == 0


def test_an_officer_browsing_in_english_still_sends_the_minister_a_chinese_notification(officer, minister):
    from django.utils import translation

    contract = make_contract(owner=officer)
    with translation.override("en"):
        services.contract_submit(contract=contract, member=officer)
        services.contract_approval_reminders_send(now=timezone.now() + timedelta(days=3))
    assert _unread(minister) == [f"合同已等待审批 3 天：{contract.number} {contract.merchant}"]

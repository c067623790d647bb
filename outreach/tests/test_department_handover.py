import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from outreach import contributions
from outreach.contributions import Handover
from outreach.department.services import handover_run
from outreach.roles import Role
from outreach.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_handovers(monkeypatch):
    calls = []

    def moves(n):
        def transfer(from_member, to_member):
            calls.append((from_member.pk, to_member.pk))
            return n

        return transfer

    monkeypatch.setattr(
        contributions,
        "HANDOVERS",
        {
            "merchants": Handover("merchants", "商家", moves(3)),
            "deliverables": Handover("deliverables", "权益", moves(2)),
        },
    )
    return calls


def test_minister_hands_over_everything_and_the_leaver_is_retired(client_for, minister, recorded_handovers):
    leaver, successor = MemberFactory(role=Role.OFFICER), MemberFactory(role=Role.OFFICER)
    response = client_for(minister).post(
        reverse("outreach:handover"), {"from_member": leaver.pk, "to_member": successor.pk, "confirm": "on"}
    )
    assert response.status_code == 302
    assert recorded_handovers == [(leaver.pk, successor.pk)] * 2
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert not leaver.is_active and not leaver.user.is_active
    assert successor.notifications.filter(key=f"handover:{leaver.pk}:{successor.pk}").exists()


def test_a_failing_transfer_rolls_back_the_whole_handover(minister, monkeypatch):
    leaver, successor = MemberFactory(role=Role.OFFICER), MemberFactory(role=Role.OFFICER)

    def moves_then_fails(from_member, to_member):
        from_member.display_name = "已改名"
        from_member.save()
        raise RuntimeError("disk full")

    monkeypatch.setattr(contributions, "HANDOVERS", {"x": Handover("x", "x", moves_then_fails)})
    with pytest.raises(RuntimeError):
        handover_run(from_member=leaver, to_member=successor, by=minister)
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.display_name != "已改名"


@pytest.mark.parametrize("role", ["officer", "vice_minister", "advisor"])
def test_only_the_minister_runs_a_handover(request, client_for, role, recorded_handovers):
    leaver, successor = MemberFactory(role=Role.OFFICER), MemberFactory(role=Role.OFFICER)
    actor = request.getfixturevalue(role)
    response = client_for(actor).post(
        reverse("outreach:handover"), {"from_member": leaver.pk, "to_member": successor.pk, "confirm": "on"}
    )
    assert response.status_code == 403
    assert recorded_handovers == []
    with pytest.raises(PermissionDenied):
        handover_run(from_member=leaver, to_member=successor, by=actor)


def test_handover_to_oneself_is_refused(client_for, minister, recorded_handovers):
    member = MemberFactory(role=Role.OFFICER)
    response = client_for(minister).post(
        reverse("outreach:handover"), {"from_member": member.pk, "to_member": member.pk, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "不能是同一个人" in response.content.decode()
    assert recorded_handovers == []


def test_registered_handovers_of_the_other_apps_run_for_real(minister):
    """Whatever sponsors/events registered moves the leaver's merchants to the successor."""
    from sponsors.models import Merchant

    leaver, successor = MemberFactory(role=Role.OFFICER), MemberFactory(role=Role.OFFICER)
    merchant = Merchant.objects.create(name="李宁体育", owner=leaver)
    moved = handover_run(from_member=leaver, to_member=successor, by=minister)
    assert set(moved) == set(contributions.HANDOVERS)
    if "merchants" in contributions.HANDOVERS:
        merchant.refresh_from_db()
        assert merchant.owner == successor

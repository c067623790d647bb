import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from outreach import roles
from outreach.models import Member, Team

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Member.objects.exists()


def test_seed_demo_builds_the_department_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Member.objects.count(), Team.objects.count(), get_user_model().objects.count())
    call_command("seed_demo")
    assert (Member.objects.count(), Team.objects.count(), get_user_model().objects.count()) == counts

    by_role = {}
    for member in Member.objects.select_related("user", "team"):
        by_role.setdefault(roles.primary_role(member.user), []).append(member)
    assert len(by_role["minister"]) == 1
    assert len(by_role["vice_minister"]) == 1
    assert len(by_role["advisor"]) == 1
    officers = by_role["officer"]
    assert len(officers) == 6
    assert {o.team.name for o in officers} == {"校企组", "校际组"}
    output = capsys.readouterr().out
    assert "linxiaofeng" in output and "outreach2026" in output


def test_seed_demo_runs_with_force_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert Member.objects.filter(display_name="林晓峰").exists()

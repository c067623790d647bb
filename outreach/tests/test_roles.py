import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from outreach import roles
from outreach.roles import Role
from outreach.services import member_create, member_set_role

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_as_groups_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "officer",
        "vice_minister",
        "minister",
        "advisor",
    }


def test_advisor_reads_but_cannot_write(advisor):
    assert roles.is_member(advisor.user)
    assert not roles.can_write(advisor.user)
    assert not roles.is_leader(advisor.user)


def test_minister_only_minister_may_manage_members(minister, vice_minister, officer):
    assert minister.user.has_perm("outreach.change_member")
    assert not vice_minister.user.has_perm("outreach.change_member")
    assert not officer.user.has_perm("outreach.change_member")
    assert officer.user.has_perm("outreach.view_member")


def test_changing_role_replaces_the_old_one(officer):
    member_set_role(member=officer, role=Role.VICE_MINISTER)
    officer.user.refresh_from_db()
    assert roles.role_names(officer.user) == {"vice_minister"}


def test_member_create_rejects_a_bad_mobile_and_saves_nothing():
    with pytest.raises(ValidationError) as excinfo:
        member_create(username="newbie", display_name="新人", role=Role.OFFICER, mobile="12345")
    assert "mobile" in excinfo.value.message_dict
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="newbie").exists()


def test_member_create_stores_the_mobile_in_one_form():
    member = member_create(username="newbie", display_name="新人", role=Role.OFFICER, mobile="138 0013 8000")
    assert member.mobile == "13800138000"

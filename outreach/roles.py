"""The four roles of the department, kept as auth Groups (created by a data migration).

Every app's permission checks go through these predicates so "who may do what" reads the
same everywhere. Role names are cached on the user object: one query per request.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("干事")
    VICE_MINISTER = "vice_minister", _("副部长")
    MINISTER = "minister", _("部长")
    ADVISOR = "advisor", _("指导老师")


# Roles that act (create, edit); the advisor reads everything and changes nothing
# except what an issue names explicitly (signing off large contracts).
WRITERS = frozenset({Role.OFFICER, Role.VICE_MINISTER, Role.MINISTER})
LEADERS = frozenset({Role.VICE_MINISTER, Role.MINISTER})
MEMBERS = frozenset(Role.values)


def role_names(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_outreach_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(Role.values)
        else:
            cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._outreach_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_member(user) -> bool:
    """Any of the four roles: may read the department's private pages."""
    return bool(role_names(user))


def can_write(user) -> bool:
    return bool(role_names(user) & WRITERS)


def is_leader(user) -> bool:
    """Vice-minister or minister: acts for the whole department."""
    return bool(role_names(user) & LEADERS)


def is_minister(user) -> bool:
    return has_role(user, Role.MINISTER)


def primary_role(user) -> str | None:
    """The highest role a user holds, for display."""
    names = role_names(user)
    for role in (Role.MINISTER, Role.VICE_MINISTER, Role.ADVISOR, Role.OFFICER):
        if role in names:
            return role
    return None


def grant_permissions(apps, matrix: dict[str, Iterable[str]]) -> None:
    """For data migrations: give each role the listed "app_label.codename" permissions.

    Permissions are created on post_migrate, which runs after all migrations, so they
    are created here when missing.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for role, perms in matrix.items():
        group, _created = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            action, model_name = codename.split("_", 1)
            content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
            perm, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {action} {model_name}"},
            )
            group.permissions.add(perm)

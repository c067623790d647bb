from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Member, Notification, Team
from .roles import Role

User = get_user_model()


@transaction.atomic
def member_create(
    *,
    username: str,
    display_name: str,
    role: str,
    password: str | None = None,
    email: str = "",
    team: Team | None = None,
    **profile,
) -> Member:
    """Create a user account with its Member profile and one role."""
    user = User(username=username, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    member = Member(user=user, display_name=display_name, team=team, **profile)
    member.full_clean()
    member.save()
    member_set_role(member=member, role=role)
    return member


def member_set_role(*, member: Member, role: str) -> None:
    """A member holds exactly one of the four roles."""
    Role(role)  # ValueError for anything else
    groups = member.user.groups
    groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=role))
    groups.add(Group.objects.get(name=role))
    member.user.__dict__.pop("_outreach_roles", None)


def notify(
    *,
    recipient: Member,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> Notification | None:
    """Create an in-app notification once per (recipient, key); queue its e-mail.

    Returns None when this recipient already had a notification with this key: the
    caller may run as often as it likes and nobody is told the same thing twice.
    """
    from .tasks import deliver_notification

    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                key=key,
                title=title,
                body=body,
                url=url,
                email_requested=email and bool(recipient.user.email),
            )
    except IntegrityError:
        return None
    if notification.email_requested:
        transaction.on_commit(lambda: deliver_notification.delay(notification.pk))
    return notification


def notification_claim_for_email(*, notification_id: int) -> bool:
    """Claim the right to e-mail this notification; True for exactly one caller."""
    return (
        Notification.objects.filter(pk=notification_id, email_requested=True, emailed_at=None).update(
            emailed_at=timezone.now()
        )
        == 1
    )


def notification_mark_read(*, member: Member, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.for_member(member).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())

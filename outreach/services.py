from datetime import datetime, time, timedelta

from django.conf import settings
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
    topic: str = "",
) -> Notification | None:
    """Create an in-app notification once per (recipient, key); queue its e-mail.

    Returns None when this recipient already had a notification with this key: the
    caller may run as often as it likes and nobody is told the same thing twice.

    ``topic`` names the thing the notification is about ("followup:42"): dealing with it
    resolves every notification with that topic (``notifications_resolve``), and a newer
    notification about the same thing replaces the recipient's older open one. Created in
    quiet hours, the e-mail waits (``deliver_after``) and the sweep sends it later.
    """
    from .tasks import deliver_notification

    now = timezone.now()
    allowed_at = email_allowed_at(now)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                key=key,
                title=title,
                body=body,
                url=url,
                email_requested=email and bool(recipient.user.email),
                topic=topic,
                deliver_after=allowed_at if allowed_at > now else None,
            )
    except IntegrityError:
        return None
    if topic:
        Notification.objects.for_member(recipient).about(topic).open().exclude(pk=notification.pk).update(
            resolved_at=now
        )
    if notification.email_requested and notification.deliver_after is None:
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


# --- Reminders: quiet hours, resolution, opening


def _quiet_hours() -> tuple[time, time] | None:
    value = (settings.QUIET_HOURS or "").strip().lower()
    if value in ("", "off", "0", "none"):
        return None
    start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    return start, end


def email_allowed_at(now: datetime) -> datetime:
    """The earliest moment an e-mail written at ``now`` may go out: ``now`` itself, or the
    end of the quiet hours (settings.QUIET_HOURS, 22:00-08:00 in the department's time zone)."""
    hours = _quiet_hours()
    if hours is None:
        return now
    start, end = hours
    local = timezone.localtime(now)
    clock = local.time()
    quiet = start <= clock or clock < end if start > end else start <= clock < end
    if not quiet:
        return now
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end), local.tzinfo)


def notifications_resolve(*, topic: str, recipients=None) -> int:
    """The thing is dealt with: its open notifications stop asking for attention."""
    qs = Notification.objects.about(topic).open()
    if recipients is not None:
        qs = qs.filter(recipient__in=recipients)
    return qs.update(resolved_at=timezone.now())


def notification_open(*, member: Member, notification_id: int) -> Notification:
    """Opening a notification marks it read; raises Notification.DoesNotExist for others' ones."""
    notification = Notification.objects.for_member(member).get(pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_release_waiting(*, now: datetime | None = None) -> int:
    """Queue the e-mails that waited for the end of the quiet hours (the delivery sweep's job
    once it respects ``deliver_after``; the claim keeps a second queueing harmless)."""
    from .tasks import deliver_notification

    now = now or timezone.now()
    ids = list(
        Notification.objects.email_allowed(now)
        .filter(email_requested=True, emailed_at=None, deliver_after__isnull=False)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: deliver_notification.delay(pk))
    return len(ids)

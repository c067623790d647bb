import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .models import Member, Notification, Team
from .roles import Role

logger = logging.getLogger(__name__)

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
    The row is the promise to e-mail: when the broker does not take the task now,
    the sweep (``notifications_sweep``) sends it later.
    """
    from .tasks import deliver_notification, enqueue

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
        transaction.on_commit(lambda: enqueue(deliver_notification, notification.pk))
    return notification


def notification_claim_for_email(*, notification_id: int) -> bool:
    """Claim the right to e-mail this notification now: True for exactly one caller until
    the claim's lease runs out. Each claim counts as an attempt, so a mail that kills its
    worker every time is not retried for ever."""
    now = timezone.now()
    return (
        Notification.objects.due_for_email(now)
        .filter(pk=notification_id)
        .update(claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def notification_send_email(*, notification_id: int) -> bool:
    """Claim, send, then stamp sent_at; True when this call sent the mail.

    A failure is recorded on the row (``last_error``) and the claim is left to run out,
    so the sweep tries again later with a longer lease; nothing is raised.
    """
    if not notification_claim_for_email(notification_id=notification_id):
        return False
    notification = Notification.objects.select_related("recipient__user").get(pk=notification_id)
    try:
        if not notification.recipient.user.email:
            raise ValueError(_("收件人没有邮箱地址。"))
        send_mail(
            subject=f"[{settings.DEPARTMENT_NAME}] {notification.title}",
            message=notification.body,
            from_email=None,
            recipient_list=[notification.recipient.user.email],
        )
    except Exception as exc:  # SMTP errors, timeouts, a bad address: all are kept for the minister
        error = f"{type(exc).__name__}: {exc}"[:1000]
        Notification.objects.filter(pk=notification_id, sent_at=None).update(last_error=error)
        logger.warning(
            "Could not e-mail notification %s (attempt %s): %s", notification_id, notification.attempts, error
        )
        return False
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="")
    return True


def notifications_sweep(*, limit: int = 100, budget_seconds: float = 30.0) -> int:
    """Send the notification e-mails that are due: never claimed (the broker did not take
    the task) or claimed by a sender whose lease ran out (it failed or died). Returns how
    many were sent; what is left waits for the next sweep."""
    deadline = time.monotonic() + budget_seconds
    sent = 0
    due = Notification.objects.due_for_email().order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    for notification_id in list(due):
        if time.monotonic() > deadline:
            break
        sent += notification_send_email(notification_id=notification_id)
    return sent


def notification_resend(*, notification: Notification, member: Member) -> None:
    """The minister asks for one more try at an undelivered e-mail: attempts start again."""
    from .tasks import deliver_notification, enqueue

    if not roles.is_minister(member.user):
        raise PermissionDenied(_("只有部长可以重发邮件。"))
    if notification.sent_at is not None or not notification.email_requested:
        raise ValidationError(_("这封邮件已经发出，无需重发。"))
    # Never reset a claim that is still live: its sender may be inside send_mail right now.
    lease_start = timezone.now() - timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    reset = (
        Notification.objects.undelivered()
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_start), pk=notification.pk)
        .update(attempts=0, claimed_at=None)
    )
    if not reset:
        raise ValidationError(_("这封邮件正在发送，请稍后再看。"))
    transaction.on_commit(lambda: enqueue(deliver_notification, notification.pk))


def notification_mark_read(*, member: Member, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.for_member(member).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from time import monotonic

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import messages, roles
from .emails import notification_email
from .messages import Lines, Message
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


def member_language_set(*, member: Member, language: str) -> None:
    """Keep the language the member chose: what is e-mailed to them is written in it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("不支持的语言。"))
    if member.language != language:
        Member.objects.filter(pk=member.pk).update(language=language)  # only this field
        member.language = language


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
    title: str | Message,
    body: str | Message | Lines = "",
    url: str = "",
    email: bool = True,
    topic: str = "",
    kind: str = "",
    params: dict | None = None,
) -> Notification | None:
    """Create an in-app notification once per (recipient, key); queue its e-mail.

    Returns None when this recipient already had a notification with this key: the
    caller may run as often as it likes and nobody is told the same thing twice.
    The row is the promise to e-mail: when the broker does not take the task now,
    the sweep (``notifications_sweep``) sends it later.

    ``topic`` names the thing the notification is about ("followup:42"): dealing with it
    resolves every notification with that topic (``notifications_resolve``), and a newer
    notification about the same thing replaces the recipient's older open one. Created in
    quiet hours, the e-mail waits (``deliver_after``) and the sweep sends it later.

    Each reader sees it in their language when ``title`` (and ``body``) is an
    ``outreach.messages.Message`` (a msgid and its parameters), or when ``title`` is a msgid
    marked with ``gettext_noop`` and ``params`` its parameters. A plain rendered string still
    works and is shown as written. ``kind`` (default: the key's first part) says what sort
    of notification it is.
    """
    from .tasks import deliver_notification, enqueue

    if params is not None and not isinstance(title, Message):
        title = Message(title, **params)
    message = {
        part: messages.to_json(value)
        for part, value in (("title", title), ("body", body))
        if isinstance(value, Message | Lines)
    }
    with translation.override(settings.LANGUAGE_CODE):  # the stored text: the department's language
        title, body = str(title), str(body)

    now = timezone.now()
    allowed_at = email_allowed_at(now)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                key=key,
                kind=kind or key.split(":", 1)[0],
                message=message,
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
        transaction.on_commit(lambda: enqueue(deliver_notification, notification.pk))
    return notification


@dataclass(frozen=True)
class Draft:
    """One notification `notify_many` may write: what `notify` takes, for one recipient."""

    recipient: Member
    key: str
    title: str | Message
    body: str | Message | Lines = ""
    url: str = ""
    email: bool = True
    topic: str = ""


NOTIFY_BATCH = 2000


def notify_many(drafts: list[Draft]) -> list[Notification]:
    """`notify` for many at once, in a number of queries that does not grow with them (one per
    NOTIFY_BATCH): what the daily scans send. The same rules: once per (recipient, key), the
    newest about a topic replaces the recipient's older open one, e-mail queued after commit.
    Returns the notifications written (the ones whose key was new)."""
    from .tasks import deliver_notification, enqueue

    now = timezone.now()
    allowed_at = email_allowed_at(now)
    recipients = {draft.recipient.pk for draft in drafts}
    keys = sorted({draft.key for draft in drafts})
    seen = set()
    for start in range(0, len(keys), NOTIFY_BATCH):
        seen |= set(
            Notification.objects.filter(recipient__in=recipients, key__in=keys[start : start + NOTIFY_BATCH])
            .values_list("recipient_id", "key")
            .order_by()
        )
    new, pending = [], []
    for draft in drafts:
        if (draft.recipient.pk, draft.key) in seen:
            continue
        seen.add((draft.recipient.pk, draft.key))
        message = {
            part: messages.to_json(value)
            for part, value in (("title", draft.title), ("body", draft.body))
            if isinstance(value, Message | Lines)
        }
        with translation.override(settings.LANGUAGE_CODE):
            title, body = str(draft.title), str(draft.body)
        pending.append(draft)
        new.append(
            Notification(
                recipient=draft.recipient,
                key=draft.key,
                kind=draft.key.split(":", 1)[0],
                message=message,
                title=title,
                body=body,
                url=draft.url,
                email_requested=draft.email and bool(draft.recipient.user.email),
                topic=draft.topic,
                deliver_after=allowed_at if allowed_at > now else None,
            )
        )
    if not new:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(new, batch_size=NOTIFY_BATCH)
    except IntegrityError:
        # Another scan wrote some of these keys since we looked: one at a time, as notify does.
        written = (
            notify(
                recipient=draft.recipient,
                key=draft.key,
                title=draft.title,
                body=draft.body,
                url=draft.url,
                email=draft.email,
                topic=draft.topic,
            )
            for draft in pending
        )
        return [notification for notification in written if notification is not None]
    # The newest about each (recipient, topic) stays open; the older open ones are resolved.
    newest = {(n.recipient_id, n.topic): n.pk for n in created if n.topic}
    topics = sorted({topic for _, topic in newest})
    older = []
    for start in range(0, len(topics), NOTIFY_BATCH):
        older += [
            pk
            for pk, recipient, topic in Notification.objects.filter(
                recipient__in=recipients, topic__in=topics[start : start + NOTIFY_BATCH], resolved_at__isnull=True
            )
            .values_list("pk", "recipient_id", "topic")
            .order_by()
            if newest.get((recipient, topic), pk) != pk
        ]
    for start in range(0, len(older), NOTIFY_BATCH):
        Notification.objects.filter(pk__in=older[start : start + NOTIFY_BATCH]).update(resolved_at=now)
    to_mail = [n.pk for n in created if n.email_requested and n.deliver_after is None]
    if to_mail:
        transaction.on_commit(lambda: [enqueue(deliver_notification, pk) for pk in to_mail])
    return created


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
        notification_email(notification).send()
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
    deadline = monotonic() + budget_seconds
    sent = 0
    due = Notification.objects.due_for_email().order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    for notification_id in list(due):
        if monotonic() > deadline:
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


def notifications_resolve(*, topic: str | list[str], recipients=None) -> int:
    """The thing is dealt with: its open notifications stop asking for attention. A list of
    topics: all those things, in one query."""
    qs = Notification.objects.filter(topic__in=topic) if isinstance(topic, list) else Notification.objects.about(topic)
    qs = qs.open()
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

"""Every write of the sponsors app: merchants, contacts, stage changes, vetting, visits, follow-ups."""

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outreach import datachange
from outreach.locking import StaleObjectError, bump_version, save_changed
from outreach.messages import Lines, Message
from outreach.models import Member, ReminderKind
from outreach.phones import normalize_phone
from outreach.reminders import Reminders, in_department_language, overdue_round, rule_for
from outreach.services import notifications_resolve
from outreach.uploads import thumbnail_of

from . import blacklisting
from .models import (
    Contact,
    FollowUp,
    Merchant,
    Stage,
    StageChange,
    Tag,
    VettingStatus,
    Visit,
    VisitPhoto,
    is_step_back,
)
from .validators import normalize_credit_code

MERCHANT_FIELDS = (
    "name",
    "kind",
    "industry",
    "district",
    "address",
    "phone",
    "website",
    "owner",
    "notes",
    "credit_code",
)


def _clean_merchant(merchant: Merchant, **checks) -> None:
    merchant.name = merchant.name.strip()
    merchant.phone = normalize_phone(merchant.phone)
    merchant.credit_code = normalize_credit_code(merchant.credit_code)
    merchant.full_clean(**checks)


def _tags_named(names: Iterable[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name)[0] for name in names]


@transaction.atomic
def merchant_create(*, by: Member, tag_names: Iterable[str] = (), stage: str = Stage.PROSPECT, **fields) -> Merchant:
    merchant = Merchant(stage=stage, **{key: value for key, value in fields.items() if key in MERCHANT_FIELDS})
    _clean_merchant(merchant)
    merchant._history_user = by.user
    merchant.save()
    merchant.tags.set(_tags_named(tag_names))
    if stage != Stage.PROSPECT:
        StageChange.objects.create(merchant=merchant, from_stage="", to_stage=stage, changed_by=by)
    return merchant


# Rows per INSERT when many merchants are created at once: 10,000 are a few dozen statements,
# none carrying megabytes of parameters.
BULK_BATCH = 1000


@dataclass
class MerchantDraft:
    """One merchant for merchants_create_many: its fields (MERCHANT_FIELDS), tags, stage and
    first contact ({name, title, mobile, wechat}), if any."""

    fields: dict
    tag_names: list[str] = dataclass_field(default_factory=list)
    stage: str = Stage.PROSPECT
    contact: dict | None = None


@transaction.atomic
def merchants_create_many(
    *, drafts: Sequence[MerchantDraft], by: Member, stage_reason: str
) -> list[Merchant | ValidationError]:
    """merchant_create for many merchants at once (the Excel import): per draft the created
    merchant, or the ValidationError that left it out. The same rules and records as one by
    one: names, phones and credit codes normalised and the models' checks; the creation and
    its tags in the change history, as by `by`; a stage other than 潜在 recorded as a move
    from 潜在 with `stage_reason`; the contact primary (the merchant's only one) and in its
    history; the record's generation moved on. In a fixed number of statements per
    BULK_BATCH merchants, where one by one took a dozen per merchant."""
    results: list[Merchant | ValidationError] = []
    merchants: list[Merchant] = []
    contacts: list[Contact] = []
    tag_names: list[list[str]] = []
    # The relations are rows the caller loaded (checking each again is a query per
    # merchant); the one check constraint is about vetting, which a new merchant has not had.
    relations = [f.name for f in Merchant._meta.fields if f.is_relation]
    for draft in drafts:
        merchant = Merchant(stage=draft.stage, **{k: v for k, v in draft.fields.items() if k in MERCHANT_FIELDS})
        contact = Contact(merchant=merchant, is_primary=True, **draft.contact) if draft.contact else None
        try:
            if draft.stage not in Stage.values:
                raise ValidationError(_("未知的阶段。"))
            if is_step_back(Stage.PROSPECT, draft.stage) and not stage_reason.strip():
                raise ValidationError({"reason": step_back_needs_reason()})
            _clean_merchant(merchant, exclude=relations, validate_constraints=False)
            if contact is not None:
                contact.full_clean(exclude=["merchant"], validate_constraints=False)
        except ValidationError as exc:
            results.append(exc)
            continue
        results.append(merchant)
        merchants.append(merchant)
        tag_names.append(draft.tag_names)
        if contact is not None:
            contacts.append(contact)
    if not merchants:
        return results
    now = timezone.now()
    Merchant.objects.bulk_create(merchants, batch_size=BULK_BATCH)
    history = Merchant.history.bulk_history_create(
        merchants, batch_size=BULK_BATCH, default_user=by.user, default_date=now
    )
    tags = _tags_by_name({name for names in tag_names for name in names})
    through = Merchant.tags.through
    links = through.objects.bulk_create(
        [
            through(merchant_id=merchant.pk, tag_id=tags[name].pk)
            for merchant, names in zip(merchants, tag_names, strict=True)
            for name in names
        ],
        batch_size=BULK_BATCH,
    )
    # The creation's history row lists the tags, as the history of a merchant saved with
    # them does (django-simple-history's m2m_fields).
    tags_history = Merchant.history.model._meta.get_field("historicalmerchant_tags").related_model
    record_of = {record.id: record for record in history}
    tags_history.objects.bulk_create(
        [
            tags_history(
                history=record_of[link.merchant_id], id=link.pk, merchant_id=link.merchant_id, tag_id=link.tag_id
            )
            for link in links
        ],
        batch_size=BULK_BATCH,
    )
    Contact.objects.bulk_create(contacts, batch_size=BULK_BATCH)
    Contact.history.bulk_history_create(contacts, batch_size=BULK_BATCH, default_user=by.user, default_date=now)
    StageChange.objects.bulk_create(
        [
            StageChange(
                merchant=merchant,
                from_stage=Stage.PROSPECT,
                to_stage=merchant.stage,
                changed_by=by,
                reason=stage_reason.strip(),
                created_at=now,
            )
            for merchant in merchants
            if merchant.stage != Stage.PROSPECT
        ],
        batch_size=BULK_BATCH,
    )
    datachange.changed()  # bulk_create sends no post_save
    return results


def _tags_by_name(names: set[str]) -> dict[str, Tag]:
    """The tags of these names, the missing ones created: three statements for any number."""
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = names - tags.keys()
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in sorted(missing)], ignore_conflicts=True)
        tags.update((tag.name, tag) for tag in Tag.objects.filter(name__in=missing))
    return tags


@transaction.atomic
def merchant_update(
    *,
    merchant: Merchant,
    by: Member,
    expected_version: int | None = None,
    tag_names: Iterable[str] | None = None,
    **fields,
) -> Merchant:
    """Change the merchant's details; tag_names, when given, replaces its tags.

    Refused (StaleObjectError) when the merchant is no longer at `expected_version`, the
    version the form was shown with (by default the one `merchant` was loaded at). Only
    these fields are written: a blacklist or a stage move made meanwhile stays."""
    for key, value in fields.items():
        if key not in MERCHANT_FIELDS:
            raise TypeError(f"merchant_update() does not change {key!r}")
        setattr(merchant, key, value)
    _clean_merchant(merchant)
    merchant._history_user = by.user
    save_changed(
        merchant,
        fields=fields,
        expected_version=merchant.version if expected_version is None else expected_version,
    )
    if tag_names is not None:
        merchant.tags.set(_tags_named(tag_names))
    return merchant


def merchant_add_tags(*, merchant: Merchant, tag_names: Iterable[str]) -> None:
    merchant.tags.add(*_tags_named(tag_names))


def step_back_needs_reason() -> str:
    return _("退回较早的阶段或标记为已流失时，请写明原因。")


@transaction.atomic
def merchant_change_stage(
    *,
    merchant: Merchant,
    to_stage: str,
    by: Member,
    reason: str = "",
    from_stage: str = "",
    expected_version: int | None = None,
) -> StageChange | None:
    """Move a merchant along the pipeline and keep the move; None when it is already there.

    The board, the merchant page and the visit form all come here, so every move is
    recorded the same way. `from_stage` (the column the card was dragged from) and
    `expected_version`, when given, refuse a move made from a stale page. A step back (to
    an earlier stage, or to 已流失) needs a reason: the next member must know why.
    """
    if to_stage not in Stage.values:
        raise ValidationError(_("未知的阶段。"))
    locked = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if (from_stage and locked.stage != from_stage) or expected_version not in (None, locked.version):
        if locked.stage == to_stage:
            return None  # someone made the same move first
        raise StaleObjectError
    if locked.stage == to_stage:
        return None
    if is_step_back(locked.stage, to_stage) and not reason.strip():
        raise ValidationError({"reason": step_back_needs_reason()})
    change = StageChange(
        merchant=locked, from_stage=locked.stage, to_stage=to_stage, changed_by=by, reason=reason.strip()
    )
    change.full_clean()
    change.save()
    from_stage = locked.stage
    locked.stage = to_stage
    locked._history_user = by.user
    save_changed(locked, fields=["stage"], expected_version=None, where=Q(stage=from_stage))
    merchant.stage, merchant.version = locked.stage, locked.version
    return change


@transaction.atomic
def merchant_set_vetting(
    *,
    merchant: Merchant,
    status: str,
    by: Member,
    note: str = "",
    blacklist_reason: str = "",
    credit_code: str | None = None,
    expected_version: int | None = None,
) -> Merchant:
    """Record the vetting; writes only the vetting columns, so it never undoes an edit of
    the merchant's details, and an edit form opened before it is refused afterwards."""
    if status == VettingStatus.BLACKLISTED and not blacklist_reason:
        raise ValidationError({"blacklist_reason": _("拉黑必须选择原因。")})
    if status == VettingStatus.BLACKLISTED and not note.strip():
        raise ValidationError({"vetting_note": _("拉黑请写明具体情况，方便以后的部员了解。")})
    newly_blacklisted = status == VettingStatus.BLACKLISTED and not merchant.is_blacklisted
    merchant.vetting_status = status
    merchant.vetting_note = note.strip()
    merchant.blacklist_reason = blacklist_reason if status == VettingStatus.BLACKLISTED else ""
    if credit_code is not None:
        merchant.credit_code = credit_code
    if status == VettingStatus.UNVERIFIED:
        merchant.vetted_by, merchant.vetted_at = None, None
    else:
        merchant.vetted_by, merchant.vetted_at = by, timezone.now()
    _clean_merchant(merchant)
    merchant._history_user = by.user
    fields = ["vetting_status", "vetting_note", "blacklist_reason", "vetted_by", "vetted_at"]
    save_changed(
        merchant,
        fields=[*fields, "credit_code"] if credit_code is not None else fields,
        expected_version=merchant.version if expected_version is None else expected_version,
    )
    if newly_blacklisted:
        # Contracts and proposals in progress are blocked; signed ones go to the minister.
        blacklisting.merchant_blacklisted(merchant, by)
    return merchant


# --- Contacts


@transaction.atomic
def contact_save(*, contact: Contact, by: Member) -> Contact:
    """Create or update a contact; making one primary makes the merchant's others not."""
    # The one-primary constraint is kept below by demoting the others first.
    contact.full_clean(validate_constraints=False)
    if contact.is_primary:
        Contact.objects.filter(merchant=contact.merchant, is_primary=True).exclude(pk=contact.pk).update(
            is_primary=False
        )
    elif not Contact.objects.filter(merchant=contact.merchant).exclude(pk=contact.pk).exists():
        contact.is_primary = True  # the only contact is the primary one
    contact._history_user = by.user
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: Member) -> None:
    merchant = contact.merchant
    was_primary = contact.is_primary
    contact._history_user = by.user
    contact.delete()
    if was_primary:
        successor = merchant.contacts.order_by("pk").first()
        if successor:
            successor.is_primary = True
            successor.save(update_fields=["is_primary", "updated_at"])


# --- Visits and follow-ups


def _check_visit_members(members: list[Member]) -> None:
    if not members:
        raise ValidationError({"members": _("至少选择一位拜访人。")})


def _distance_metres(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> int:
    """Great-circle distance (haversine), good to a metre or so at a city's scale."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi, d_lambda = phi2 - phi1, math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


def _check_in_distance(merchant: Merchant, latitude: Decimal, longitude: Decimal) -> int | None:
    """How far this check-in is from the merchant's latest earlier one (merchants have an
    address, not coordinates); None for a merchant's first check-in."""
    earlier = (
        Visit.objects.filter(merchant=merchant, checked_in_at__isnull=False, latitude__isnull=False)
        .order_by("-checked_in_at")
        .values_list("latitude", "longitude")
        .first()
    )
    return _distance_metres(earlier[0], earlier[1], latitude, longitude) if earlier else None


def _photo_add(visit: Visit, photo: UploadedFile) -> VisitPhoto:
    visit_photo = VisitPhoto(visit=visit, image=photo)
    visit_photo.full_clean()
    visit_photo.save()
    thumbnail = thumbnail_of(visit_photo.image)
    if thumbnail is not None:
        visit_photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        visit_photo.save(update_fields=["thumbnail", "updated_at"])
    return visit_photo


@transaction.atomic
def visit_log(
    *,
    merchant: Merchant,
    by: Member,
    visited_at: datetime,
    members: list[Member],
    method: str,
    purpose: str,
    outcome: str,
    notes: str = "",
    lesson: str = "",
    new_stage: str = "",
    stage_reason: str = "",
    next_step: str = "",
    due_on: date | None = None,
    followup_owner: Member | None = None,
    photos: Iterable[UploadedFile] = (),
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    location_accuracy: int | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Visit:
    """Log a visit; in the same step move the merchant's stage and open the next step.

    With an `idempotency_key` (the form's), a second call with the same key (a double tap,
    a resend after the answer was lost) logs nothing and returns the first visit. A position
    is stamped with the server's time (`checked_in_at`), apart from the stated `visited_at`."""
    if idempotency_key is not None:
        earlier = Visit.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    _check_visit_members(members)
    if visited_at > timezone.now() + timedelta(hours=1):
        raise ValidationError({"visited_at": _("拜访时间不能晚于现在。")})
    if next_step and not due_on:
        raise ValidationError({"due_on": _("请填写下一步的截止日期。")})
    if due_on and not next_step:
        raise ValidationError({"next_step": _("请写明下一步要做什么。")})
    if new_stage and is_step_back(merchant.stage, new_stage) and not stage_reason.strip():
        raise ValidationError({"stage_reason": step_back_needs_reason()})
    visit = Visit(
        merchant=merchant,
        visited_at=visited_at,
        method=method,
        purpose=purpose,
        outcome=outcome,
        notes=notes.strip(),
        lesson=lesson.strip(),
        latitude=latitude,
        longitude=longitude,
        location_accuracy=location_accuracy,
        idempotency_key=idempotency_key,
        created_by=by,
    )
    if visit.has_location:
        visit.checked_in_at = timezone.now()
        visit.check_in_distance = _check_in_distance(merchant, latitude, longitude)
    visit.full_clean(exclude=["idempotency_key"])
    visit._history_user = by.user
    if idempotency_key is not None:
        # Two requests with one key at the same moment: the second waits on the unique
        # index, fails, and answers with the first one's visit.
        try:
            with transaction.atomic():
                visit.save()
        except IntegrityError:
            return Visit.objects.get(idempotency_key=idempotency_key)
    else:
        visit.save()
    visit.members.set(members)
    for photo in photos:
        _photo_add(visit, photo)
    if new_stage:
        merchant_change_stage(merchant=merchant, to_stage=new_stage, by=by, reason=stage_reason)
    if next_step:
        followup_create(
            merchant=merchant, visit=visit, description=next_step, due_on=due_on, owner=followup_owner or by, by=by
        )
    return visit


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    by: Member,
    members: list[Member],
    photos: Iterable[UploadedFile] = (),
    **fields,
) -> Visit:
    allowed = {"visited_at", "method", "purpose", "outcome", "notes", "lesson"}
    _check_visit_members(members)
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(f"visit_update() does not change {key!r}")
        setattr(visit, key, value)
    visit.full_clean()
    visit._history_user = by.user
    visit.save()
    visit.members.set(members)
    for photo in photos:
        _photo_add(visit, photo)
    return visit


def followup_create(
    *, merchant: Merchant, description: str, due_on: date, owner: Member, by: Member, visit: Visit | None = None
) -> FollowUp:
    followup = FollowUp(merchant=merchant, visit=visit, description=description.strip(), due_on=due_on, owner=owner)
    followup.full_clean()
    followup._history_user = by.user
    followup.save()
    return followup


def followup_complete(*, followup: FollowUp, by: Member) -> bool:
    """Mark done; False when someone already had (a double tap never counts twice)."""
    followup.done_at, followup.done_by = timezone.now(), by
    followup._history_user = by.user
    try:
        save_changed(followup, fields=["done_at", "done_by"], expected_version=None, where=Q(done_at__isnull=True))
    except StaleObjectError:
        followup.refresh_from_db()
        return False
    notifications_resolve(topic=followup_topic(followup))
    return True


def followup_reopen(*, followup: FollowUp, by: Member) -> bool:
    """Open a done follow-up again; False when it already was open."""
    followup.done_at, followup.done_by = None, None
    followup._history_user = by.user
    try:
        save_changed(followup, fields=["done_at", "done_by"], expected_version=None, where=Q(done_at__isnull=False))
    except StaleObjectError:
        followup.refresh_from_db()
        return False
    return True


# --- Handover at the end of the year (registered in apps.py)


def merchants_transfer(from_member: Member, to_member: Member) -> int:
    return Merchant.objects.filter(owner=from_member).update(
        owner=to_member, updated_at=timezone.now(), **bump_version()
    )


def followups_transfer(from_member: Member, to_member: Member) -> int:
    return (
        FollowUp.objects.open()
        .filter(owner=from_member)
        .update(owner=to_member, updated_at=timezone.now(), **bump_version())
    )


# --- Reminders (run daily by sponsors.tasks.send_followup_reminders)


def followup_topic(followup: FollowUp) -> str:
    return f"followup:{followup.pk}"


def _followup_body(followup: FollowUp) -> Lines:
    return Lines(
        followup.description,
        Message(gettext_noop("商家：%(merchant)s"), {"merchant": followup.merchant.name}),
        Message(gettext_noop("截止：%(date)s。完成后请在商家页标记“已完成”。"), {"date": followup.due_on}),
    )


@in_department_language
def followup_reminders_send(*, today: date | None = None) -> int:
    """Tell owners of follow-ups due (today, or within the rule's days) and overdue (again
    every few days, not every day). Each round has its own key: a second run tells nobody."""
    today = today or timezone.localdate()
    batch = Reminders()
    due_rule = rule_for(ReminderKind.FOLLOWUP_DUE)
    open_followups = FollowUp.objects.open().select_related("merchant", "owner__user")
    for followup in open_followups.filter(due_on__gte=today, due_on__lte=today + timedelta(days=due_rule.days)):
        title = Message(
            gettext_noop("今天要跟进：%(merchant)s")
            if followup.due_on == today
            else gettext_noop("跟进事项即将到期：%(merchant)s"),
            {"merchant": followup.merchant.name},
        )
        batch.add(
            due_rule,
            responsible=[followup.owner],
            key=f"followup-due:{followup.pk}:{followup.due_on.isoformat()}",
            topic=followup_topic(followup),
            title=title,
            body=_followup_body(followup),
            url=followup.get_absolute_url(),
        )
    overdue_rule = rule_for(ReminderKind.FOLLOWUP_OVERDUE)
    for followup in open_followups.filter(due_on__lt=today):
        late = (today - followup.due_on).days
        n = overdue_round(due_on=followup.due_on, today=today, repeat_days=overdue_rule.repeat_days)
        batch.add(
            overdue_rule,
            responsible=[followup.owner],
            key=f"followup-overdue:{followup.pk}:{followup.due_on.isoformat()}:{n}",
            topic=followup_topic(followup),
            title=Message(
                gettext_noop("跟进已逾期 %(days)d 天：%(merchant)s"), {"days": late, "merchant": followup.merchant.name}
            ),
            body=_followup_body(followup),
            url=followup.get_absolute_url(),
        )
    return batch.send()

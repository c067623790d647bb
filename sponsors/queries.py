"""Reads of the sponsors app: lists, the board, duplicates, follow-ups, timeline sources, metrics."""

import copy
import difflib
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.db.models import Count, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.models import Member
from outreach.phones import normalize_phone

from .models import Contact, FollowUp, Merchant, Stage, StageChange, VettingStatus, Visit
from .timeline import TimelineEntry

BOARD_STAGES = [Stage.PROSPECT, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.PARTNER, Stage.LOST]


def merchants_for_list() -> QuerySet[Merchant]:
    primary = Prefetch("contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts")
    return (
        Merchant.objects.select_related("industry", "owner")
        .prefetch_related("tags", primary)
        .annotate(last_visit_at=Max("visits__visited_at"))
    )


def merchant_search_ids(text: str) -> QuerySet:
    """Ids of merchants whose name, address, contact or phone contains the text.

    A subquery keeps the search's joins away from the list's annotations.
    """
    text = text.strip()
    condition = Q(name__icontains=text) | Q(contacts__name__icontains=text) | Q(address__icontains=text)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3:
        condition |= Q(phone__contains=digits) | Q(contacts__mobile__contains=digits)
    return Merchant.objects.filter(condition).values("pk")


def merchants_not_visited_since(queryset: QuerySet[Merchant], days: int) -> QuerySet[Merchant]:
    since = timezone.now() - timedelta(days=days)
    return queryset.filter(Q(last_visit_at__lt=since) | Q(last_visit_at__isnull=True))


def merchant_for_detail(pk: int) -> QuerySet[Merchant]:
    return Merchant.objects.select_related("industry", "owner", "vetted_by").prefetch_related("tags", "contacts")


def merchants_for_search(text: str, limit: int = 8) -> list[Merchant]:
    """The visit form's "type part of the name" picker."""
    text = text.strip()
    if not text:
        return []
    return list(
        Merchant.objects.filter(pk__in=merchant_search_ids(text)).select_related("industry").order_by("name")[:limit]
    )


# A column shows its most recently active merchants; the rest are one click away in the
# list filtered by stage. A board of a thousand cards helps nobody and takes seconds.
BOARD_COLUMN_LIMIT = 40


def merchants_for_board(
    *, owner: Member | None = None, limit: int = BOARD_COLUMN_LIMIT
) -> dict[str, tuple[list[Merchant], int]]:
    """{stage: (the column's first `limit` merchants, how many the stage has)}, in two queries."""
    merchants = Merchant.objects.all()
    if owner is not None:
        merchants = merchants.filter(owner=owner)
    totals = dict(merchants.order_by().values_list("stage").annotate(total=Count("pk")))
    open_followups = (
        FollowUp.objects.filter(merchant=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("merchant")
        .annotate(total=Count("pk"))
        .values("total")
    )
    ranked = (
        merchants.select_related("owner", "industry")
        .annotate(
            open_followups=Coalesce(Subquery(open_followups, output_field=IntegerField()), Value(0)),
            column_rank=Window(RowNumber(), partition_by=F("stage"), order_by=[F("updated_at").desc(), F("pk")]),
        )
        .filter(column_rank__lte=limit)
        .order_by("stage", "column_rank")
    )
    columns: dict[str, tuple[list[Merchant], int]] = {stage: ([], totals.get(stage, 0)) for stage in BOARD_STAGES}
    for merchant in ranked:
        columns[merchant.stage][0].append(merchant)
    return columns


# --- Duplicates

_BRANCH_RE = re.compile(r"[(（][^)）]*[)）]")
_NOISE_RE = re.compile(r"[\s·\-_.,，。、]+")


def _name_key(name: str) -> str:
    """李宁专卖店（光谷店） and 李宁专卖店 share the key 李宁专卖店."""
    return _NOISE_RE.sub("", _BRANCH_RE.sub("", name or "")).lower()


def names_look_alike(first: str, second: str) -> bool:
    return _keys_look_alike(_name_key(first), _name_key(second))


def _keys_look_alike(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a)):
        return True
    matcher = difflib.SequenceMatcher(None, a, b)
    # The quick ratios are upper bounds of ratio(): most pairs are told apart without it.
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def merchant_duplicates(*, name: str, phone: str = "", exclude_pk: int | None = None) -> list[Merchant]:
    """Existing merchants that are probably the same one: a similar name or the same phone."""
    return merchant_duplicates_for([(name, phone)], exclude_pk=exclude_pk)[0]


DUPLICATES_SHOWN = 10


def merchant_duplicates_for(
    entries: Sequence[tuple[str, str]], *, exclude_pk: int | None = None
) -> list[list[Merchant]]:
    """For each (name, phone): the existing merchants that are probably the same one (a
    similar name, or the same phone as the merchant's or one of its contacts'), by name,
    at most DUPLICATES_SHOWN. Each has `same_phone` set when the phone matched.

    The one place duplicates are decided: the merchant form and the Excel import both
    come here, so a faster implementation (say in the database) changes both. A fixed
    number of queries whatever the number of entries."""
    keys = []
    for name, phone in entries:
        try:
            phone = normalize_phone(phone or "")
        except Exception:  # an invalid phone cannot match anything; the form reports it
            phone = ""
        keys.append((name or "", phone))
    candidates = Merchant.objects.all()
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    rows = [
        (pk, _name_key(other), other_phone) for pk, other, other_phone in candidates.values_list("pk", "name", "phone")
    ]
    by_phone: dict[str, set[int]] = {}
    for pk, _other, other_phone in rows:
        if other_phone:
            by_phone.setdefault(other_phone, set()).add(pk)
    phones = {phone for _name, phone in keys if phone}
    if phones:
        for pk, mobile in Contact.objects.filter(merchant__in=candidates, mobile__in=phones).values_list(
            "merchant_id", "mobile"
        ):
            by_phone.setdefault(mobile, set()).add(pk)
    found: list[tuple[set[int], set[int]]] = []
    for name, phone in keys:
        key = _name_key(name)
        similar = {pk for pk, other, _phone in rows if _keys_look_alike(key, other)} if key else set()
        found.append((similar, by_phone.get(phone, set()) if phone else set()))
    wanted = set().union(*(similar | same for similar, same in found)) if found else set()
    merchants = {merchant.pk: merchant for merchant in Merchant.objects.filter(pk__in=wanted).select_related("owner")}
    result = []
    for similar, same in found:
        matches = []
        for pk in similar | same:
            merchant = copy.copy(merchants[pk])
            merchant.same_phone = pk in same
            matches.append(merchant)
        matches.sort(key=lambda merchant: (merchant.name, merchant.pk))
        result.append(matches[:DUPLICATES_SHOWN])
    return result


# --- Follow-ups


def followups_for_member(member: Member, today: date | None = None) -> dict[str, list[FollowUp]]:
    today = today or timezone.localdate()
    open_ones = FollowUp.objects.open().for_member(member).with_related().order_by("due_on", "pk")
    sections: dict[str, list[FollowUp]] = {"overdue": [], "today": [], "upcoming": []}
    for followup in open_ones:
        if followup.due_on < today:
            sections["overdue"].append(followup)
        elif followup.due_on == today:
            sections["today"].append(followup)
        else:
            sections["upcoming"].append(followup)
    sections["done"] = list(FollowUp.objects.done().for_member(member).with_related().order_by("-done_at")[:10])
    return sections


# --- Timeline sources (registered in apps.py)


def visit_entries(merchant: Merchant) -> list[TimelineEntry]:
    visits = Visit.objects.filter(merchant=merchant).prefetch_related("members", "followups")
    entries = []
    for visit in visits:
        names = "、".join(member.display_name for member in visit.members.all())
        detail = visit.notes
        if visit.lesson:
            lesson = _("经验：%(lesson)s") % {"lesson": visit.lesson}
            detail = f"{detail}\n{lesson}".strip()
        for followup in visit.followups.all():
            next_step = _("下一步：%(step)s（%(due)s）") % {
                "step": followup.description,
                "due": f"{followup.due_on:%Y-%m-%d}",
            }
            detail = f"{detail}\n{next_step}".strip()
        entries.append(
            TimelineEntry(
                when=visit.visited_at,
                kind="visit",
                title=_("%(method)s · %(members)s") % {"method": visit.get_method_display(), "members": names},
                url=visit.get_absolute_url(),
                detail=detail,
                badges=(str(visit.get_purpose_display()), str(visit.get_outcome_display())),
            )
        )
    return entries


def stage_entries(merchant: Merchant) -> list[TimelineEntry]:
    changes = StageChange.objects.filter(merchant=merchant).select_related("changed_by")
    return [
        TimelineEntry(
            when=change.created_at,
            kind="stage",
            title=_("阶段：%(from)s → %(to)s")
            % {"from": change.get_from_stage_display() or "—", "to": change.get_to_stage_display()},
            detail=" · ".join(filter(None, [change.changed_by.display_name, change.reason])),
        )
        for change in changes
    ]


def vetting_entries(merchant: Merchant) -> list[TimelineEntry]:
    """Vetting changes, read from the merchant's change history."""
    records = list(
        merchant.history.select_related("history_user__member")
        .only(
            "history_date", "vetting_status", "vetting_note", "blacklist_reason", "history_user__member__display_name"
        )
        .order_by("history_date", "history_id")
    )
    # Every merchant starts unverified, so one created already vetted shows it too.
    entries, previous = [], VettingStatus.UNVERIFIED
    for record in records:
        if record.vetting_status != previous:
            who = getattr(getattr(record.history_user, "member", None), "display_name", "")
            entries.append(
                TimelineEntry(
                    when=record.history_date,
                    kind="vetting",
                    title=_("资质核查：%(status)s") % {"status": record.get_vetting_status_display()},
                    detail=" · ".join(filter(None, [who, record.get_blacklist_reason_display(), record.vetting_note])),
                )
            )
        previous = record.vetting_status
    return entries


# --- Department metric (registered in apps.py)


def visits_per_member(start: date, end: date) -> dict[int, int]:
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    rows = (
        Visit.members.through.objects.filter(visit__visited_at__gte=since, visit__visited_at__lt=until)
        .values("member_id")
        .annotate(n=Count("visit_id", distinct=True))
    )
    return {row["member_id"]: row["n"] for row in rows}


HISTORY_FIELDS = [
    "name",
    "kind",
    "industry_id",
    "district",
    "address",
    "phone",
    "website",
    "owner_id",
    "notes",
    "credit_code",
]


def merchant_changes(merchant: Merchant, limit: int = 10) -> list[dict]:
    """The last changes to the merchant's details: who, when, which fields (one query)."""
    records = list(
        merchant.history.select_related("history_user__member").order_by("-history_date", "-history_id")[: limit + 1]
    )
    labels = {name: Merchant._meta.get_field(name.removesuffix("_id")).verbose_name for name in HISTORY_FIELDS}
    changes = []
    # A merchant imported in bulk, or older than the history, may have no record at all.
    for record, older in pairwise([*records, None]):
        if len(changes) == limit:
            break
        who = getattr(getattr(record.history_user, "member", None), "display_name", "")
        if record.history_type == "+":
            changes.append({"when": record.history_date, "who": who, "what": _("创建")})
            continue
        if older is None:
            continue
        fields = [str(labels[name]) for name in HISTORY_FIELDS if getattr(record, name) != getattr(older, name)]
        if fields:
            changes.append(
                {
                    "when": record.history_date,
                    "who": who,
                    "what": _("修改了 %(fields)s") % {"fields": "、".join(fields)},
                }
            )
    return changes


# --- The digests' sections (registered in apps.py)


def digest_followups(member: Member, today: date):
    from outreach.digests import DigestItem

    items = []
    for followup in FollowUp.objects.open().filter(owner=member, due_on__lte=today).select_related("merchant"):
        when = (
            _("今天")
            if followup.due_on == today
            else _("已逾期 %(days)d 天") % {"days": (today - followup.due_on).days}
        )
        items.append(
            DigestItem(f"{followup.merchant.name}：{followup.description}（{when}）", followup.get_absolute_url())
        )
    return items


def digest_overdue_followups(monday: date):
    """The department's overdue follow-ups, per owner."""
    from outreach.digests import DigestItem

    rows = (
        FollowUp.objects.open()
        .filter(due_on__lt=monday)
        .values("owner__display_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__display_name")
    )
    return [
        DigestItem(_("%(name)s：逾期跟进 %(count)d 项") % {"name": row["owner__display_name"], "count": row["n"]})
        for row in rows
    ]


def digest_week_visits(monday: date):
    """Visits per member in the seven days before Monday (every active member, zeros too)."""
    from outreach.digests import DigestItem
    from outreach.roles import Role

    counts = visits_per_member(monday - timedelta(days=7), monday - timedelta(days=1))
    members = Member.objects.active().with_role(Role.OFFICER, Role.VICE_MINISTER, Role.MINISTER)
    return [
        DigestItem(_("%(name)s：拜访 %(count)d 次") % {"name": m.display_name, "count": counts.get(m.pk, 0)})
        for m in members.order_by("display_name")
    ]


def visits_for_list() -> QuerySet[Visit]:
    return Visit.objects.select_related("merchant", "created_by").prefetch_related("members")

"""Reads of the sponsors app: lists, the board, duplicates, follow-ups, timeline sources, metrics."""

import copy
import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from itertools import pairwise, repeat

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outreach.listing import in_few
from outreach.messages import Message, join_list
from outreach.models import Member
from outreach.phones import normalize_phone

from .models import Contact, FollowUp, Merchant, MerchantKind, Stage, StageChange, VettingStatus, Visit, is_step_back
from .timeline import TimelineEntry

BOARD_STAGES = [Stage.PROSPECT, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.PARTNER, Stage.LOST]


def merchants_for_list() -> QuerySet[Merchant]:
    primary = Prefetch("contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts")
    # A correlated subquery on (merchant, visited_at), not Max() over the join: that grouped
    # every visit of the department before the page took its 25, and the count joined them too.
    last_visit = Visit.objects.filter(merchant=OuterRef("pk")).order_by("-visited_at").values("visited_at")[:1]
    return (
        Merchant.objects.select_related("industry", "owner")
        .prefetch_related("tags", primary)
        .annotate(last_visit_at=Subquery(last_visit))
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


def merchant_search(text: str) -> Q:
    """What merchant_search_ids finds, as a condition on each merchant row (the contacts
    through an uncorrelated IN, which PostgreSQL hashes once): a picker ordered by name then
    stops at its first eight matches. For a word most names have, 2 ms where collecting every
    match first took 800 ms at 200,000 merchants; a word no name has costs a walk of the index
    (200 ms there, against 115 ms for the join)."""
    text = text.strip()
    contacts = Q(name__icontains=text)
    condition = Q(name__icontains=text) | Q(address__icontains=text)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3:
        contacts |= Q(mobile__contains=digits)
        condition |= Q(phone__contains=digits)
    return condition | Q(pk__in=Contact.objects.filter(contacts).values("merchant_id"))


def merchants_not_visited_since(queryset: QuerySet[Merchant], days: int) -> QuerySet[Merchant]:
    since = timezone.now() - timedelta(days=days)
    return queryset.filter(Q(last_visit_at__lt=since) | Q(last_visit_at__isnull=True))


# Rows the export reads from the database at a time (a server-side cursor on PostgreSQL).
EXPORT_CHUNK_ROWS = 2000
EXPORT_FIELDS = (
    "name",
    "kind",
    "industry__name",
    "district",
    "address",
    "phone",
    "website",
    "owner__display_name",
    "stage",
    "vetting_status",
    "credit_code",
    "primary_contact__name",
    "primary_contact__mobile",
    "last_visit_at",
    "notes",
)


def merchant_rows_for_export(merchants: QuerySet[Merchant]) -> Iterator[dict]:
    """The (filtered, ordered) merchants as plain dicts with `tags` (a list of names), in two
    queries whatever their number: the tags of them all, then the rows streamed in chunks.

    No model instances: building three per row (merchant, industry, owner) and prefetching
    into them was most of a 20,000-row export's time.
    """
    tags: dict[int, list[str]] = {}
    for merchant_id, tag in (
        Merchant.tags.through.objects.filter(merchant_id__in=merchants.order_by().values("pk"))
        .order_by("merchant_id", "tag__name")
        .values_list("merchant_id", "tag__name")
    ):
        tags.setdefault(merchant_id, []).append(tag)
    rows = (
        merchants.prefetch_related(None)
        # At most one primary contact per merchant (a constraint): a join that never repeats a row.
        .annotate(primary_contact=FilteredRelation("contacts", condition=Q(contacts__is_primary=True)))
        .values("pk", *EXPORT_FIELDS)
    )
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_ROWS):
        row["tags"] = tags.get(row["pk"], [])
        yield row


def merchant_for_detail(pk: int) -> QuerySet[Merchant]:
    return Merchant.objects.select_related("industry", "owner", "vetted_by").prefetch_related("tags", "contacts")


# What a picker may offer (`?scope=` of the search endpoint); the form's field validates the
# chosen pk against the same rows.
SEARCH_SCOPES = {
    "": lambda: Merchant.objects.all(),
    "business": lambda: Merchant.objects.eligible_for_business(),
    "employer": lambda: Merchant.objects.eligible_for_business().verified(),
    # the alliance's cooperation summaries: merchants the department has signed with
    "partners": lambda: Merchant.objects.filter(stage__in=["signed", "partner"]).exclude(vetting_status="blacklisted"),
    # the alliance's blacklist shares: merchants the department has blacklisted
    "blacklisted": lambda: Merchant.objects.filter(vetting_status="blacklisted"),
    # an event's co-organisers (brother schools' organisations)
    "organisations": lambda: Merchant.objects.eligible_for_business().filter(kind=MerchantKind.STUDENT_ORG),
}


def merchants_for_search(text: str, limit: int = 8, *, scope: str = "") -> list[Merchant]:
    """The "type part of the name" pickers (the visit form, sponsors.widgets.SearchPicker)."""
    text = text.strip()
    if not text:
        return []
    among = SEARCH_SCOPES.get(scope, SEARCH_SCOPES[""])()
    return list(among.filter(merchant_search(text)).select_related("industry").order_by("name", "pk")[:limit])


def visits_for_search(text: str, *, since: datetime, limit: int = 8) -> list[Visit]:
    """The meeting share form's visit picker: recent visits to merchants matching the text."""
    text = text.strip()
    visits = Visit.objects.filter(visited_at__gte=since).select_related("merchant").order_by("-visited_at")
    if text:
        visits = visits.filter(merchant__in=merchant_search_ids(text))
    return list(visits[:limit])


def merchants_suggested_for(member: Member, limit: int = 8) -> list[Merchant]:
    """The visit form's picker before any typing: the merchants this member went to last,
    then the rest of those they own; one query. It starts from the member's own visits and
    merchants, so it reads a handful of rows whatever the size of the merchant table."""
    # Each merchant's last visit is read from the member's own visits, grouped, not looked
    # up merchant by merchant: from the merchant's side, a busy merchant's last visit by this
    # member is found by walking its ~900 visits by everyone (70 ms for 16 candidates).
    last_visited = (
        Merchant.objects.filter(visits__members=member)
        .annotate(my_last_visit=Max("visits__visited_at"))
        .select_related("industry")
        .order_by(F("my_last_visit").desc(), "name", "pk")[:limit]
    )
    # Theirs not lost, by name, visited or not: one they visited also comes from `last_visited`
    # with its date and sorts first, and its copy without a date is dropped below. At most as
    # many of these `limit` as they visited are such copies: the rest still fill the list.
    owned = (
        Merchant.objects.filter(owner=member)
        .exclude(stage=Stage.LOST)
        .annotate(my_last_visit=Value(None, output_field=DateTimeField()))
        .select_related("industry")
        .order_by("name", "pk")[:limit]
    )
    suggested: dict[int, Merchant] = {}
    for merchant in last_visited.union(owned, all=True).order_by(
        F("my_last_visit").desc(nulls_last=True), "name", "pk"
    ):
        suggested.setdefault(merchant.pk, merchant)
    return list(suggested.values())[:limit]


# A column shows its most recently active merchants; the rest are one click away in the
# list filtered by stage. A board of a thousand cards helps nobody and takes seconds.
BOARD_COLUMN_LIMIT = 20


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
    # The first `limit` of each stage, read in order from the (stage, -updated_at, id) index:
    # a window numbering each stage's merchants sorted every merchant of the department.
    first, *others = [
        merchants.filter(stage=stage).order_by("-updated_at", "pk").values("pk")[:limit] for stage in BOARD_STAGES
    ]
    cards = (
        Merchant.objects.filter(pk__in=first.union(*others, all=True))
        .select_related("owner", "industry")
        .annotate(open_followups=Coalesce(Subquery(open_followups, output_field=IntegerField()), Value(0)))
        .order_by("-updated_at", "pk")
    )
    columns: dict[str, tuple[list[Merchant], int]] = {stage: ([], totals.get(stage, 0)) for stage in BOARD_STAGES}
    for merchant in cards:
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


class _NameIndex:
    """Every merchant's name key, indexed so that the ones that look like a key (as
    _keys_look_alike() decides) are found without comparing the key with each of them.

    Three ways to look alike, three look-ups, none missing a match: a name the key contains
    (or the key itself) is one of its substrings; a name containing the key has each of its
    characters; a name of length b that difflib rates 0.8 or more beside a key of length a
    is between 2/3 and 3/2 of its length and shares at least 0.4 (a + b) of its characters
    (a character met twice counted twice). So such a name holds one of the key's rarest
    `a - ceil(0.4 (a + b)) + 1` characters among the names of length b (prefix filtering),
    and only the names holding those are compared: by the characters they share (difflib's
    quick_ratio), then by difflib itself."""

    def __init__(self, rows: Iterable[tuple[int, str]]):
        self.keys: dict[int, str] = {}
        self.by_key: dict[str, list[int]] = {}
        # ((character, its nth time), length of the name) -> pks
        self.holding: dict[tuple[tuple[str, int], int], list[int]] = {}
        self.tokens: dict[int, frozenset[tuple[str, int]]] = {}  # of the names compared so far
        self.longest = 0
        holding = self.holding
        for pk, key in rows:
            if not key:
                continue
            self.keys[pk] = key
            self.by_key.setdefault(key, []).append(pk)
            length = len(key)
            self.longest = max(self.longest, length)
            for token in _tokens(key):
                holding.setdefault((token, length), []).append(pk)

    def look_alike(self, key: str) -> set[int]:
        if not key:
            return set()
        length, keys, tokens = len(key), self.keys, frozenset(_tokens(key))
        substrings = {key} | {key[i:j] for i in range(length) for j in range(i + 2, length + 1)}
        found = {pk for part in substrings for pk in self.by_key.get(part, ())}
        for other in range(length + 1, self.longest + 1) if length >= 2 else ():
            # the longer names containing the key hold its rarest character
            holders = min((self.holding.get((token, other), ()) for token in tokens), key=len)
            found.update(pk for pk in holders if key in keys[pk])
        for other in range((2 * length + 2) // 3, 3 * length // 2 + 1):
            shared_at_least = (2 * (length + other) + 4) // 5
            postings = sorted((self.holding.get((token, other), ()) for token in tokens), key=len)
            offered = {pk for holders in postings[: length - shared_at_least + 1] for pk in holders}
            for pk in offered - found:
                if len(tokens & self._tokens_of(pk)) >= shared_at_least and _keys_look_alike(key, keys[pk]):
                    found.add(pk)
        return found

    def _tokens_of(self, pk: int) -> frozenset[tuple[str, int]]:
        if pk not in self.tokens:
            self.tokens[pk] = frozenset(_tokens(self.keys[pk]))
        return self.tokens[pk]


def _tokens(key: str) -> list[tuple[str, int]]:
    """The key's characters, the second of one character as (character, 2) and so on."""
    if len(set(key)) == len(key):
        return list(zip(key, repeat(1)))
    seen: dict[str, int] = {}
    tokens = []
    for char in key:
        seen[char] = nth = seen.get(char, 0) + 1
        tokens.append((char, nth))
    return tokens


# Up to this many names are looked up in the trigram index one by one (the merchant form's
# check as the member types); more (an import) read every name once and use _NameIndex.
TRIGRAM_LOOKUPS_AT_MOST = 5

# Names the trigram index offers for the Python check, most similar first (a handful match).
DUPLICATE_CANDIDATES = 100


def _similar_names(keys: Sequence[str]) -> tuple[dict[str, list[int]], dict[int, str]]:
    """For each key, the merchants whose kept `name_key` (migration 0007) may look like it: one
    it contains (the key itself included), a similar one (pg_trgm's %, on the GIN index) or one
    containing it; at most DUPLICATE_CANDIDATES, the contained first, then the most similar. A
    superset of what names_look_alike() accepts; it decides. With the offered merchants' names.

    One query for any number of keys (an import's 2,000 names were one query each, over a
    minute on 20,000 merchants): the names a key contains are among its substrings, looked up
    together; the similar ones come from the index, key by key, in a lateral join. The planner
    prices pg_trgm's % as cheap and would scan every name for each key (over 100 ms a key);
    enable_seqscan is off for this statement's transaction only. The substrings are looked up
    by one scan of the names (`|| ''` keeps them off the trigram index, which would run one
    index scan per substring, minutes for an import)."""
    keys = sorted({key for key in keys if key})
    if not keys:
        return {}, {}
    parts = {key: {key[i:j] for i in range(len(key)) for j in range(i + 2, len(key) + 1)} | {key} for key in keys}
    with connection.cursor() as cursor:
        cursor.execute(
            r"""
            SET LOCAL enable_seqscan = off;
            SELECT NULL, id, name, name_key FROM sponsors_merchant WHERE name_key || '' = ANY(%(parts)s)
            UNION ALL
            SELECT k.key, found.id, found.name, NULL
            FROM unnest(%(keys)s::text[]) AS k(key)
            CROSS JOIN LATERAL (
                SELECT id, name FROM sponsors_merchant
                WHERE name_key %% k.key OR (
                    length(k.key) >= 2
                    AND name_key LIKE '%%' || replace(replace(replace(k.key, '\', '\\'), '%%', '\%%'), '_', '\_') || '%%'
                )
                ORDER BY similarity(name_key, k.key) DESC, id
                LIMIT %(limit)s
            ) AS found
            """,
            {"keys": keys, "parts": sorted(set().union(*parts.values())), "limit": DUPLICATE_CANDIDATES},
        )
        rows = cursor.fetchall()
        if connection.in_atomic_block:  # else the statement was its own transaction
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    contained: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    for key, pk, name, name_key in rows:
        names[pk] = name
        if key is None:
            contained.setdefault(name_key, []).append(pk)
    offered = {key: sorted(pk for part in parts[key] for pk in contained.get(part, ())) for key in keys}
    for key, pk, _name, _name_key in rows:
        if key is not None and pk not in offered[key]:
            offered[key].append(pk)
    return {key: ids[:DUPLICATE_CANDIDATES] for key, ids in offered.items()}, names


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
    come here. On PostgreSQL a pg_trgm index on the kept `name_key` offers the candidate
    names (one query for all of them); on SQLite every name is read (a fixed number of
    queries)."""
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
    found: list[tuple[set[int], set[int]]] = []
    if connection.vendor == "postgresql" and len(keys) <= TRIGRAM_LOOKUPS_AT_MOST:
        # The trigram index offers a few names per entry (one query for all); the Python
        # check below decides.
        offered, names = _similar_names([_name_key(name) for name, _phone in keys])
        index = _NameIndex((pk, _name_key(other)) for pk, other in names.items() if pk != exclude_pk)
    else:
        # An import's thousands of names: one index scan each was 5 to 10 ms (the bench's
        # names share few trigrams), reading the names once and indexing them here is a
        # fraction of a second. SQLite (the quick start) always comes here.
        offered = None
        index = _NameIndex((pk, _name_key(other)) for pk, other in candidates.values_list("pk", "name"))
    by_phone: dict[str, set[int]] = {}
    phones = {phone for _name, phone in keys if phone}
    if phones:
        for pk, other_phone in candidates.filter(phone__in=phones).values_list("pk", "phone"):
            by_phone.setdefault(other_phone, set()).add(pk)
        for pk, mobile in Contact.objects.filter(merchant__in=candidates, mobile__in=phones).values_list(
            "merchant_id", "mobile"
        ):
            by_phone.setdefault(mobile, set()).add(pk)
    for name, phone in keys:
        key = _name_key(name)
        similar = index.look_alike(key)
        if offered is not None:
            similar &= set(offered.get(key, ()))
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


# Each section of the follow-up page lists its first ones (the count says how many in all).
FOLLOWUP_SECTION_LIMIT = 50


def followups_for_member(
    member: Member, today: date | None = None, limit: int = FOLLOWUP_SECTION_LIMIT
) -> dict[str, list[FollowUp]]:
    """{overdue, today, upcoming: the first `limit` of each; done: the last 10}, four queries."""
    today = today or timezone.localdate()
    open_ones = FollowUp.objects.open().for_member(member).with_related().order_by("due_on", "pk")
    return {
        # The longest overdue first: the oldest promise is the one the merchant remembers.
        "overdue": list(open_ones.filter(due_on__lt=today)[:limit]),
        "today": list(open_ones.filter(due_on=today)[:limit]),
        "upcoming": list(open_ones.filter(due_on__gt=today)[:limit]),
        "done": list(FollowUp.objects.done().for_member(member).with_related().order_by("-done_at")[:10]),
    }


def followup_counts_for_member(member: Member, today: date | None = None) -> dict[str, int]:
    """How many open follow-ups the member has overdue, due today and upcoming: one query."""
    today = today or timezone.localdate()
    return (
        FollowUp.objects.open()
        .for_member(member)
        .aggregate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            today=Count("pk", filter=Q(due_on=today)),
            upcoming=Count("pk", filter=Q(due_on__gt=today)),
        )
    )


# --- Timeline sources (registered in apps.py)


def visit_entries(merchant: Merchant, limit: int | None = None) -> list[TimelineEntry]:
    visits = Visit.objects.filter(merchant=merchant).order_by("-visited_at", "-pk")
    visits = visits[:limit] if limit is not None else visits
    visits = visits.prefetch_related("members", "followups")
    entries = []
    for visit in visits:
        names = join_list(member.display_name for member in visit.members.all())
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


def stage_entries(merchant: Merchant, limit: int | None = None) -> list[TimelineEntry]:
    changes = StageChange.objects.filter(merchant=merchant).select_related("changed_by").order_by("-created_at", "-pk")
    changes = changes[:limit] if limit is not None else changes
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


def merchant_steps_back(merchant: Merchant) -> int:
    """How often the merchant went back to an earlier stage or was lost (one query): two or
    more and its page says 商家反复不定."""
    moves = StageChange.objects.filter(merchant=merchant).values_list("from_stage", "to_stage")
    return sum(is_step_back(from_stage, to_stage) for from_stage, to_stage in moves)


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
    # The period's visits by the visited_at index, then their members by the (visit, member)
    # index: never the visits-members table of every year. A visit names a member once (the
    # pair is unique), so no DISTINCT.
    in_period = Visit.objects.filter(visited_at__gte=since, visited_at__lt=until).values("pk")
    rows = (
        Visit.members.through.objects.filter(in_few("visit_id", in_period)).values("member_id").annotate(n=Count("pk"))
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
                    "what": _("修改了 %(fields)s") % {"fields": join_list(fields)},
                }
            )
    return changes


# --- The digests' sections (registered in apps.py)


def digest_followups(member: Member, today: date):
    from outreach.digests import DigestItem

    items = []
    for followup in FollowUp.objects.open().filter(owner=member, due_on__lte=today).select_related("merchant"):
        when = (
            Message(gettext_noop("今天"))
            if followup.due_on == today
            else Message(gettext_noop("已逾期 %(days)d 天"), days=(today - followup.due_on).days)
        )
        text = Message(
            gettext_noop("%(merchant)s：%(task)s（%(when)s）"),
            merchant=followup.merchant.name,
            task=followup.description,
            when=when,
        )
        items.append(DigestItem(text, followup.get_absolute_url()))
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
        DigestItem(
            Message(gettext_noop("%(name)s：逾期跟进 %(count)d 项"), name=row["owner__display_name"], count=row["n"])
        )
        for row in rows
    ]


def digest_week_visits(monday: date):
    """Visits per member in the seven days before Monday (every active member, zeros too)."""
    from outreach.digests import DigestItem
    from outreach.roles import Role

    counts = visits_per_member(monday - timedelta(days=7), monday - timedelta(days=1))
    members = Member.objects.active().with_role(Role.OFFICER, Role.VICE_MINISTER, Role.MINISTER)
    return [
        DigestItem(Message(gettext_noop("%(name)s：拜访 %(count)d 次"), name=m.display_name, count=counts.get(m.pk, 0)))
        for m in members.order_by("display_name")
    ]


def visits_for_list() -> QuerySet[Visit]:
    return Visit.objects.select_related("merchant", "created_by").prefetch_related("members")

"""Which of our merchants a peer's entry is about: the credit code first; without a code on
both sides, the same normalised name or the same phone. Two different credit codes are two
different businesses, however alike their names."""

import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from outreach.phones import normalize_phone
from sponsors.models import Merchant
from sponsors.validators import normalize_credit_code
from sponsors.warnings import MerchantWarning

from .models import EntryKind, ReceivedEntry


def name_key(name: str) -> str:
    """ "武汉 金榜教育（有限公司）" and "武汉金榜教育(有限公司)" are one key: full-width folded,
    case folded, spaces and punctuation dropped."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(char for char in folded if char.isalnum())[:100]


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError:
        return ""


@dataclass(frozen=True)
class Details:
    name_key: str
    phone: str
    credit_code: str

    @classmethod
    def of(cls, name: str = "", phone: str = "", credit_code: str = "") -> "Details":
        return cls(name_key(name), _phone(phone), normalize_credit_code(credit_code))


def basis(entry: ReceivedEntry, details: Details) -> str:
    """How the entry matches, or "" when it does not."""
    if entry.credit_code and details.credit_code:
        return "credit_code" if entry.credit_code == details.credit_code else ""
    if entry.name_key and entry.name_key == details.name_key:
        return "name"
    if entry.phone and entry.phone == details.phone:
        return "phone"
    return ""


BASIS_LABELS = {
    "credit_code": lambda: _("统一社会信用代码相同"),
    "name": lambda: _("名称相同"),
    "phone": lambda: _("电话相同"),
}


def entry_text(entry: ReceivedEntry) -> str:
    if entry.kind == EntryKind.BLACKLIST:
        text = _("%(peer)s %(month)s 列入黑名单：%(category)s") % {
            "peer": entry.peer.name,
            "month": entry.listed_on.strftime("%Y-%m") if entry.listed_on else "",
            "category": entry.get_category_display(),
        }
        return f"{text} — {entry.note}" if entry.note else text
    return _("%(peer)s 合作记录：%(summary)s") % {"peer": entry.peer.name, "summary": entry.summary}


def warning_for(entry: ReceivedEntry, how: str) -> MerchantWarning:
    text = f"{entry_text(entry)}（{BASIS_LABELS[how]()}）"
    blacklist = entry.kind == EntryKind.BLACKLIST
    return MerchantWarning(
        text=text,
        source=entry.peer.name,
        level="danger" if blacklist else "info",
        adopt_url=reverse("alliance:adopt", args=[entry.pk]) if blacklist else "",
        entry_id=entry.pk,
    )


def _candidates(details: list[Details]):
    codes = {d.credit_code for d in details if d.credit_code}
    names = {d.name_key for d in details if d.name_key}
    phones = {d.phone for d in details if d.phone}
    if not (codes or names or phones):
        return []
    condition = Q(credit_code__in=codes) | Q(name_key__in=names) | Q(phone__in=phones)
    return list(
        ReceivedEntry.objects.filter(retracted=False, peer__is_active=True)
        .filter(condition)
        .select_related("peer")
        .order_by("kind", "-listed_on", "pk")
    )


def _warnings(entries, details: Details) -> list[MerchantWarning]:
    found = []
    for entry in entries:
        how = basis(entry, details)
        if how:
            found.append(warning_for(entry, how))
    return found


def warnings_for_merchant(merchant) -> list[MerchantWarning]:
    details = Details.of(merchant.name, merchant.phone, merchant.credit_code)
    return _warnings(_candidates([details]), details)


def warnings_for_details(rows: list[dict]) -> list[list[MerchantWarning]]:
    details = [Details.of(row.get("name", ""), row.get("phone", ""), row.get("credit_code", "")) for row in rows]
    entries = _candidates(details)
    return [_warnings(entries, one) for one in details]


@dataclass(frozen=True)
class Match:
    merchant: Merchant
    entry: ReceivedEntry
    basis: str

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]()

    @property
    def text(self) -> str:
        return entry_text(self.entry)


# The alliance page's matches read every merchant: kept under the record's generation.
MATCHES_SECONDS = 300


def all_matches() -> list[Match]:
    """Every active entry against every merchant, kept until the record changes (an entry
    received or retracted, a merchant saved) or for MATCHES_SECONDS."""
    from outreach.datachange import remember

    matches, _cached = remember("alliance:matches", _all_matches, MATCHES_SECONDS)
    return matches


def _all_matches() -> list[Match]:
    """Every active entry against every merchant: two queries, joined here."""
    entries = list(
        ReceivedEntry.objects.filter(retracted=False, peer__is_active=True)
        .select_related("peer")
        .order_by("kind", "-listed_on", "pk")
    )
    if not entries:
        return []
    by_code, by_name, by_phone = {}, {}, {}
    for entry in entries:
        for index, key in ((by_code, entry.credit_code), (by_name, entry.name_key), (by_phone, entry.phone)):
            if key:
                index.setdefault(key, []).append(entry)
    matches = []
    merchants = Merchant.objects.only("pk", "name", "phone", "credit_code", "vetting_status", "version").order_by(
        "name", "pk"
    )
    for merchant in merchants:
        details = Details(name_key(merchant.name), merchant.phone, merchant.credit_code)
        seen = set()
        for candidates in (
            by_code.get(details.credit_code, []),
            by_name.get(details.name_key, []),
            by_phone.get(details.phone, []),
        ):
            for entry in candidates:
                how = basis(entry, details) if entry.pk not in seen else ""
                if how:
                    seen.add(entry.pk)
                    matches.append(Match(merchant=merchant, entry=entry, basis=how))
    return matches

"""Every write of the alliance: peers, what we share, bundles in and out, adopting an entry."""

import ipaddress
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.locking import save_changed
from outreach.models import Member
from sponsors.models import BlacklistReason, Merchant, VettingStatus
from sponsors.services import merchant_set_vetting

from . import bundles, keys
from .matching import entry_text, name_key
from .models import Adoption, BundleReceipt, Category, EntryKind, Peer, ReceivedEntry, SharedEntry, Via

# Our blacklist reasons, as the alliance's categories (and back, when adopting).
CATEGORY_FOR_REASON = {
    BlacklistReason.FRAUD: Category.FRAUD,
    BlacklistReason.PYRAMID: Category.PYRAMID,
    BlacklistReason.FEE_CHARGING: Category.FEE_CHARGING,
    BlacklistReason.UNSAFE: Category.OTHER,
    BlacklistReason.OTHER: Category.OTHER,
}
REASON_FOR_CATEGORY = {
    Category.FRAUD: BlacklistReason.FRAUD,
    Category.PYRAMID: BlacklistReason.PYRAMID,
    Category.FEE_CHARGING: BlacklistReason.FEE_CHARGING,
    Category.BREACH: BlacklistReason.OTHER,
    Category.OTHER: BlacklistReason.OTHER,
}


# --- Peers


def check_feed_url(url: str) -> None:
    """HTTPS only; plain http to the loopback address only where the setting allows it (tests)."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and settings.ALLIANCE_FEED_ALLOW_LOOPBACK_HTTP:
        try:
            if ipaddress.ip_address(parts.hostname or "").is_loopback:
                return
        except ValueError:
            pass
    raise ValidationError({"feed_url": _("订阅地址必须以 https:// 开头。")})


def _clean_peer(peer: Peer) -> None:
    peer.name, peer.school = peer.name.strip(), peer.school.strip()
    peer.public_key = "".join(peer.public_key.split())
    try:
        keys.parse_public_key(peer.public_key)
    except ValueError as exc:
        raise ValidationError({"public_key": _("公钥无效：请复制对方联盟页面上显示的 44 个字符。")}) from exc
    if peer.public_key == keys.public_key_text():
        raise ValidationError({"public_key": _("这是本部门自己的公钥。")})
    check_feed_url(peer.feed_url)
    peer.full_clean()


def peer_create(*, by: Member, name: str, school: str, public_key: str, feed_url: str = "") -> Peer:
    peer = Peer(name=name, school=school, public_key=public_key, feed_url=feed_url, created_by=by)
    _clean_peer(peer)
    peer.save()
    return peer


def peer_update(*, peer: Peer, by: Member, **fields) -> Peer:
    allowed = {"name", "school", "public_key", "feed_url", "is_active"}
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(f"peer_update() does not change {key!r}")
        setattr(peer, key, value)
    _clean_peer(peer)
    peer.save(update_fields=[*fields, "updated_at"])
    return peer


# --- What we share


def shared_entry_create(
    *,
    by: Member,
    kind: str,
    merchant: Merchant,
    note: str = "",
    summary: str = "",
    category: str = "",
    listed_on: date | None = None,
) -> SharedEntry:
    """Share a blacklisted merchant (its name, credit code, phone, reason and the note written
    for the alliance) or a cooperation summary; nothing else of the merchant leaves."""
    if kind == EntryKind.BLACKLIST:
        if not merchant.is_blacklisted:
            raise ValidationError({"merchant": _("只能分享本部门已拉黑的商家。")})
        category = category or CATEGORY_FOR_REASON.get(merchant.blacklist_reason, Category.OTHER)
        summary = ""
    elif not summary.strip():
        raise ValidationError({"summary": _("请写明合作情况，例如“2026年赞助两次活动，按时付款”。")})
    else:
        category = ""
    if SharedEntry.objects.filter(merchant=merchant, kind=kind, retracted_at__isnull=True).exists():
        raise ValidationError({"merchant": _("这个商家已经分享过了；请先撤回原来的条目。")})
    entry = SharedEntry(
        kind=kind,
        merchant=merchant,
        name=merchant.name,
        credit_code=merchant.credit_code,
        phone=merchant.phone,
        category=category,
        listed_on=listed_on or timezone.localdate(),
        note=note.strip(),
        summary=summary.strip(),
        created_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


def shared_entry_retract(*, entry: SharedEntry, by: Member) -> bool:
    """Withdraw an entry: the next bundle carries only its id and a newer version, and each
    peer removes it on import. False when it was already withdrawn."""
    entry.retracted_at = timezone.now()
    try:
        save_changed(entry, fields=["retracted_at"], expected_version=None, where=Q(retracted_at__isnull=True))
    except ValidationError:
        entry.refresh_from_db()
        return False
    return True


# --- Bundles out


def own_identity() -> dict:
    return {"name": settings.ALLIANCE_NAME, "school": settings.ALLIANCE_SCHOOL, "public_key": keys.public_key_text()}


def entry_payload(entry: SharedEntry) -> dict:
    if entry.retracted_at:
        return {"id": str(entry.uid), "version": entry.version, "kind": entry.kind, "retracted": True}
    return {
        "id": str(entry.uid),
        "version": entry.version,
        "kind": entry.kind,
        "retracted": False,
        "name": entry.name,
        "credit_code": entry.credit_code,
        "phone": entry.phone,
        "category": entry.category,
        "listed_on": entry.listed_on.isoformat(),
        "note": entry.note,
        "summary": entry.summary,
    }


def bundle_payload() -> dict:
    """Exactly what the next bundle holds (the preview shows this)."""
    return {
        "format": bundles.FORMAT,
        "issuer": own_identity(),
        "issued_at": timezone.now().isoformat(timespec="seconds"),
        "entries": [entry_payload(entry) for entry in SharedEntry.objects.order_by("created_at", "pk")],
    }


def bundle_export() -> bytes:
    return bundles.sign_payload(bundle_payload())


# --- Bundles in


@dataclass
class ImportResult:
    peer: Peer
    added: int = 0
    updated: int = 0
    retracted: int = 0
    unchanged: int = 0
    already_imported: bool = False

    @property
    def summary(self) -> str:
        if self.already_imported:
            return _("“%(peer)s”的这个数据包已经导入过，没有变化。") % {"peer": self.peer.name}
        return _("已导入“%(peer)s”的数据包：新增 %(added)d 条，更新 %(updated)d 条，撤回 %(retracted)d 条。") % {
            "peer": self.peer.name,
            "added": self.added,
            "updated": self.updated,
            "retracted": self.retracted,
        }


def _entry_fields(data: dict) -> dict:
    if data["retracted"]:
        blank = {"name": "", "name_key": "", "credit_code": "", "phone": "", "category": "", "note": "", "summary": ""}
        return {**blank, "listed_on": None, "kind": data["kind"], "retracted": True}
    return {
        "kind": data["kind"],
        "name": data["name"],
        "name_key": name_key(data["name"]),
        "credit_code": data["credit_code"],
        "phone": data["phone"],
        "category": data["category"],
        "listed_on": data["listed_on"],
        "note": data["note"],
        "summary": data["summary"],
        "retracted": False,
    }


@transaction.atomic
def bundle_import(*, data: bytes, via: str = Via.FILE, by: Member | None = None) -> ImportResult:
    """Check the whole bundle first (BundleError, nothing written), then apply it: an entry
    is written only when its version is newer than ours, so importing any bundle again, or an
    older one after a newer, changes nothing."""
    parsed = bundles.parse(data)
    peer = Peer.objects.select_for_update().get(pk=parsed.peer.pk)
    result = ImportResult(peer=peer)
    if BundleReceipt.objects.filter(peer=peer, digest=parsed.digest).exists():
        result.already_imported = True
        return result
    existing = {str(entry.uid): entry for entry in ReceivedEntry.objects.filter(peer=peer)}
    for data_entry in parsed.entries:
        fields = _entry_fields(data_entry)
        current = existing.get(data_entry["id"])
        if current is None:
            ReceivedEntry.objects.create(peer=peer, uid=data_entry["id"], version=data_entry["version"], **fields)
            if not fields["retracted"]:
                result.added += 1
            continue
        if data_entry["version"] <= current.version:
            result.unchanged += 1
            continue
        was_active = not current.retracted
        for key, value in fields.items():
            setattr(current, key, value)
        current.version = data_entry["version"]
        current.save()
        if fields["retracted"]:
            result.retracted += 1 if was_active else 0
        else:
            result.updated += 1
    BundleReceipt.objects.create(
        peer=peer,
        digest=parsed.digest,
        issued_at=parsed.issued_at,
        via=via,
        entries=len(parsed.entries),
        added=result.added,
        updated=result.updated,
        retracted=result.retracted,
        received_by=by,
    )
    peer.last_received_at = timezone.now()
    if peer.last_bundle_at is None or parsed.issued_at > peer.last_bundle_at:
        peer.last_bundle_at = parsed.issued_at
    peer.save(update_fields=["last_received_at", "last_bundle_at", "updated_at"])
    return result


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a feed that redirects is refused: the redirect could leave HTTPS


def feed_fetch(url: str) -> bytes:
    """GET the feed: HTTPS (see check_feed_url), no redirects, ALLIANCE_FEED_TIMEOUT seconds
    per connect and read, and never more than the bundle size limit read into memory."""
    try:
        check_feed_url(url)
    except ValidationError as exc:
        raise bundles.BundleError(exc.messages[0]) from exc
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "outreach-alliance"})
    limit = bundles.max_bytes()
    try:
        with opener.open(request, timeout=settings.ALLIANCE_FEED_TIMEOUT) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise bundles.BundleError(_("数据包超过大小限制(最大 %(kb)d KB)，未导入。") % {"kb": limit // 1024})
            data = response.read(limit + 1)
    except bundles.BundleError:
        raise
    except urllib.error.HTTPError as exc:
        raise bundles.BundleError(_("订阅地址返回错误 %(code)s。") % {"code": exc.code}) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise bundles.BundleError(_("无法连接订阅地址：%(error)s") % {"error": exc}) from exc
    return data


def feed_pull(*, peer: Peer) -> ImportResult:
    """Pull one peer's feed; the error (if any) is kept on the peer for the alliance page."""
    try:
        data = feed_fetch(peer.feed_url)
        with transaction.atomic():
            result = bundle_import(data=data, via=Via.FEED)
            if result.peer.pk != peer.pk:
                # A feed speaks only for the peer it is registered for: undo and refuse.
                raise bundles.BundleError(_("订阅地址返回的是另一个部门的数据包。"))
    except bundles.BundleError as exc:
        Peer.objects.filter(pk=peer.pk).update(
            last_pulled_at=timezone.now(), last_pull_error=str(exc)[:300], updated_at=timezone.now()
        )
        raise
    Peer.objects.filter(pk=peer.pk).update(last_pulled_at=timezone.now(), last_pull_error="", updated_at=timezone.now())
    return result


def feeds_pull_all() -> dict[str, str]:
    """The daily pull (ALLIANCE_FEED_PULL): each peer with a feed, one failure not stopping the rest."""
    outcome = {}
    for peer in Peer.objects.filter(is_active=True).exclude(feed_url=""):
        try:
            outcome[peer.name] = feed_pull(peer=peer).summary
        except bundles.BundleError as exc:
            outcome[peer.name] = str(exc)
    return outcome


# --- Adopting a peer's entry


@transaction.atomic
def entry_adopt(
    *, entry: ReceivedEntry, merchant: Merchant, by: Member, expected_version: int | None = None
) -> Merchant:
    """Blacklist our merchant because of a peer's entry, through the sponsors blacklist; the
    vetting note (kept in the merchant's history and timeline) names the source."""
    if entry.retracted or entry.kind != EntryKind.BLACKLIST:
        raise ValidationError(_("这条联盟记录已被撤回，不能采纳。"))
    if merchant.vetting_status == VettingStatus.BLACKLISTED:
        raise ValidationError(_("此商家已在本部门黑名单中。"))
    note = _("采纳联盟记录：%(text)s") % {"text": entry_text(entry)}
    merchant_set_vetting(
        merchant=merchant,
        status=VettingStatus.BLACKLISTED,
        by=by,
        note=note[:1000],
        blacklist_reason=REASON_FOR_CATEGORY.get(entry.category, BlacklistReason.OTHER),
        expected_version=expected_version,
    )
    Adoption.objects.get_or_create(entry=entry, merchant=merchant, defaults={"adopted_by": by})
    return merchant

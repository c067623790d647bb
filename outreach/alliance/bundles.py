"""Signed bundles: the file one department gives the others.

    {"bundle": {"format": ..., "issuer": {...}, "issued_at": ..., "entries": [...]},
     "signature": base64(Ed25519(canonical_json(bundle)))}

Canonical JSON is sorted keys, no spaces, UTF-8. What arrives is hostile until proven: its
size is checked before it is parsed, duplicate keys and non-JSON numbers are refused, the
issuer must be a registered peer whose key verifies the signature, and only then is every
entry checked against the schema. Any failure refuses the whole bundle (BundleError).
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.phones import normalize_phone
from sponsors.validators import normalize_credit_code, validate_credit_code

from . import keys
from .models import Category, EntryKind, Peer

FORMAT = "outreach-alliance-bundle/1"
ENTRY_KEYS = {
    "id",
    "version",
    "kind",
    "retracted",
    "name",
    "credit_code",
    "phone",
    "category",
    "listed_on",
    "note",
    "summary",
}
TEXT_LIMITS = {"name": 100, "note": 300, "summary": 300}


class BundleError(Exception):
    """A bundle refused; the message says why, in words the minister understands."""


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_payload(payload: dict, key=None) -> bytes:
    """The file's bytes: the payload and its signature (readable JSON, one entry a line)."""
    document = {"bundle": payload, "signature": keys.sign(canonical(payload), key)}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class ParsedBundle:
    peer: Peer
    issued_at: datetime
    entries: list[dict]
    digest: str


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise BundleError(_("数据包格式不正确：字段“%(key)s”重复。") % {"key": key})
        result[key] = value
    return result


def _no_constants(name):
    raise BundleError(_("数据包格式不正确：含有无效的数字。"))


def _load_json(data: bytes):
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleError(_("这不是联盟数据包：文件无法作为 JSON 读取。")) from exc


def max_bytes() -> int:
    return settings.ALLIANCE_BUNDLE_MAX_BYTES


def parse(data: bytes) -> ParsedBundle:
    """Check a bundle completely, writing nothing; BundleError says why it is refused."""
    if len(data) > max_bytes():
        raise BundleError(_("数据包超过大小限制(最大 %(kb)d KB)，未导入。") % {"kb": max_bytes() // 1024})
    document = _load_json(data)
    if not isinstance(document, dict) or not isinstance(document.get("bundle"), dict):
        raise BundleError(_("这不是联盟数据包：缺少数据包内容。"))
    signature = document.get("signature")
    if not isinstance(signature, str) or not signature:
        raise BundleError(_("数据包没有签名，未导入。"))
    if set(document) != {"bundle", "signature"}:
        raise BundleError(_("数据包格式不正确：含有未知的字段。"))
    payload = document["bundle"]
    issuer = payload.get("issuer")
    public_key = issuer.get("public_key") if isinstance(issuer, dict) else None
    if not isinstance(public_key, str):
        raise BundleError(_("数据包没有注明签发的部门，未导入。"))
    peer = Peer.objects.filter(public_key=public_key.strip(), is_active=True).first()
    if peer is None:
        raise BundleError(
            _("数据包来自未登记的部门(公钥指纹 %(fingerprint)s)。请先在“联盟成员”中登记对方的公钥。")
            % {"fingerprint": keys.fingerprint(public_key.strip()[:60])}
        )
    if not keys.verify(canonical(payload), signature, peer.public_key):
        raise BundleError(
            _("签名校验失败：文件在签发后被修改过，或不是“%(peer)s”签发的。未导入。") % {"peer": peer.name}
        )
    issued_at, entries = _check_payload(payload)
    return ParsedBundle(peer=peer, issued_at=issued_at, entries=entries, digest=digest(data))


def _check_payload(payload: dict) -> tuple[datetime, list[dict]]:
    if payload.get("format") != FORMAT:
        raise BundleError(_("数据包的格式版本不受支持。"))
    if set(payload) != {"format", "issuer", "issued_at", "entries"}:
        raise BundleError(_("数据包格式不正确：含有未知的字段。"))
    try:
        issued_at = datetime.fromisoformat(payload["issued_at"])
    except (TypeError, ValueError) as exc:
        raise BundleError(_("数据包的签发时间无效。")) from exc
    if timezone.is_naive(issued_at):
        raise BundleError(_("数据包的签发时间无效。"))
    entries = payload["entries"]
    if not isinstance(entries, list):
        raise BundleError(_("数据包格式不正确：条目应为列表。"))
    if len(entries) > settings.ALLIANCE_BUNDLE_MAX_ENTRIES:
        raise BundleError(
            _("数据包的条目太多(最多 %(max)d 条)，未导入。") % {"max": settings.ALLIANCE_BUNDLE_MAX_ENTRIES}
        )
    checked, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        try:
            cleaned = _check_entry(entry)
        except BundleError as exc:
            raise BundleError(_("第 %(n)d 条不符合格式：%(error)s") % {"n": number, "error": exc}) from exc
        if cleaned["id"] in seen:
            raise BundleError(_("第 %(n)d 条的编号重复。") % {"n": number})
        seen.add(cleaned["id"])
        checked.append(cleaned)
    return issued_at, checked


def _text(entry: dict, key: str, required: bool = False) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise BundleError(_("“%(key)s”应为文字。") % {"key": key})
    value = value.strip()
    if required and not value:
        raise BundleError(_("缺少“%(key)s”。") % {"key": key})
    limit = TEXT_LIMITS.get(key)
    if limit and len(value) > limit:
        raise BundleError(_("“%(key)s”超过 %(limit)d 个字。") % {"key": key, "limit": limit})
    return value


def _check_entry(entry) -> dict:
    if not isinstance(entry, dict):
        raise BundleError(_("条目应为对象。"))
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise BundleError(_("未知的字段 %(keys)s。") % {"keys": ", ".join(sorted(unknown))})
    try:
        uid = str(uuid.UUID(entry.get("id", "")))
    except (TypeError, ValueError, AttributeError) as exc:
        raise BundleError(_("编号无效。")) from exc
    version = entry.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**31:
        raise BundleError(_("版本号无效。"))
    kind = entry.get("kind")
    if kind not in EntryKind.values:
        raise BundleError(_("类型无效。"))
    retracted = entry.get("retracted", False)
    if not isinstance(retracted, bool):
        raise BundleError(_("撤回标记无效。"))
    cleaned = {"id": uid, "version": version, "kind": kind, "retracted": retracted}
    if retracted:
        return cleaned
    cleaned["name"] = _text(entry, "name", required=True)
    code = normalize_credit_code(_text(entry, "credit_code"))
    try:
        validate_credit_code(code)
        cleaned["phone"] = normalize_phone(_text(entry, "phone"))
    except ValidationError as exc:
        raise BundleError(exc.messages[0]) from exc
    cleaned["credit_code"] = code
    category = entry.get("category", "")
    if kind == EntryKind.BLACKLIST and category not in Category.values:
        raise BundleError(_("黑名单条目的原因无效。"))
    if kind == EntryKind.COOPERATION and category not in ("", *Category.values):
        raise BundleError(_("原因无效。"))
    cleaned["category"] = category
    try:
        cleaned["listed_on"] = date.fromisoformat(entry.get("listed_on", ""))
    except (TypeError, ValueError) as exc:
        raise BundleError(_("日期无效。")) from exc
    cleaned["note"] = _text(entry, "note")
    cleaned["summary"] = _text(entry, "summary", required=kind == EntryKind.COOPERATION)
    return cleaned

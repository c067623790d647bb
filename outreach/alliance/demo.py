"""Demo alliance: one peer (another school's department) whose bundle blacklists one of the
demo merchants, and our own blacklisted agency shared. Safe to run again."""

import hashlib
import uuid
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from outreach.models import Member
from sponsors.models import Industry, Merchant, MerchantKind, VettingStatus
from sponsors.services import merchant_create
from sponsors.validators import credit_code_check_char

from . import bundles, keys, services
from .models import EntryKind, Peer, SharedEntry

PEER_NAME = "江城大学学生会外联部"
# A demo key anyone can derive: it signs only the demo bundle below.
DEMO_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"outreach-desk demo peer").digest())
TARGET_NAME = "金榜职业技能培训中心"
TARGET_CODE = "91420111MA4KX0123" + credit_code_check_char("91420111MA4KX0123")
ENTRY_ID = uuid.UUID("6f1c1a52-6d2e-4c1e-9a57-2b4f1d2a9e01")


def seed(stdout=None) -> None:
    minister = Member.objects.filter(user__groups__name="minister").order_by("pk").first()
    public_key = keys.encode_public_key(DEMO_KEY.public_key())
    if minister is None or Peer.objects.filter(public_key=public_key).exists():
        return
    services.peer_create(by=minister, name=PEER_NAME, school="江城大学", public_key=public_key)
    # A made-up "training school" (no real brand is blacklisted in the demo), entered here
    # as a prospect; the peer blacklisted it, with the same credit code.
    target = Merchant.objects.filter(name=TARGET_NAME).first() or merchant_create(
        by=minister,
        name=TARGET_NAME,
        kind=MerchantKind.EDUCATION,
        industry=Industry.objects.filter(name="教育培训").first(),
        district="洪山",
        phone="13971188888",
        owner=minister,
        credit_code=TARGET_CODE,
    )
    entry = {
        "id": str(ENTRY_ID),
        "version": 1,
        "kind": EntryKind.BLACKLIST,
        "retracted": False,
        "name": target.name,
        "credit_code": target.credit_code,
        "phone": "",
        "category": "fee_charging",
        "listed_on": (timezone.localdate() - timedelta(days=20)).isoformat(),
        "note": "以“包就业兼职”为名向学生收取 980 元培训费",
        "summary": "",
    }
    payload = {
        "format": bundles.FORMAT,
        "issuer": {"name": PEER_NAME, "school": "江城大学", "public_key": public_key},
        "issued_at": timezone.now().isoformat(timespec="seconds"),
        "entries": [entry],
    }
    services.bundle_import(data=bundles.sign_payload(payload, DEMO_KEY), by=minister)
    for agency in Merchant.objects.filter(vetting_status=VettingStatus.BLACKLISTED).order_by("pk")[:1]:
        if not SharedEntry.objects.filter(merchant=agency).exists():
            services.shared_entry_create(
                by=minister, kind=EntryKind.BLACKLIST, merchant=agency, note="要求学生先交钱的“高薪日结兼职”"
            )
    if stdout is not None:
        stdout.write(f"Alliance: peer {PEER_NAME}, 1 entry matching {target.name}.")

"""The department's Ed25519 key pair. The private key is a file (ALLIANCE_KEY_FILE, by
default var/alliance_key, mode 0600), never a database row: no page, export or backup of the
tables carries it. It is made on first use; the public key is what peers register."""

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def key_path() -> Path:
    return Path(settings.ALLIANCE_KEY_FILE)


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            # O_EXCL: two processes starting at once keep one key, the first one written.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            data = path.read_bytes()
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
            return key
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def encode_public_key(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_text() -> str:
    """Our public key as peers register it: 44 characters of base64."""
    return encode_public_key(private_key().public_key())


def fingerprint(public_key: str) -> str:
    """A short form to read out over the phone: "3F2A 9C01 …" (16 hex digits in 4 groups)."""
    digest = hashlib.sha256(public_key.encode("ascii")).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def parse_public_key(text: str) -> Ed25519PublicKey:
    """ValueError unless the text is a base64 Ed25519 public key."""
    try:
        raw = base64.b64decode((text or "").strip(), validate=True)
    except ValueError as exc:
        raise ValueError("not base64") from exc
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(message: bytes, key: Ed25519PrivateKey | None = None) -> str:
    return base64.b64encode((key or private_key()).sign(message)).decode("ascii")


def verify(message: bytes, signature: str, public_key: str) -> bool:
    try:
        parse_public_key(public_key).verify(base64.b64decode(signature, validate=True), message)
    except (ValueError, InvalidSignature):
        return False
    return True

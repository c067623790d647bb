"""Other departments for the alliance tests.

`SignedBy` is a second department reduced to its key: it signs bundles that the service
layer here must accept or refuse. `Department` is a whole second department: its own
process, SQLite database, settings and key file, driven through manage.py, so what it
exports is a real file this department imports, and back.
"""

import json
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

from outreach.alliance import bundles, keys
from sponsors.validators import credit_code_check_char


def credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


class SignedBy:
    def __init__(self, name: str = "江城大学学生会外联部", school: str = "江城大学"):
        self.key = Ed25519PrivateKey.generate()
        self.public_key = keys.encode_public_key(self.key.public_key())
        self.name, self.school = name, school

    def payload(self, entries: list[dict]) -> dict:
        return {
            "format": bundles.FORMAT,
            "issuer": {"name": self.name, "school": self.school, "public_key": self.public_key},
            "issued_at": timezone.now().isoformat(timespec="seconds"),
            "entries": entries,
        }

    def bundle(self, entries: list[dict]) -> bytes:
        return bundles.sign_payload(self.payload(entries), self.key)


def blacklist_entry(*, uid: str | None = None, version: int = 1, **fields) -> dict:
    entry = {
        "id": uid or str(uuid.uuid4()),
        "version": version,
        "kind": "blacklist",
        "retracted": False,
        "name": "金榜教育培训中心",
        "credit_code": "",
        "phone": "",
        "category": "fee_charging",
        "listed_on": date(2026, 10, 12).isoformat(),
        "note": "以兼职为名向学生收取培训费后失联",
        "summary": "",
    }
    entry.update(fields)
    return entry


def retraction(uid: str, version: int) -> dict:
    return {"id": uid, "version": version, "kind": "blacklist", "retracted": True}


class Department:
    """A second Outreach Desk in its own process and database (SQLite in tmp_path)."""

    def __init__(self, folder: Path, name: str, school: str):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "outreach.settings",
            "DEBUG": "1",
            "SECRET_KEY": "a-second-department-" + uuid.uuid4().hex,
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "ALLIANCE_KEY_FILE": str(folder / "alliance_key"),
            "ALLIANCE_NAME": name,
            "ALLIANCE_SCHOOL": school,
            "CELERY_BROKER_URL": "memory://",
            "MEDIA_ROOT": str(folder / "media"),
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
            env=self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed at the other department:\n{done.stderr[-3000:]}")
        return done.stdout

    def python(self, code: str) -> str:
        return self.manage("shell", "-v", "0", "-c", code)

    def start(self) -> None:
        self.manage("migrate", "-v", "0")

    def public_key(self) -> str:
        return self.manage("alliance_key").splitlines()[1].strip()

    def json(self, code: str):
        """Run code that ends by setting `result`; return it, through JSON."""
        out = self.python(code + "\nimport json as _json\nprint('RESULT=' + _json.dumps(result, ensure_ascii=False))")
        line = [line for line in out.splitlines() if line.startswith("RESULT=")][-1]
        return json.loads(line[len("RESULT=") :])

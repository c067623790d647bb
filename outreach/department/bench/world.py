"""The benchmark's data set: the page list's world (outreach/tests/world.py) built once in the
bench database, remembered as primary keys in bench/world.json, and loaded back."""

import json
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.db import connection, models

WORLD_FILE = Path(settings.BASE_DIR) / "bench" / "world.json"


def world_file() -> Path:
    """bench/world-<database>.json: each bench database (one per scale) remembers its own."""
    return WORLD_FILE.with_name(f"world-{connection.settings_dict['NAME']}.json")


def _dump(value):
    if isinstance(value, models.Model):
        return {"model": value._meta.label, "pk": value.pk}
    if isinstance(value, list | tuple):
        return [_dump(item) for item in value]
    return value


def _load(value):
    if isinstance(value, dict) and set(value) == {"model", "pk"}:
        return apps.get_model(value["model"]).objects.get(pk=value["pk"])
    if isinstance(value, list):
        return [_load(item) for item in value]
    return value


def save_world(w: SimpleNamespace, *, scale: float, counts: dict) -> None:
    world_file().parent.mkdir(exist_ok=True)
    data = {
        "database": connection.settings_dict["NAME"],
        "scale": scale,
        "counts": counts,
        "world": {key: _dump(value) for key, value in vars(w).items()},
    }
    world_file().write_text(json.dumps(data, ensure_ascii=False, indent=1))


def load_world() -> tuple[SimpleNamespace, dict] | None:
    """The saved world and its facts, or None when it is not this database's (or is gone)."""
    if not world_file().exists():
        return None
    data = json.loads(world_file().read_text())
    if data.get("database") != connection.settings_dict["NAME"]:
        return None
    try:
        w = SimpleNamespace(**{key: _load(value) for key, value in data["world"].items()})
    except LookupError:
        return None
    except Exception as exc:  # the row was deleted: seed again
        if exc.__class__.__name__ == "DoesNotExist":
            return None
        raise
    return w, data

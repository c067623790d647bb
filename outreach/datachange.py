"""The record's generation: a number in the (shared) cache that changes whenever a row of the
department's record is saved or deleted, so that what is computed from the whole record (the
dashboard's figures, the semester summary and its PDF) can be cached under it and is never
served after a change.

Saves, deletes and many-to-many changes of the apps' models move it on, once at once (this
request sees its own change) and again when the transaction commits (so figures computed by
another request from the snapshot before the commit are not kept under the new number).
Queryset .update() and bulk_create() send no signal: a service that changes the record that
way calls `changed()` (the import's thousands of merchants move it once, not thousands of
times); the few that change owners only do not, and whatever is cached under the generation
also expires after a while.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

KEY = "record:generation"
APPS = {"sponsors", "events", "jobs", "outreach", "auth", "alliance"}
# Rows that are not the record: written all day, read by no figure.
IGNORED = {"outreach.notification", "outreach.chatmessage", "outreach.reminderlog"}


def generation() -> int | None:
    """The record's generation, or None when the cache does not answer (then nothing is cached)."""
    try:
        value = cache.get(KEY)
        if value is None:
            # Start from the clock, never from 0: an evicted key must not come back to a number
            # something was cached under before.
            cache.add(KEY, time.time_ns(), None)
            value = cache.get(KEY)
        return value
    except Exception as exc:  # the cache backend's own errors (redis.ConnectionError, OSError, …)
        logger.warning("Record generation unknown (the cache did not answer: %r)", exc)
        return None


def bump() -> None:
    try:
        try:
            cache.incr(KEY)
        except ValueError:  # not there (evicted, or the cache was cleared)
            cache.set(KEY, time.time_ns(), None)
    except Exception as exc:  # a save never fails for the cache; what it kept expires
        logger.warning("Record generation not moved on (the cache did not answer: %r)", exc)


def changed(using: str | None = None) -> None:
    """The record changed without a signal (bulk_create, .update()): move the generation on
    now and when the transaction commits, as a save would."""
    bump()
    transaction.on_commit(bump, using=using)


def remember(key: str, compute: Callable[[], Any], seconds: int) -> tuple[Any, bool]:
    """(value, from_cache): `compute()` cached under `key` and the record's generation. With
    the cache down, computed every time."""
    current = generation()
    if current is None:
        return compute(), False
    key = f"{key}:{current}"
    try:
        cached = cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return cached, True
    value = compute()
    try:
        cache.set(key, value, seconds)
    except Exception as exc:
        logger.warning("%s not cached (the cache did not answer: %r)", key, exc)
    return value, False


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures
        return
    meta = sender._meta
    if meta.app_label not in APPS or meta.label_lower in IGNORED:
        return
    changed(kwargs.get("using"))


def connect() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_changed, dispatch_uid=f"record-generation-{signal}")

"""Text kept as what it says, not as the words it was first said in: a msgid and its
parameters, rendered in the language of whoever reads it.

A notification is stored once and read later by a member who may have chosen English, so
``notify(title=Message(gettext_noop("今天要跟进：%(merchant)s"), merchant=name))`` keeps the
msgid and the parameters (``Notification.message``) and the bell renders them in the
reader's language. Parameters are plain values (names, numbers), dates and datetimes (shown
in the reader's date format: "22 Dec 2026", "2026年12月22日"), choice labels (the
``gettext_lazy`` of a TextChoices), other Messages, ``Lines`` of them, or a ``ListOf`` (items
joined as the reader's language joins them: "甲、乙" or "A, B").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.functional import Promise

logger = logging.getLogger(__name__)


class Message:
    """gettext(msgid) % params, when it is read; ``str()`` renders it in the active language."""

    def __init__(self, msgid: str, params: dict[str, Any] | None = None, /, **more: Any) -> None:
        self.msgid = str(msgid)
        self.params = {**(params or {}), **more}

    def render(self) -> str:
        text = translation.gettext(self.msgid)
        if not self.params:
            return text
        values = {key: render(value) for key, value in self.params.items()}
        try:
            return text % values
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            logger.warning("Translation of %r does not take %r", self.msgid, sorted(values))
            return self.msgid % values

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"


class Lines:
    """Parts shown one under another (a notification's body)."""

    def __init__(self, *parts: Any, separator: str = "\n") -> None:
        self.parts = [part for part in parts if part not in (None, "")]
        self.separator = separator

    def render(self) -> str:
        return self.separator.join(str(render(part)) for part in self.parts)

    def __str__(self) -> str:
        return self.render()


def list_separator() -> str:
    language = translation.get_language() or ""
    return "、" if language.startswith("zh") else ", "


def join_list(items: Iterable[Any]) -> str:
    """Items one after another as the active language lists them: "甲、乙" or "A, B"."""
    return list_separator().join(str(render(item)) for item in items)


class ListOf:
    """Items joined when read, with the reader's separator (``join_list``): a list parameter."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self.items = [item for item in items if item not in (None, "")]

    def render(self) -> str:
        return join_list(self.items)

    def __str__(self) -> str:
        return self.render()


def format_date(value: date) -> str:
    """A date (or a datetime, in local time) in the active language's format."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def _lazy_msgid(value: Promise) -> str | None:
    """The msgid of a ``gettext_lazy`` proxy (a choice label), or None for another lazy."""
    args = getattr(value, "_args", ())
    return args[0] if len(args) == 1 and isinstance(args[0], str) and not getattr(value, "_kw", None) else None


def to_json(value: Any) -> Any:
    """A JSON-able form of a message, a part or a parameter."""
    if isinstance(value, Message):
        return {"t": value.msgid, "p": {key: to_json(param) for key, param in value.params.items()}}
    if isinstance(value, Lines):
        return {"j": [to_json(part) for part in value.parts], "s": value.separator}
    if isinstance(value, ListOf):
        return {"l": [to_json(item) for item in value.items]}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Promise):
        msgid = _lazy_msgid(value)
        return {"t": msgid, "p": {}} if msgid is not None else str(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def from_json(data: Any) -> Any:
    if isinstance(data, dict) and "t" in data:
        return Message(data["t"], {key: from_json(param) for key, param in (data.get("p") or {}).items()})
    if isinstance(data, dict) and "j" in data:
        return Lines(*(from_json(part) for part in data["j"]), separator=data.get("s", "\n"))
    if isinstance(data, dict) and "l" in data:
        return ListOf(from_json(item) for item in data["l"])
    if isinstance(data, dict) and "dt" in data:
        return datetime.fromisoformat(data["dt"])
    if isinstance(data, dict) and "d" in data:
        return date.fromisoformat(data["d"])
    # Anything else is a plain value; an ISO date stored as text (before dates were kept as
    # dates) is shown as it was written.
    return data


def render(value: Any) -> Any:
    """A part as text in the active language (numbers stay numbers for %d)."""
    if isinstance(value, Message | Lines | ListOf):
        return value.render()
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def render_stored(data: Any, fallback: str) -> str:
    """A stored message in the active language; the stored text when there is none (rows
    written before messages were kept) or it cannot be rendered."""
    if data in (None, "", {}):
        return fallback
    try:
        return str(render(from_json(data)))
    except Exception:  # a stored message must never break the page that lists it
        logger.exception("Could not render a stored message")
        return fallback

"""The merchant page's timeline: one list of everything about a merchant, newest first.

Each app that has something to show (visits and stage changes here; proposals, contracts
and payments in events; postings in jobs) registers a source in its AppConfig.ready():

    from sponsors.timeline import TimelineEntry, register_source
    register_source(contract_entries)

A source is ``source(merchant, limit=None) -> Iterable[TimelineEntry]`` and must run a fixed
number of queries whatever the merchant's history (load relations up front). With a `limit`
it returns (at least) its newest `limit` entries: a merchant with 700 visits shows its latest
ones and a "more" link, not a page that grows with the record. A source without the `limit`
argument is called with the merchant alone.
"""

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

SOURCES: list[Callable] = []


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str  # short machine name: "visit", "stage", "contract", "posting", ...
    title: str
    url: str = ""
    detail: str = ""
    badges: tuple[str, ...] = field(default_factory=tuple)


def register_source(source: Callable[..., Iterable[TimelineEntry]]) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def _takes_limit(source: Callable) -> bool:
    return "limit" in inspect.signature(source).parameters


def timeline_for(merchant, limit: int | None = None) -> list[TimelineEntry]:
    """The merchant's newest `limit` entries (all of them without a limit), newest first."""
    entries: list[TimelineEntry] = []
    for source in SOURCES:
        entries.extend(
            source(merchant, limit=limit) if limit is not None and _takes_limit(source) else source(merchant)
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries if limit is None else entries[:limit]

"""The merchant page's timeline: one list of everything about a merchant, newest first.

Each app that has something to show (visits and stage changes here; proposals, contracts
and payments in events; postings in jobs) registers a source in its AppConfig.ready():

    from sponsors.timeline import TimelineEntry, register_source
    register_source(contract_entries)

A source is ``source(merchant) -> Iterable[TimelineEntry]`` and must run a fixed number of
queries whatever the merchant's history (load relations up front).
"""

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


def timeline_for(merchant) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for source in SOURCES:
        entries.extend(source(merchant))
    return sorted(entries, key=lambda entry: entry.when, reverse=True)

"""What the other apps contribute to the department's own pages.

The department's scores, member pages and handover need numbers and objects that live in
other apps (visits in sponsors, contracts and deliverables in events, screenings in jobs).
Rather than have `outreach` import them all, each app registers what it contributes in its
AppConfig.ready():

    from outreach.contributions import Metric, Handover, register_metric, register_handover
    register_metric(Metric(code="visit", label=_("拜访"), count=visits_per_member))

A metric's ``count(start, end)`` returns {member_id: count} for the dates start..end
(inclusive) in one query. A handover's ``transfer(from_member, to_member)`` moves that app's
open responsibilities (merchants, follow-ups, deliverables) and returns how many it moved;
it runs inside the caller's transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Member


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    count: Callable[[date, date], dict[int, int]]


@dataclass(frozen=True)
class Handover:
    code: str
    label: str
    transfer: Callable[["Member", "Member"], int]


METRICS: dict[str, Metric] = {}
HANDOVERS: dict[str, Handover] = {}


def register_metric(metric: Metric) -> None:
    METRICS[metric.code] = metric


def register_handover(handover: Handover) -> None:
    HANDOVERS[handover.code] = handover

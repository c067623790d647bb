"""The minister's dashboard (工作看板): the figures of a semester beside the previous one's,
each linking to the list behind it, as charts, tables and an .xlsx file.

The figures are cached under the record's generation (outreach.datachange), which moves on
with every change, so a cached figure is never older than the record; they also expire after
a few minutes (their "today" moves on), and the page says when they were computed. Each panel
shows its first DASHBOARD_ROWS rows and links to the whole list (or the .xlsx export).
"""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sponsors.models import Stage

from .. import datachange
from ..listing import workbook_bytes, xlsx_response
from ..models import AttendanceStatus, Semester
from ..money import format_cny
from ..permissions import require_member, sees_whole_department
from . import figures, services

PAST_SEMESTER_CACHE_SECONDS = 600
RUNNING_SEMESTER_CACHE_SECONDS = 300
# Figures that describe today whatever the semester: no previous value to stand beside them.
SNAPSHOTS = {"overdue_followups", "waiting"}
# Rows a panel shows; the rest are behind its link (a department's ten years fill no page).
DASHBOARD_ROWS = 10


def _semester(request: HttpRequest) -> Semester:
    pk = request.GET.get("semester", "")
    if pk.isdigit():
        return get_object_or_404(Semester, pk=pk)
    return services.semester_current()


def figures_for(semester: Semester | None) -> tuple[figures.Figures | None, bool]:
    """(figures, from_cache)."""
    if semester is None:
        return None, False
    today = timezone.localdate()
    seconds = RUNNING_SEMESTER_CACHE_SECONDS if semester.end_date >= today else PAST_SEMESTER_CACHE_SECONDS
    return datachange.remember(
        f"dashboard:figures:{semester.pk}:{today.isoformat()}:{get_language()}",
        lambda: figures.all_figures(semester),
        seconds,
    )


@dataclass
class Panel:
    """The rows a panel shows out of `total`."""

    rows: list
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def top(rows, key=None, n: int = DASHBOARD_ROWS) -> Panel:
    """The first n rows, or with `key` the n rows with the largest key, in their own order."""
    rows = list(rows)
    if len(rows) <= n:
        return Panel(rows, len(rows))
    if key is None:
        return Panel(rows[:n], len(rows))
    chosen = {id(row) for row in sorted(rows, key=key, reverse=True)[:n]}
    return Panel([row for row in rows if id(row) in chosen], len(rows))


def _event_size(row: figures.MoneyRow):
    return (row.target, row.contracted)


def panels_events(fig: figures.Figures) -> list[figures.MoneyRow]:
    """The events the money chart and table show: the biggest ones."""
    return top(fig.money.by_event, key=_event_size).rows


def panels(fig: figures.Figures, heat: list[dict]) -> dict[str, Panel]:
    def attendance_gap(entry):  # the members who missed the most come first
        rates = [rate for rate in (entry["training_rate"], entry["meeting_rate"]) if rate is not None]
        return -min(rates) if rates else -2

    return {
        "events": top(fig.money.by_event, key=_event_size),
        "lost": top(fig.pipeline.lost),
        "wavering": top(fig.pipeline.wavering),
        "heat": top(heat, key=lambda row: row["total"]),
        "overdue_followups": top(fig.activity.overdue_followups),
        "fulfilment": top(fig.fulfilment.per_contract),
        "waiting": top(fig.fulfilment.waiting),
        "postings": top(fig.jobs.postings, key=lambda p: p["applied"]),
        "employers": top(fig.jobs.employers, key=lambda e: e["applied"]),
        "attendance": top(fig.team.per_member, key=attendance_gap),
        "ranking": top(fig.team.ranking),
    }


def _url(name: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse(name) + ("?" + urlencode(params) if params else "")


@dataclass
class Headline:
    key: str
    label: str
    now: object
    before: object
    url: str
    money: bool = False
    percent: bool = False

    def _text(self, value) -> str:
        if value is None:
            return "—"
        if self.money:
            return format_cny(value)
        if self.percent:
            return f"{value:.0%}"
        return str(value)

    @property
    def now_text(self) -> str:
        return self._text(self.now)

    @property
    def before_text(self) -> str:
        return self._text(self.before)


def headlines(now: figures.Figures, before: figures.Figures | None) -> list[Headline]:
    s = now.semester.pk

    def pick(fig, getter):
        return getter(fig) if fig is not None else None

    rows = [
        ("target", _("赞助目标"), lambda f: f.money.total.target, _url("events:event-list"), True),
        (
            "contracted",
            _("签约现金"),
            lambda f: f.money.total.contracted,
            _url("events:contract-list", status="signed", semester=s),
            True,
        ),
        (
            "received",
            _("现金到账"),
            lambda f: f.money.total.received,
            _url("events:payment-list", state="received", semester=s),
            True,
        ),
        (
            "in_kind",
            _("实物折合"),
            lambda f: f.money.total.in_kind,
            _url("events:contract-list", status="signed", semester=s),
            True,
        ),
        (
            "overdue_payments",
            _("逾期未付款(笔)"),
            lambda f: f.money.overdue_count,
            _url("events:payment-list", state="overdue", semester=s),
            False,
        ),
        ("moves", _("阶段变更"), lambda f: f.pipeline.moves_total, _url("sponsors:board"), False),
        (
            "lost",
            _("流失商家"),
            lambda f: len(f.pipeline.lost),
            _url("sponsors:merchant-list", stage=Stage.LOST),
            False,
        ),
        ("visits", _("拜访次数"), lambda f: f.activity.visits_total, _url("sponsors:visit-list", semester=s), False),
        (
            "overdue_followups",
            _("逾期跟进"),
            lambda f: f.activity.overdue_followups_total,
            _url("sponsors:followups"),
            False,
        ),
        (
            "overdue_deliverables",
            _("逾期落实事项"),
            lambda f: f.fulfilment.total["overdue"],
            _url("events:deliverable-list", state="overdue", semester=s),
            False,
        ),
        (
            "waiting",
            _("待审批合同"),
            lambda f: len(f.fulfilment.waiting),
            _url("events:contract-list", status="submitted"),
            False,
        ),
        ("applied", _("兼职报名"), lambda f: f.jobs.total["applied"], _url("jobs:application-list", semester=s), False),
        (
            "hired",
            _("录用人次"),
            lambda f: f.jobs.total["hired"],
            _url("jobs:application-list", stage="hired", semester=s),
            False,
        ),
        (
            "placed",
            _("安置学生"),
            lambda f: f.jobs.students_placed,
            _url("jobs:application-list", stage="hired", semester=s),
            False,
        ),
    ]
    result = [
        Headline(key, label, getter(now), None if key in SNAPSHOTS else pick(before, getter), url, money=m)
        for key, label, getter, url, m in rows
    ]
    result.append(
        Headline(
            "training_rate",
            _("培训出勤率"),
            now.team.training_rate,
            pick(before, lambda f: f.team.training_rate),
            _url("outreach:training-list", semester=s),
            percent=True,
        )
    )
    result.append(
        Headline(
            "meeting_rate",
            _("例会出勤率"),
            now.team.meeting_rate,
            pick(before, lambda f: f.team.meeting_rate),
            _url("outreach:meeting-list", semester=s),
            percent=True,
        )
    )
    return result


def chart_data(now: figures.Figures, before: figures.Figures | None) -> dict:
    """What static/js/dashboard.js draws; the same numbers are in the tables under each chart."""
    stage_labels = [str(label) for _value, label in Stage.choices]
    events = panels_events(now)
    return {
        "money": {
            "type": "bar",
            "labels": [row.label for row in events],
            "datasets": [
                {"label": _("赞助目标"), "data": [float(row.target) for row in events]},
                {"label": _("签约现金"), "data": [float(row.contracted) for row in events]},
                {"label": _("现金到账"), "data": [float(row.received) for row in events]},
                {"label": _("实物折合"), "data": [float(row.in_kind) for row in events]},
            ],
        },
        "pipeline": {
            "type": "bar",
            "labels": stage_labels,
            "datasets": [{"label": _("商家数"), "data": [now.pipeline.per_stage[value] for value in Stage.values]}],
        },
        "jobs": {
            "type": "bar",
            "labels": [_("报名"), _("初试通过"), _("推荐复试"), _("录用")],
            "datasets": [
                {"label": str(now.semester), "data": [now.jobs.total[k] for k in figures.FUNNEL]},
                *(
                    [{"label": str(before.semester), "data": [before.jobs.total[k] for k in figures.FUNNEL]}]
                    if before
                    else []
                ),
            ],
        },
        "attendance": {
            "type": "bar",
            "labels": [str(label) for _value, label in AttendanceStatus.choices],
            "datasets": [
                {"label": _("培训"), "data": [now.team.training[v] for v in AttendanceStatus.values]},
                {"label": _("例会"), "data": [now.team.meetings[v] for v in AttendanceStatus.values]},
            ],
        },
    }


def heat_level(n: int, top: int) -> int:
    """0-4, for the heat table's colour classes."""
    if not n or not top:
        return 0
    return min(4, 1 + (n * 4 - 1) // top)


def heat_rows(fig: figures.Figures) -> list[dict]:
    activity = fig.activity
    return [
        {
            "member": member,
            "cells": [
                (week, activity.heat[member.pk][week], heat_level(activity.heat[member.pk][week], activity.heat_max))
                for week in activity.weeks
            ],
            "total": sum(activity.heat[member.pk].values()),
        }
        for member in activity.members
    ]


def workbook(now: figures.Figures, before: figures.Figures | None, lines: list[Headline]) -> bytes:
    def money_rows(rows):
        return [[r.label, r.target, r.contracted, r.received, r.in_kind, r.contracts] for r in rows]

    money_headers = [_("名称"), _("赞助目标"), _("签约现金"), _("现金到账"), _("实物折合"), _("合同数")]
    sheets = [
        (
            _("概览"),
            [_("指标"), str(now.semester), str(before.semester) if before else _("上学期")],
            [[line.label, line.now, line.before] for line in lines],
        ),
        (_("按活动"), money_headers, money_rows(now.money.by_event)),
        (_("按行业"), money_headers, money_rows(now.money.by_industry)),
        (_("商家阶段"), [_("阶段"), _("商家数")], [[label, now.pipeline.per_stage[v]] for v, label in Stage.choices]),
        (
            _("流失商家"),
            [_("商家"), _("原因"), _("时间")],
            [
                [r["merchant__name"], r["reason"], timezone.localtime(r["created_at"]).replace(tzinfo=None)]
                for r in now.pipeline.lost
            ],
        ),
        (_("反复不定"), [_("商家"), _("倒退次数")], [[r["merchant__name"], r["n"]] for r in now.pipeline.wavering]),
        (
            _("每周拜访"),
            [_("部员"), *[week.isoformat() for week in now.activity.weeks], _("合计")],
            [[row["member"].display_name, *[n for _w, n, _l in row["cells"]], row["total"]] for row in heat_rows(now)],
        ),
        (
            _("逾期跟进"),
            [_("部员"), _("逾期跟进")],
            [[r["owner__display_name"], r["n"]] for r in now.activity.overdue_followups],
        ),
        (
            _("落实情况"),
            [_("合同编号"), _("赞助方"), _("全部"), _("已完成"), _("未完成"), _("已逾期")],
            [
                [r["contract__number"], r["contract__merchant__name"], r["total"], r["done"], r["due"], r["overdue"]]
                for r in now.fulfilment.per_contract
            ],
        ),
        (
            _("待审批合同"),
            [_("合同编号"), _("赞助方"), _("活动"), _("已等待(天)")],
            [[r["number"], r["merchant"], r["event"], r["days"]] for r in now.fulfilment.waiting],
        ),
        (
            _("兼职岗位"),
            [_("岗位"), _("用人单位"), _("报名"), _("初试通过"), _("推荐复试"), _("录用"), _("录用率")],
            [
                [p["title"], p["merchant"], p["applied"], p["passed"], p["sent"], p["hired"], p["rate"]]
                for p in now.jobs.postings
            ],
        ),
        (
            _("用人单位"),
            [_("用人单位"), _("报名"), _("初试通过"), _("推荐复试"), _("录用"), _("录用率")],
            [[e["name"], e["applied"], e["passed"], e["sent"], e["hired"], e["rate"]] for e in now.jobs.employers],
        ),
        (
            _("出勤"),
            [_("部员"), _("培训出勤率"), _("例会出勤率")],
            [[r["member"].display_name, r["training_rate"], r["meeting_rate"]] for r in now.team.per_member],
        ),
        (
            _("评分排名"),
            [_("名次"), _("部员"), _("总分")],
            [[card.rank, card.member.display_name, card.total] for card in now.team.ranking],
        ),
    ]
    return workbook_bytes(sheets)


SHOWN = ("fig", "before", "before_cached", "lines", "charts", "panels")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_member(request)
    semester = _semester(request)
    if not sees_whole_department(request.user):
        # Officers get the department's key figures; the per-member panels are the leaders'.
        context = {"semester": semester, "semesters": Semester.objects.all(), "key": figures.key_figures(semester)}
        return render(request, "outreach/dashboard_officer.html", context)
    if request.GET.get("format") == "xlsx":
        now, _cached = figures_for(semester)
        before, _cached = figures_for(figures.previous_semester(semester))
        return xlsx_response(workbook(now, before, headlines(now, before)), "dashboard")

    @functools.cache
    def shown() -> dict:
        now, _cached = figures_for(semester)
        before, before_cached = figures_for(figures.previous_semester(semester))
        return {
            "fig": now,
            "before": before,
            "before_cached": before_cached,
            "lines": headlines(now, before),
            "charts": chart_data(now, before),
            "panels": panels(now, heat_rows(now)),
        }

    context = {
        "semester": semester,
        "semesters": Semester.objects.all(),
        "stages": Stage.choices,
        "today": timezone.localdate(),
        # Read only when the page's body is rendered: kept (templates' {% recordcache %}), it
        # needs none of them, and unpickling ten years' figures was most of a warm request.
        **{key: SimpleLazyObject(functools.partial(lambda key: shown()[key], key)) for key in SHOWN},
    }
    return render(request, "outreach/dashboard.html", context)

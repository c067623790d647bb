"""What every filtered list shares: a page of 25, the query string for the pager, and the same
rows as an .xlsx file (``?format=xlsx``), every text cell made formula-safe."""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook

from .spreadsheets import safe_cell

PER_PAGE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def workbook_bytes(sheets: Iterable[tuple[str, list, Iterable[list]]]) -> bytes:
    """(title, headers, rows) per sheet -> an .xlsx file."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append([safe_cell(str(header)) for header in headers])
        for row in rows:
            sheet.append([safe_cell(str(value)) if isinstance(value, str | Promise) else value for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def render_list(
    request: HttpRequest, filterset, template: str, *, name: str, columns: list[Column], context: dict | None = None
) -> HttpResponse:
    """The filtered list as a page of 25, or every filtered row as .xlsx."""
    rows = filterset.qs
    if wants_xlsx(request):
        content = workbook_bytes(
            [(name, [c.header for c in columns], ([c.value(obj) for c in columns] for obj in rows))]
        )
        return xlsx_response(content, name)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export = query.copy()
    export["format"] = "xlsx"
    return render(
        request,
        template,
        {
            "form": filterset.form,
            "page_obj": page,
            "query_string": query.urlencode(),
            "export_query": export.urlencode(),
            "filtered": getattr(filterset, "narrowed", False),
            **(context or {}),
        },
    )


def count_of(queryset) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (filtered on an OuterRef) as an annotation: only the
    rows of the page pay for it, and the list's own count joins nothing. A Count() over the
    join would group every related row of the table before the page takes 25."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class _EqualsAnyOf(Func):
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", (*column_params, *subquery_params)


def in_few(field: str, queryset) -> Q | _EqualsAnyOf:
    """A filter: `field` is one of the (few) values of `queryset`, a one-column queryset, read
    by `field`'s index. On PostgreSQL `field = ANY(ARRAY(subquery))`: the subquery runs once
    and the index is probed with each of its rows. For `field IN (subquery)` the planner
    prefers a hash join over a scan of the whole table, which grows with the years of the
    record (the visits of every semester to count one semester's)."""
    if connection.vendor == "postgresql":
        return _EqualsAnyOf(F(field), Subquery(queryset.order_by()))
    return Q(**{f"{field}__in": queryset})


def paginate(request: HttpRequest, rows, per_page: int = PER_PAGE) -> dict:
    """A page of `rows` and the query string for the pager (templates/includes/pagination.html)."""
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": Paginator(rows, per_page).get_page(request.GET.get("page")), "query_string": query.urlencode()}


class IdFilter(django_filters.NumberFilter):
    """A row named by id in the query string (the dashboard's links: ?contract=12). Hidden, not
    a picker: a list of every merchant or contract as <option>s grows with the record."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)

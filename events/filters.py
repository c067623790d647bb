"""Filters of the contract, deliverable and payment lists (and their exports: a file holds what
the list shows). The dashboard's figures link here with the same parameters."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.listing import Column, IdFilter
from outreach.models import Member, Semester
from outreach.permissions import sees_whole_department
from sponsors.models import Industry
from sponsors.widgets import SearchPicker

from . import queries
from .models import SIGNED_STATUSES, Contract, ContractStatus, Deliverable, DeliverableStatus, Event, Payment


def _active_members(request) -> QuerySet[Member]:
    return Member.objects.active().order_by("display_name")


def _event_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """The event, picked by a search (events:event-search), never a <select> of every event;
    the list still takes the event's id from the query string (?event=12)."""
    widget = SearchPicker("events:event-search", placeholder=_("输入活动名称的一部分"))
    return django_filters.ModelChoiceFilter(label=_("活动"), queryset=Event.objects.all(), widget=widget, **kwargs)


def _semester_range(semester: Semester) -> tuple:
    return (semester.start_date, semester.end_date)


class ScopedFilterSet(django_filters.FilterSet):
    """Leaders and the advisor see the whole department; an officer sees their own rows."""

    own_rows = "owner"

    def __init__(self, data=None, *args, request=None, **kwargs):
        kwargs.setdefault("queryset", self.base_queryset())
        super().__init__(data, *args, request=request, **kwargs)
        if request is not None and not sees_whole_department(request.user):
            self.queryset = self.queryset.filter(**{self.own_rows: request.member})
            self.filters.pop("owner", None)

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    @property
    def narrowed(self) -> bool:
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(value for key, value in self.form.cleaned_data.items() if key != "q")

    @property
    def qs(self):
        return super().qs.order_by(*self.ordering)


class ContractFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("signed", _("已签约(含执行中、已完成)")), *ContractStatus.choices],
        empty_label=_("全部状态"),
        method="filter_status",
    )
    event = _event_filter()
    merchant = IdFilter(label=_("赞助方"), field_name="merchant_id")
    industry = django_filters.ModelChoiceFilter(
        label=_("行业"), field_name="merchant__industry", queryset=Industry.objects.all(), empty_label=_("全部行业")
    )
    owner = django_filters.ModelChoiceFilter(label=_("起草人"), queryset=_active_members, empty_label=_("全部"))
    semester = django_filters.ModelChoiceFilter(
        label=_("学期(按活动日期)"),
        queryset=Semester.objects.all(),
        empty_label=_("全部学期"),
        method="filter_semester",
    )
    waiting = django_filters.BooleanFilter(label=_("等我处理"), method="filter_waiting", widget=forms.CheckboxInput)

    ordering = ("-created_at", "-pk")

    class Meta:
        model = Contract
        fields: list[str] = []

    def base_queryset(self):
        return queries.contracts_for_list()

    def totals(self) -> dict:
        return self.qs.order_by().aggregate(cash=Sum("cash_amount"))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(merchant__name__icontains=value)) if value else queryset

    def filter_status(self, queryset, name, value):
        if value == "signed":
            return queryset.filter(status__in=SIGNED_STATUSES)
        return queryset.filter(status=value)

    def filter_semester(self, queryset, name, value):
        return queryset.filter(event__starts_on__range=_semester_range(value))

    def filter_waiting(self, queryset, name, value):
        if value and self.request is not None and self.request.member:
            return queries.contracts_waiting_for(queryset, self.request.member)
        return queryset

    columns = [
        Column(_("合同编号"), lambda c: c.number),
        Column(_("活动"), lambda c: c.event.title),
        Column(_("赞助方"), lambda c: c.merchant.name),
        Column(_("行业"), lambda c: c.merchant.industry.name if c.merchant.industry_id else ""),
        Column(_("状态"), lambda c: c.get_status_display()),
        Column(_("现金赞助(元)"), lambda c: c.cash_amount),
        Column(_("已到账(元)"), lambda c: c.cash_received),
        Column(_("实物折合(元)"), lambda c: c.in_kind_total),
        Column(_("起草人"), lambda c: c.owner.display_name if c.owner_id else ""),
        Column(
            _("提交审批时间"),
            lambda c: timezone.localtime(c.submitted_at).replace(tzinfo=None) if c.submitted_at else None,
        ),
        Column(_("签署日期"), lambda c: c.signed_on),
    ]


class DeliverableFilter(ScopedFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("overdue", _("已逾期")), ("due", _("未完成")), *DeliverableStatus.choices],
        empty_label=_("全部状态"),
        method="filter_state",
    )
    owner = django_filters.ModelChoiceFilter(label=_("负责人"), queryset=_active_members, empty_label=_("全部负责人"))
    contract = IdFilter(label=_("合同"), field_name="contract_id")
    due_after = django_filters.DateFilter(label=_("截止日期从"), field_name="due_on", lookup_expr="gte")
    due_before = django_filters.DateFilter(label=_("截止日期至"), field_name="due_on", lookup_expr="lte")
    semester = django_filters.ModelChoiceFilter(
        label=_("学期(按截止日期)"),
        queryset=Semester.objects.all(),
        empty_label=_("全部学期"),
        method="filter_semester",
    )

    ordering = ("due_on", "pk")

    class Meta:
        model = Deliverable
        fields: list[str] = []

    def base_queryset(self):
        return queries.deliverables_for_list()

    def filter_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue()
        if value == "due":
            return queryset.filter(status=DeliverableStatus.OPEN)
        return queryset.filter(status=value)

    def filter_semester(self, queryset, name, value):
        return queryset.filter(due_on__range=_semester_range(value))

    columns = [
        Column(_("合同编号"), lambda d: d.contract.number),
        Column(_("赞助方"), lambda d: d.contract.merchant.name),
        Column(_("活动"), lambda d: d.contract.event.title),
        Column(_("权益"), lambda d: d.clause.text),
        Column(_("负责人"), lambda d: d.owner.display_name),
        Column(_("截止日期"), lambda d: d.due_on),
        Column(_("状态"), lambda d: d.get_status_display()),
    ]


class PaymentFilter(ScopedFilterSet):
    own_rows = "contract__owner"

    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("due", _("待付款")), ("overdue", _("已逾期")), ("received", _("已到账"))],
        empty_label=_("全部"),
        method="filter_state",
    )
    event = _event_filter(field_name="contract__event")
    contract = IdFilter(label=_("合同"), field_name="contract_id")
    semester = django_filters.ModelChoiceFilter(
        label=_("学期(按活动日期)"),
        queryset=Semester.objects.all(),
        empty_label=_("全部学期"),
        method="filter_semester",
    )

    ordering = ("due_on", "pk")

    class Meta:
        model = Payment
        fields: list[str] = []

    def base_queryset(self):
        return queries.payments_for_list()

    def totals(self) -> dict:
        return self.qs.order_by().aggregate(amount=Sum("amount"))

    def filter_state(self, queryset, name, value):
        if value == "received":
            return queryset.filter(received_on__isnull=False)
        if value == "overdue":
            return queries.payments_overdue(queryset)
        return queries.payments_due(queryset)

    def filter_semester(self, queryset, name, value):
        return queryset.filter(contract__event__starts_on__range=_semester_range(value))

    columns = [
        Column(_("合同编号"), lambda p: p.contract.number),
        Column(_("赞助方"), lambda p: p.contract.merchant.name),
        Column(_("活动"), lambda p: p.contract.event.title),
        Column(_("金额(元)"), lambda p: p.amount),
        Column(_("应付日期"), lambda p: p.due_on),
        Column(_("到账日期"), lambda p: p.received_on),
        Column(_("实收金额(元)"), lambda p: p.received_amount),
        Column(_("备注"), lambda p: p.note),
    ]

"""The merchant and visit lists' filters (and the exports': a file holds what the list shows)."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.listing import Column, IdFilter
from outreach.messages import join_list
from outreach.models import Member, Semester
from outreach.permissions import sees_whole_department

from . import queries
from .models import Industry, Merchant, MerchantKind, Stage, Tag, VettingStatus, Visit, VisitPurpose

SORTS = {
    "name": "name",
    "-updated": "-updated_at",
    "stage": "stage",
    "last_visit": "last_visit_at",
    "-last_visit": "-last_visit_at",
}


class DaysFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _active_members(request) -> QuerySet[Member]:
    return Member.objects.active().order_by("display_name")


class MerchantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")
    stage = django_filters.ChoiceFilter(label=_("阶段"), choices=Stage.choices, empty_label=_("全部阶段"))
    industry = django_filters.ModelChoiceFilter(
        label=_("行业"), queryset=Industry.objects.all(), empty_label=_("全部行业")
    )
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=MerchantKind.choices, empty_label=_("全部类型"))
    district = django_filters.CharFilter(label=_("区域"), method="filter_district")
    owner = django_filters.ModelChoiceFilter(label=_("负责人"), queryset=_active_members, empty_label=_("全部负责人"))
    vetting_status = django_filters.ChoiceFilter(
        label=_("资质核查"), choices=VettingStatus.choices, empty_label=_("全部核查状态")
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("标签"), queryset=Tag.objects.all(), empty_label=_("全部标签"), method="filter_tag"
    )
    not_visited_days = DaysFilter(label=_("超过N天未拜访"), method="filter_not_visited", min_value=1, max_value=3650)
    sort = django_filters.ChoiceFilter(
        label=_("排序"),
        method="filter_sort",
        empty_label=None,
        choices=[
            ("name", _("按名称")),
            ("-updated", _("最近更新")),
            ("stage", _("按阶段")),
            ("-last_visit", _("最近拜访")),
            ("last_visit", _("最久未拜访")),
        ],
    )

    class Meta:
        model = Merchant
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        kwargs.setdefault("queryset", queries.merchants_for_list())
        super().__init__(data, *args, **kwargs)

    def filter_search(self, queryset, name, value):
        # A subquery keeps the search's joins away from the list's annotations.
        return queryset.filter(pk__in=queries.merchant_search_ids(value)) if value.strip() else queryset

    def filter_district(self, queryset, name, value):
        return queryset.filter(district__icontains=value.strip())

    def filter_tag(self, queryset, name, value):
        return queryset.filter(pk__in=Merchant.objects.filter(tags=value).values("pk"))

    def filter_not_visited(self, queryset, name, value):
        return queries.merchants_not_visited_since(queryset, value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset, so every list has an order

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else ""
        return queryset.order_by(SORTS.get(sort or "name", "name"), "pk")

    @property
    def qs(self):
        if not self.is_bound:
            return self.queryset.order_by("name", "pk")
        return super().qs

    @property
    def narrowed(self) -> bool:
        """True when a filter other than the search box and the sort order is in use."""
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(value for key, value in self.form.cleaned_data.items() if key not in ("q", "sort"))


class VisitFilter(django_filters.FilterSet):
    """The visit list: by member, week, merchant and purpose. Officers see the visits they made."""

    q = django_filters.CharFilter(label=_("搜索商家"), field_name="merchant__name", lookup_expr="icontains")
    member = django_filters.ModelChoiceFilter(
        label=_("拜访人"), queryset=_active_members, empty_label=_("全部部员"), method="filter_member"
    )
    week = django_filters.DateFilter(label=_("所在周(任一天)"), method="filter_week")
    merchant = IdFilter(label=_("商家"), field_name="merchant_id")
    purpose = django_filters.ChoiceFilter(label=_("目的"), choices=VisitPurpose.choices, empty_label=_("全部目的"))
    semester = django_filters.ModelChoiceFilter(
        label=_("学期"), queryset=Semester.objects.all(), empty_label=_("全部学期"), method="filter_semester"
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        kwargs.setdefault("queryset", queries.visits_for_list())
        super().__init__(data, *args, request=request, **kwargs)
        if request is not None and not sees_whole_department(request.user):
            self.queryset = self.queryset.filter(
                pk__in=Visit.members.through.objects.filter(member=request.member).values("visit_id")
            )
            self.filters.pop("member")

    def filter_member(self, queryset, name, value):
        # A subquery, not a join: a visit made by three members stays one row.
        return queryset.filter(pk__in=Visit.members.through.objects.filter(member=value).values("visit_id"))

    def filter_week(self, queryset, name, value):
        start = timezone.make_aware(datetime.combine(value - timedelta(days=value.weekday()), time.min))
        return queryset.filter(visited_at__gte=start, visited_at__lt=start + timedelta(days=7))

    def filter_semester(self, queryset, name, value):
        start = timezone.make_aware(datetime.combine(value.start_date, time.min))
        end = timezone.make_aware(datetime.combine(value.end_date + timedelta(days=1), time.min))
        return queryset.filter(visited_at__gte=start, visited_at__lt=end)

    @property
    def qs(self):
        return super().qs.order_by("-visited_at", "-pk")

    @property
    def narrowed(self) -> bool:
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(value for key, value in self.form.cleaned_data.items() if key != "q")

    columns = [
        Column(_("拜访时间"), lambda v: timezone.localtime(v.visited_at).replace(tzinfo=None)),
        Column(_("商家"), lambda v: v.merchant.name),
        Column(_("拜访人"), lambda v: join_list(m.display_name for m in v.members.all())),
        Column(_("方式"), lambda v: v.get_method_display()),
        Column(_("目的"), lambda v: v.get_purpose_display()),
        Column(_("结果"), lambda v: v.get_outcome_display()),
        Column(_("记录"), lambda v: v.notes),
    ]

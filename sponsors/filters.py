"""The merchant list's filters (and the export's: it exports what the list shows)."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from outreach.models import Member

from . import queries
from .models import Industry, Merchant, MerchantKind, Stage, Tag, VettingStatus

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

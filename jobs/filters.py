"""The applications list across postings (and its export): by posting, employer and how far
each application got; the dashboard's job funnel links here."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.listing import Column, IdFilter
from outreach.models import Semester
from outreach.permissions import sees_whole_department

from . import queries
from .models import Application

# How far an application got, as the funnel counts it: each stage includes the later ones.
STAGES = {
    "applied": Q(),
    "passed": Q(screening="passed"),
    "sent": Q(sent_at__isnull=False),
    "hired": Q(outcome="hired"),
}


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索姓名或学号"), method="filter_search")
    posting = IdFilter(label=_("岗位"), field_name="posting_id")
    employer = IdFilter(label=_("用人单位"), field_name="posting__merchant_id")
    stage = django_filters.ChoiceFilter(
        label=_("进度"),
        choices=[
            ("applied", _("已报名")),
            ("passed", _("初试通过")),
            ("sent", _("已推荐复试")),
            ("hired", _("已录用")),
        ],
        empty_label=_("全部"),
        method="filter_stage",
    )
    semester = django_filters.ModelChoiceFilter(
        label=_("学期(按工作开始日期)"),
        queryset=Semester.objects.all(),
        empty_label=_("全部学期"),
        method="filter_semester",
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        kwargs.setdefault("queryset", queries.applications_for_list())
        super().__init__(data, *args, request=request, **kwargs)
        if request is not None and not sees_whole_department(request.user):
            # An officer sees the applications of the postings they made or screened.
            member = request.member
            self.queryset = self.queryset.filter(Q(posting__created_by=member) | Q(screened_by=member))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(student_number__icontains=value)) if value else queryset

    def filter_stage(self, queryset, name, value):
        return queryset.filter(STAGES[value])

    def filter_semester(self, queryset, name, value):
        return queryset.filter(posting__work_start__range=(value.start_date, value.end_date))

    @property
    def qs(self):
        return super().qs.order_by("-created_at", "-pk")

    @property
    def narrowed(self) -> bool:
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(value for key, value in self.form.cleaned_data.items() if key != "q")

    columns = [
        Column(_("姓名"), lambda a: a.name),
        Column(_("学号"), lambda a: a.student_number),
        Column(_("班级/专业"), lambda a: a.class_major),
        Column(_("岗位"), lambda a: a.posting.title),
        Column(_("用人单位"), lambda a: a.posting.merchant.name),
        Column(_("进度"), lambda a: a.stage_label),
        Column(_("报名时间"), lambda a: timezone.localtime(a.created_at).replace(tzinfo=None)),
    ]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class SponsorsConfig(AppConfig):
    name = "sponsors"
    verbose_name = _("商家关系")

    def ready(self) -> None:
        from outreach.contributions import Handover, Metric, register_handover, register_metric

        from . import queries, services
        from .timeline import register_source

        register_source(queries.visit_entries)
        register_source(queries.stage_entries)
        register_source(queries.vetting_entries)
        register_metric(Metric(code="visit", label=_("拜访"), count=queries.visits_per_member))
        register_handover(Handover(code="merchants", label=_("负责的商家"), transfer=services.merchants_transfer))
        register_handover(Handover(code="followups", label=_("未完成的跟进"), transfer=services.followups_transfer))

        from outreach.digests import DailySection, WeeklySection, register_daily_section, register_weekly_section

        register_daily_section(
            DailySection(code="followups", title=gettext_noop("跟进事项"), items=queries.digest_followups)
        )
        register_weekly_section(
            WeeklySection(
                code="overdue_followups", title=gettext_noop("逾期跟进"), items=queries.digest_overdue_followups
            )
        )
        register_weekly_section(
            WeeklySection(code="week_visits", title=gettext_noop("上周拜访"), items=queries.digest_week_visits)
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("活动与赞助")

    def ready(self) -> None:
        from outreach.contributions import Handover, Metric, register_handover, register_metric
        from sponsors.timeline import register_source

        from . import queries, services

        register_source(queries.timeline_entries)

        from sponsors.blacklisting import Consequence, register_consequence

        register_consequence(
            Consequence(on_blacklist=services.contracts_on_blacklist, business=queries.business_in_progress)
        )
        register_metric(Metric(code="contract_signed", label=_("签约合同"), count=queries.contracts_signed_per_member))
        register_metric(
            Metric(code="deliverable_verified", label=_("落实事项"), count=queries.deliverables_verified_per_member)
        )
        register_handover(Handover(code="deliverables", label=_("落实事项"), transfer=services.deliverables_transfer))

        from outreach.digests import DailySection, WeeklySection, register_daily_section, register_weekly_section

        register_daily_section(
            DailySection(code="deliverables", title=gettext_noop("落实事项"), items=queries.digest_deliverables)
        )
        register_daily_section(DailySection(code="payments", title=gettext_noop("款项"), items=queries.digest_payments))
        register_weekly_section(
            WeeklySection(
                code="overdue_fulfilment",
                title=gettext_noop("逾期落实事项与款项"),
                items=queries.digest_overdue_fulfilment,
            )
        )
        register_weekly_section(
            WeeklySection(code="money_received", title=gettext_noop("到账"), items=queries.digest_money_received)
        )

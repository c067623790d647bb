from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("活动与赞助")

    def ready(self) -> None:
        from outreach.contributions import Handover, Metric, register_handover, register_metric
        from sponsors.timeline import register_source

        from . import queries, services

        register_source(queries.timeline_entries)
        register_metric(Metric(code="contract_signed", label=_("签约合同"), count=queries.contracts_signed_per_member))
        register_metric(
            Metric(code="deliverable_verified", label=_("落实事项"), count=queries.deliverables_verified_per_member)
        )
        register_handover(Handover(code="deliverables", label=_("落实事项"), transfer=services.deliverables_transfer))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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

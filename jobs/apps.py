from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("兼职")

    def ready(self) -> None:
        from outreach.contributions import Metric, register_metric
        from sponsors.timeline import register_source

        from .queries import screened_per_member, timeline_entries

        register_source(timeline_entries)
        register_metric(Metric(code="application_screened", label=_("兼职初试"), count=screened_per_member))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("兼职")

    def ready(self) -> None:
        from outreach.contributions import Metric, register_metric
        from sponsors.timeline import register_source

        from .queries import screened_per_member, timeline_entries

        register_source(timeline_entries)
        register_metric(Metric(code="application_screened", label=_("兼职初试"), count=screened_per_member))

        from outreach.digests import DailySection, WeeklySection, register_daily_section, register_weekly_section

        from .queries import digest_admission_rate, digest_screenings

        register_daily_section(
            DailySection(code="screenings", title=gettext_noop("待初试的报名"), items=digest_screenings)
        )
        register_weekly_section(
            WeeklySection(code="admission_rate", title=gettext_noop("兼职录取率"), items=digest_admission_rate)
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("外联部")

    def ready(self) -> None:
        from .department.scoring import register_department_metrics

        register_department_metrics()

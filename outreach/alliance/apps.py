from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "outreach.alliance"
    label = "alliance"
    verbose_name = _("联盟")

    def ready(self) -> None:
        from sponsors.warnings import WarningProvider, register_warning_provider

        from . import matching

        register_warning_provider(
            WarningProvider(for_merchant=matching.warnings_for_merchant, for_details=matching.warnings_for_details)
        )

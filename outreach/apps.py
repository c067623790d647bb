from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("外联部")

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from . import datachange
        from .department.scoring import register_department_metrics

        register_department_metrics()
        datachange.connect()
        # Wherever Pillow decodes (uploads, WeasyPrint's reports), a picture promising more
        # pixels than this is a decompression bomb, not a photo.
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_IMAGE_PIXELS

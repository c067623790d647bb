from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import services


@shared_task(soft_time_limit=300, time_limit=360)
def pull_alliance_feeds() -> dict[str, str]:
    """Daily when ALLIANCE_FEED_PULL is on: each peer's feed. No retries: tomorrow pulls again,
    and the error stays on the peer for the alliance page."""
    if not settings.ALLIANCE_FEED_PULL:
        return {}
    with translation.override(settings.LANGUAGE_CODE):
        return services.feeds_pull_all()

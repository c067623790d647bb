"""Local days as ranges of instants, for filters on datetime columns.

`visited_at__date__lte=day` converts every row's timestamp to a local date before comparing,
so no index on the column can serve it; `visited_at__lt=day_start(day + 1 day)` can.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """The first instant of a local (Asia/Shanghai) day."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants the local days start..end cover: use as `__gte` first, `__lt` second."""
    return day_start(start), day_start(end + timedelta(days=1))

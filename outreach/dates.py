"""Dates a person could mean: a form parses any year from 1 to 9999, and a date near either
end cannot even be stored once it is moved to UTC ("year -1 is out of range", a 500)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def validate_plausible_date(value: date | datetime | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("日期应在 %(start)d 年到 %(end)d 年之间。"),
            code="implausible_date",
            params={"start": EARLIEST_YEAR, "end": LATEST_YEAR},
        )

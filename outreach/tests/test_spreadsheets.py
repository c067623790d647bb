import datetime
from decimal import Decimal

import pytest

from outreach.spreadsheets import safe_cell


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil.example","点我")', "+8613800138000", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_text_that_would_start_a_formula_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["李宁专卖店", "", "a=b", "13800138000", None, -5, 3.5, Decimal("-1.20")])
def test_ordinary_text_and_numbers_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_dates_stay_dates():
    today = datetime.date(2026, 5, 1)
    assert safe_cell(today) is today

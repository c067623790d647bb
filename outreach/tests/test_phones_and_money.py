from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from outreach.money import format_cny
from outreach.phones import format_phone, normalize_mobile, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("027-87654321", "02787654321"),
        ("(010) 6275 1234", "01062751234"),
        ("", ""),
    ],
)
def test_mainland_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "12800138000", "1380013800", "+1 415 555 0100", "电话"])
def test_invalid_numbers_are_refused_in_chinese(raw):
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone(raw)
    assert "电话号码" in str(excinfo.value)


def test_a_landline_is_not_a_mobile():
    with pytest.raises(ValidationError) as excinfo:
        normalize_mobile("027-87654321")
    assert "手机号码" in str(excinfo.value)


def test_phones_display_grouped():
    assert format_phone("13800138000") == "138 0013 8000"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(Decimal("3000"), "¥3,000.00"), (Decimal("1234567.5"), "¥1,234,567.50"), (0, "¥0.00"), (None, "")],
)
def test_money_is_shown_in_yuan(amount, shown):
    assert format_cny(amount) == shown
    assert Template("{{ a|cny }}").render(Context({"a": amount})) == shown

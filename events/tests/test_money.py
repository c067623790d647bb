from decimal import Decimal

import pytest

from events.money import amount_in_capitals


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("3000", "人民币叁仟元整"),
        ("3000.00", "人民币叁仟元整"),
        ("12345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("0", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角整"),
        ("1", "人民币壹元整"),
        ("10", "人民币壹拾元整"),
        ("15", "人民币壹拾伍元整"),
        ("101", "人民币壹佰零壹元整"),
        ("1005", "人民币壹仟零伍元整"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("1100", "人民币壹仟壹佰元整"),
        ("10000", "人民币壹万元整"),
        ("10500", "人民币壹万零伍佰元整"),
        ("100001", "人民币壹拾万零壹元整"),
        ("105000", "人民币壹拾万伍仟元整"),
        ("1000000", "人民币壹佰万元整"),
        ("100000000", "人民币壹亿元整"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("120000000", "人民币壹亿贰仟万元整"),
        ("5000.5", "人民币伍仟元零伍角整"),
        ("5000.05", "人民币伍仟元零伍分"),
        ("5001.05", "人民币伍仟零壹元零伍分"),
        ("5001.50", "人民币伍仟零壹元伍角整"),
        ("8888.88", "人民币捌仟捌佰捌拾捌元捌角捌分"),
    ],
)
def test_amounts_print_in_capital_numerals(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


def test_amounts_round_to_the_fen():
    assert amount_in_capitals(Decimal("0.005")) == "人民币壹分"


def test_integers_and_strings_are_accepted():
    assert amount_in_capitals(3000) == "人民币叁仟元整"
    assert amount_in_capitals("20") == "人民币贰拾元整"


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-1"))

"""Amounts in Chinese capital numerals (大写金额), as contracts and receipts print them."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]


def _four_digits(group: int) -> str:
    """0..9999 with 零 for inner gaps ("壹仟零伍"); leading and trailing zeros are left to the caller."""
    text = ""
    zero_pending = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += "零"
            zero_pending = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def _integer_capitals(number: int) -> str:
    if number == 0:
        return ""
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(BIG_UNITS):
        raise ValueError("amount too large")
    text = ""
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(text)
            continue
        # A gap between groups, or a group below 1000 after a higher one, reads with 零:
        # 壹万零伍佰, 壹亿零壹万.
        if text and (zero_pending or group < 1000):
            text += "零"
        zero_pending = False
        text += _four_digits(group) + BIG_UNITS[index]
    return text


def amount_in_capitals(amount: Decimal | int | str) -> str:
    """人民币叁仟元整 / 人民币壹万贰仟叁佰肆拾伍元陆角柒分 / 人民币零元整."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("amount must not be negative")
    cents_total = int(value * 100)
    yuan, cents = divmod(cents_total, 100)
    jiao, fen = divmod(cents, 10)
    integer = _integer_capitals(yuan)
    if not integer and not cents:
        return "人民币零元整"
    text = integer + "元" if integer else ""
    if not cents:
        return "人民币" + text + "整"
    if jiao:
        # 壹佰元零伍角: a yuan amount ending in 0 reads 零 before the jiao
        if integer and yuan % 10 == 0:
            text += "零"
        text += DIGITS[jiao] + "角"
    elif integer:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return "人民币" + text

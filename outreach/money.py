from decimal import ROUND_HALF_UP, Decimal


def format_cny(amount: Decimal | int | float | None) -> str:
    """¥3,000.00: how money is shown everywhere in the app and the PDFs."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"

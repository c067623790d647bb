"""Bar charts drawn on the server as inline SVG, for pages and printed documents alike.

A PDF runs no JavaScript and the Content-Security-Policy allows no inline script or style,
so charts are plain SVG markup with presentation attributes (no style=), which browsers
and WeasyPrint both draw. Every label is escaped: merchant and event names are user text.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"
VALUE_COLOUR = "#0d6efd"
TOTAL_COLOUR = "#cfe2ff"
TEXT_COLOUR = "#212529"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int | Decimal
    # Drawn as a lighter bar behind the value: the target, or everyone who was sent.
    total: float | int | Decimal | None = None
    # Written after the bar; the value itself when empty.
    text: str = ""


def text_width(text: str, font_size: float) -> float:
    """Roughly how wide a line of text is drawn: CJK characters are square, Latin ones narrow."""
    return sum(font_size if unicodedata.east_asian_width(ch) in "WF" else font_size * 0.6 for ch in text)


def _fit(text: str, width: float, font_size: float) -> str:
    if text_width(text, font_size) <= width:
        return text
    while text and text_width(text + "…", font_size) > width:
        text = text[:-1]
    return text + "…"


def _number(value) -> str:
    return f"{value:,.0f}" if float(value) == int(value) else f"{value:,.2f}"


def bar_chart_svg(
    bars: Sequence[Bar],
    *,
    title: str = "",
    width: int = 640,
    label_width: int = 170,
    text_room: int = 130,
    bar_height: int = 18,
    gap: int = 10,
    font_size: int = 12,
) -> SafeString:
    """A horizontal bar chart: one row per bar, its label on the left, its text on the right.

    An empty list draws nothing (the caller says "no data" in its own words).
    """
    if not bars:
        return mark_safe("")
    top = font_size * 2 if title else 4
    height = top + len(bars) * (bar_height + gap) + 4
    scale_max = max(max(float(bar.value), float(bar.total or 0)) for bar in bars) or 1.0
    plot = width - label_width - text_room
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="{font_size}" fill="{TEXT_COLOUR}">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
        parts.append(f'<text x="0" y="{font_size + 2}" font-weight="bold">{escape(title)}</text>')
    for index, bar in enumerate(bars):
        y = top + index * (bar_height + gap)
        baseline = y + bar_height / 2 + font_size * 0.35
        label = _fit(str(bar.label), label_width - 8, font_size)
        parts.append(
            f'<text x="{label_width - 8}" y="{baseline:.1f}" text-anchor="end">'
            f"<title>{escape(bar.label)}</title>{escape(label)}</text>"
        )
        end = 0.0
        if bar.total:
            total_width = plot * float(bar.total) / scale_max
            end = total_width
            parts.append(
                f'<rect class="total" x="{label_width}" y="{y}" width="{total_width:.1f}" height="{bar_height}" '
                f'fill="{TOTAL_COLOUR}"/>'
            )
        value_width = max(plot * float(bar.value) / scale_max, 1.0 if bar.value else 0.0)
        end = max(end, value_width)
        parts.append(
            f'<rect class="value" x="{label_width}" y="{y}" width="{value_width:.1f}" height="{bar_height}" '
            f'fill="{VALUE_COLOUR}"/>'
        )
        text = bar.text or _number(bar.value)
        parts.append(f'<text x="{label_width + end + 6:.1f}" y="{baseline:.1f}">{escape(text)}</text>')
    parts.append("</svg>")
    # Every piece of text above is escaped.
    return mark_safe("".join(parts))

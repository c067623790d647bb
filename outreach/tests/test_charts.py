"""The server-drawn bar charts: valid SVG, bars in proportion, user text escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from outreach.charts import Bar, bar_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _rects(root: ET.Element, kind: str) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.get("class") == kind]


def test_one_bar_per_row_in_proportion_to_the_values():
    root = _parse(bar_chart_svg([Bar("校排球赛", 3000), Bar("迎新晚会", 1500), Bar("K歌比赛", 0)], title="到账"))
    widths = _rects(root, "value")
    assert len(widths) == 3
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    texts = ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]
    assert "到账" in texts
    assert any("校排球赛" in text for text in texts)
    assert "3,000" in texts and "1,500" in texts


def test_a_total_is_drawn_behind_its_value_on_the_same_scale():
    root = _parse(bar_chart_svg([Bar("李宁", Decimal("2"), total=Decimal("8"), text="2/8 · 25%")]))
    (total,) = _rects(root, "total")
    (value,) = _rects(root, "value")
    assert total == 4 * value
    assert any("2/8 · 25%" in "".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_labels_are_escaped_and_long_ones_shortened_with_the_full_name_kept_as_a_tooltip():
    name = '<script>alert("x")</script>&一个名字非常非常非常非常非常长的商家'
    svg = bar_chart_svg([Bar(name, 1)])
    assert "<script>" not in svg
    root = _parse(svg)  # still well-formed XML
    label = next(t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None)
    assert label.find(f"{SVG}title").text == name
    visible = label.find(f"{SVG}title").tail
    assert visible.endswith("…") and len(visible) < len(name)


def test_no_style_attributes_so_the_content_security_policy_allows_it():
    svg = bar_chart_svg([Bar("a", 1, total=2)], title="t")
    assert "style=" not in svg and "<script" not in svg


def test_no_bars_draw_nothing():
    assert bar_chart_svg([], title="空") == ""

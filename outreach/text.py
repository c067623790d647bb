"""Punctuation that follows the language: a label's colon is "：" in Chinese, ": " in English."""

from django.utils import translation


def colon() -> str:
    language = translation.get_language() or ""
    return "：" if language.startswith("zh") else ": "


def labelled(label, value) -> str:
    """ "冠名：¥8,000.00" in Chinese, "Title sponsor: ¥8,000.00" in English."""
    return f"{label}{colon()}{value}"

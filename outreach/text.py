"""Punctuation that follows the language: a label's colon is "：" in Chinese, ": " in English."""

from django.utils import translation


def colon() -> str:
    language = translation.get_language() or ""
    return "：" if language.startswith("zh") else ": "


def labelled(label, value) -> str:
    """ "冠名：¥8,000.00" in Chinese, "Title sponsor: ¥8,000.00" in English."""
    return f"{label}{colon()}{value}"


def in_language(chinese: str, english: str = "") -> str:
    """A seeded name in the reader's language: its English one when the page is in English
    and the row has one, else the Chinese."""
    language = translation.get_language() or ""
    return english if english and not language.startswith("zh") else chinese

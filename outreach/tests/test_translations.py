"""English works: every Chinese message has an English translation.

CI also runs `make messages` and fails if the catalogue changes, so a new string cannot
slip in untranslated."""

import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries():
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]:
        match = re.search(r'^msgid "(.*)"\nmsgstr "(.*)"$', block, re.M)
        if match:
            yield block, match[1], match[2]


def test_every_message_has_an_english_translation():
    missing = [msgid for _block, msgid, msgstr in _entries() if not msgstr]
    assert not missing, missing[:20]


def test_no_translation_is_a_fuzzy_guess():
    fuzzy = [msgid for block, msgid, _msgstr in _entries() if "#, fuzzy" in block]
    assert not fuzzy, fuzzy[:20]


def test_placeholders_survive_translation():
    for _block, msgid, msgstr in _entries():
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), msgid

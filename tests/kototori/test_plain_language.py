"""Plain language on visitor pages: the Finnish (selkokieli) and Swedish (lättläst) texts a visitor
reads keep to short sentences and the common words of docs/translations.md, and that guide says for
every language whether its catalogue is a draft awaiting a native speaker.

A measure cannot tell plain from obscure, so a reviewer still reads the texts (docs/translations.md
says how); this test keeps what was made plain from growing long and official again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.kototori.test_translations import (
    translations,
    visitor_code_msgids,
    visitor_template_msgids,
)

GUIDE = Path(settings.BASE_DIR) / "docs" / "translations.md"
MAX_WORDS = 12
MAX_CHARACTERS = 90
# Words the guide replaces with common ones on visitor pages (the staff pages may keep them).
AVOID = {
    "fi": ["toimipiste", "(vapaaehtoinen)", "jonotuslista", "henkilöä ennen"],
    "sv": ["enhetens", "på enheten", "reservlista", "(valfritt)"],
}


def visitor_texts(lang: str) -> dict[str, list[str]]:
    catalogue = translations(lang)
    return {
        msgid: [text for text in catalogue[msgid].msgstr.values() if text]
        for msgid in visitor_template_msgids() | visitor_code_msgids()
        if msgid in catalogue
    }


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+", text.strip()) if s]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_visitor_sentences_are_short(lang):
    long_ = [
        sentence
        for texts in visitor_texts(lang).values()
        for text in texts
        for sentence in sentences(text)
        if len(sentence.split()) > MAX_WORDS or len(sentence) > MAX_CHARACTERS
    ]
    assert long_ == [], (
        f"{lang}: sentences longer than {MAX_WORDS} words or {MAX_CHARACTERS} characters; split "
        "them (one thing per sentence, docs/translations.md):\n" + "\n".join(long_)
    )


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_visitor_texts_use_the_common_words_of_the_guide(lang):
    found = [
        (word, text)
        for texts in visitor_texts(lang).values()
        for text in texts
        for word in AVOID[lang]
        if word in text.lower()
    ]
    assert found == []


def test_the_guide_says_for_every_language_whether_it_awaits_a_native_speaker():
    guide = GUIDE.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \|[^|]*\|\s*\**([\w -]+?)\**\s*\|", guide, re.M))
    for code, _name in settings.LANGUAGES:
        assert code in rows, f"docs/translations.md has no row for {code}"
        assert rows[code] in {"source", "draft", "reviewed"}, (code, rows[code])

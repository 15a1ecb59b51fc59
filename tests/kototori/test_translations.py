"""The translations: staff pages in Finnish and Swedish, visitor pages in every visitor language.

The catalogues in locale/ are parsed here (no gettext library needed), so a string that was
extracted with `make messages` but not translated fails a test. The pages are rendered with
catalogues compiled by msgfmt into a temporary directory, so the test does not depend on a
`make messages` having been run before it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kototori.models import Role

LOCALE = Path(settings.BASE_DIR) / "locale"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
STAFF_LANGUAGES = ["fi", "sv"]
VISITOR_ONLY_LANGUAGES = ["ar", "so", "fa", "prs", "ru", "uk", "ckb", "ti"]
NPLURALS = {"fi": 2, "sv": 2, "en": 2, "so": 2, "ti": 2, "fa": 2, "prs": 2, "ckb": 2}
NPLURALS |= {"ar": 6, "ru": 3, "uk": 3}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")

# Templates a visitor sees (the kiosk, the lobby screen, the public event pages and the messages to
# people who signed up, the public layout and error pages, the consent text and the copy of their
# data, both shown in the visitor's language, and the public form to ask about their data).
VISITOR_TEMPLATES = [
    "visits/kiosk_base.html",
    "visits/kiosk_start.html",
    "visits/kiosk_checkin.html",
    "visits/kiosk_ticket.html",
    "visits/now_serving.html",
    "visits/consent_text.html",
    "visits/data_request.html",
    "visits/data_request_sent.html",
    "events/public/*.html",
    "events/messages/*.txt",
    "layouts/public.html",
    "includes/language_switcher.html",
    "includes/form_errors.html",
    "403_csrf.html",
    "404.html",
    "429.html",
    "rights/visitor_data.html",
    "rights/visitor_data_print.html",
    "rights/includes/data_sections.html",
]


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the entries of a .po file (obsolete `#~` entries are left out)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry.msgstr or entry.msgid:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if entry.msgstr:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
        if match:
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = text
            else:
                target = (keyword, 0)
                setattr(entry, keyword, text)
            continue
        if line.startswith('"') and target is not None:
            text = _unquote(line[1:-1])
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += text
            else:
                setattr(entry, target[0], (getattr(entry, target[0]) or "") + text)
    finish()
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def catalogue(lang: str) -> tuple[Entry, list[Entry]]:
    return parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")


def translations(lang: str) -> dict[str, Entry]:
    return {e.msgid: e for e in catalogue(lang)[1] if e.msgctxt is None}


def django_translations(lang: str) -> dict[str, Entry]:
    """Django's own catalogue for a language (empty for so, prs and ti: Django has none)."""
    path = Path(django.__file__).parent / "conf" / "locale" / lang / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return {}
    return {e.msgid: e for e in parse_po(path)[1] if e.msgctxt is None}


def all_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def visitor_template_msgids() -> set[str]:
    """Msgids of `{% translate %}` and `{% blocktranslate %}` in the visitor templates."""
    msgids: set[str] = set()
    for pattern in VISITOR_TEMPLATES:
        for path in sorted(TEMPLATES.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"""{%\s*translate\s+(["'])(.*?)\1""", text):
                msgids.add(match.group(2))
            for match in re.finditer(
                r"{%\s*blocktranslate\b([^%]*)%}(.*?){%\s*(?:plural|endblocktranslate)\s*%}",
                text,
                re.S,
            ):
                if "trimmed" in match.group(1):
                    continue
                msgids.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", match.group(2)))
    return msgids


def visitor_code_msgids() -> set[str]:
    """Msgids from code that visitors read: public form labels, help and errors, choice labels."""
    from advisors.models import Stage
    from events.forms import CalendarFilterForm, FeedbackForm, SignUpForm
    from events.models import Audience, Feedback, Group, Kind
    from visits import models as visits
    from visits.forms import DataRequestForm, KioskForm
    from visits.views.visitors import CONSENT_TEXTS

    texts: list = [*CONSENT_TEXTS.values()]
    for form in (KioskForm, SignUpForm, FeedbackForm, CalendarFilterForm, DataRequestForm):
        for form_field in form.base_fields.values():
            texts += [form_field.label, form_field.help_text, *form_field.error_messages.values()]
    # The copy of a visitor's data shows these in the visitor's language too.
    data_copy = (visits.Gender, visits.ResidenceStatus, visits.VisitChannel, visits.VisitOutcome)
    data_copy += (visits.Referral.Status, visits.Case.Status, visits.Case.Outcome)
    data_copy += (visits.CaseNote.Kind, Stage, visits.DataRequest.Status)
    visitor_choices = (Kind, Audience, Group, Feedback.Score, visits.Consent.Scope)
    visitor_choices += (visits.DataRequest.Kind,)
    for choices in (*visitor_choices, *data_copy):
        texts += choices.labels
    with translation.override("en"):
        return {str(text) for text in texts if text}


def compile_catalogue(lang: str, out: Path) -> subprocess.CompletedProcess:
    target = out / lang / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [
            "msgfmt",
            "--check-format",
            "-o",
            str(target / "django.mo"),
            str(LOCALE / lang / "LC_MESSAGES" / "django.po"),
        ],
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory) -> Path:
    """Every catalogue compiled with `msgfmt --check-format` (as compilemessages does)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    out = tmp_path_factory.mktemp("locale")
    for lang in all_languages():
        compile_catalogue(lang, out)
    return out


@pytest.fixture
def translated(settings, compiled_locale):
    settings.LOCALE_PATHS = [compiled_locale]


# The catalogues


@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES])
def test_every_language_has_a_catalogue_with_the_right_plural_forms_and_no_fuzzy_guesses(lang):
    header, entries = catalogue(lang)
    assert "fuzzy" not in header.flags
    assert f"nplurals={NPLURALS[lang]};" in header.msgstr[0]
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    for entry in entries:
        if entry.msgid_plural and entry.translated:
            assert sorted(entry.msgstr) == list(range(NPLURALS[lang])), entry.msgid


@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES])
def test_every_catalogue_compiles_with_format_checks(lang, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    result = compile_catalogue(lang, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", STAFF_LANGUAGES)
def test_finnish_and_swedish_translate_every_message(lang):
    untranslated = [e.msgid for e in catalogue(lang)[1] if not e.translated]
    assert untranslated == [], f"{len(untranslated)} untranslated in {lang}: run make messages"


@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES])
def test_translations_keep_every_placeholder(lang):
    for entry in catalogue(lang)[1]:
        expected = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        for text in entry.msgstr.values():
            if not text:
                continue
            found = set(PLACEHOLDER.findall(text))
            if entry.msgid_plural:
                # A form used for one number may say "one" instead of the number.
                assert found <= expected, (entry.msgid, text)
            else:
                assert found == expected, (entry.msgid, text)


def test_the_visitor_strings_are_found_in_templates_and_code():
    assert len(visitor_template_msgids()) > 50
    assert "Take a ticket" in visitor_template_msgids()
    assert {"What do you need help with?", "Please choose a face.", "Language café"} <= (
        visitor_code_msgids()
    )


@pytest.mark.parametrize("lang", VISITOR_ONLY_LANGUAGES)
def test_every_visitor_language_translates_what_visitors_see(lang):
    extracted = translations("fi")  # complete by the test above
    catalogue_ = translations(lang)
    wanted = visitor_template_msgids() | visitor_code_msgids()
    wanted = {msgid for msgid in wanted if msgid in extracted}  # ours, and extracted already
    with translation.override("en"):
        wanted |= {str(name) for _code, name in settings.LANGUAGES}  # the language switcher
    # Django's own texts (kototori/django_strings.py) are left to Django's catalogue where it has one.
    django_ = django_translations(lang)

    def translated(msgid: str) -> bool:
        return any(msgid in c and c[msgid].translated for c in (catalogue_, django_))

    missing = sorted(m for m in wanted if not translated(m))
    assert missing == []


# The pages


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("fi", ["Kirjaudu ulos", "Vastaanotto", "Kirjaa käynti"]),
        ("sv", ["Logga ut", "Mottagning", "Registrera besök"]),
        ("en", ["Log out", "Front desk", "Log visit"]),
    ],
)
def test_front_desk_staff_read_the_desk_in_their_own_language(
    translated, client_for, hub, lang, texts
):
    client = client_for(Role.FRONT_DESK, hub, preferred_language=lang)
    response = client.get(reverse("visits:desk", kwargs={"hub": hub.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html
    assert f'lang="{lang}"' in html


def test_the_public_event_calendar_speaks_arabic_right_to_left(translated, client, hub):
    response = client.get(reverse("events:calendar", kwargs={"hub": hub.slug}) + "?lang=ar")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"الفعاليات في {hub.name}" in html
    assert "تغيير اللغة" in html  # the language switcher
    assert 'dir="rtl"' in html


@pytest.mark.parametrize("lang", VISITOR_ONLY_LANGUAGES)
def test_the_kiosk_asks_in_the_visitors_language(translated, client, hub, lang):
    response = client.get(
        reverse("visits:kiosk_checkin", kwargs={"token": hub.kiosk_token, "lang": lang})
    )
    html = response.content.decode()
    ours = translations(lang)
    for msgid in ("Take a ticket", "What do you need help with?"):
        text = ours[msgid].msgstr[0]
        assert text and text != msgid
        assert text in html
    assert "Take a ticket" not in html

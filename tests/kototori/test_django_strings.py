"""Django's own texts on visitor pages, in the visitor's language.

Django has no catalogue for Somali, Dari and Tigrinya, so kototori/django_strings.py puts the
texts a visitor can meet (form errors, weekday names) into ours. For the languages Django does
translate, our entries stay empty and Django's own translation shows through.
"""

from __future__ import annotations

import ast
import shutil
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from events.services import SignUp, registration_create
from kototori.models import OutboundMessage
from tests.events.factories import EventFactory
from tests.kototori.test_translations import (
    STAFF_LANGUAGES,
    compile_catalogue,
    django_translations,
    translations,
)

pytestmark = pytest.mark.django_db

NO_DJANGO_CATALOGUE = ["so", "prs", "ti"]
DJANGO_TRANSLATES = ["ar", "fa", "ru", "uk", "ckb"]
FINNISH_REQUIRED = "Tämä kenttä vaaditaan."
FINNISH_WEEKDAYS = ["maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai"]
FINNISH_WEEKDAYS += ["sunnuntai"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def django_strings() -> list[tuple[str, str]]:
    """(msgid, msgid_plural) of every text marked in kototori/django_strings.py, read the way
    xgettext reads it: the literal arguments of gettext_noop and ngettext_lazy."""
    source = (Path(settings.BASE_DIR) / "kototori" / "django_strings.py").read_text()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
            "gettext_noop",
            "ngettext_lazy",
        ):
            args = [arg.value for arg in node.args]
            found.append((args[0], args[1] if len(args) > 1 else ""))
    return found


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory) -> Path:
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    out = tmp_path_factory.mktemp("locale")
    for code, _name in settings.LANGUAGES:
        compile_catalogue(code, out)
    return out


@pytest.fixture
def translated(settings, compiled_locale):
    settings.LOCALE_PATHS = [compiled_locale]


def ours(lang: str, msgid: str, form: int = 0) -> str:
    return translations(lang)[msgid].msgstr[form]


def signup(client, event, lang: str, **overrides):
    data = {
        "name": "Amina",
        "party_size": "1",
        "group": "newcomer",
        "email": "",
        "phone": "",
        "language": "so",
        "token": str(uuid.uuid4()),
        "website": "",
    } | overrides
    url = reverse("events:register", kwargs={"hub": event.hub.slug, "pk": event.pk})
    return client.post(f"{url}?lang={lang}", data)


# The catalogues


def test_the_marked_texts_are_django_own_msgids_byte_for_byte():
    finnish = django_translations("fi")
    marked = django_strings()
    assert len(marked) > 15
    for msgid, plural in marked:
        assert msgid in finnish, msgid
        assert finnish[msgid].msgid_plural == plural, msgid


@pytest.mark.parametrize("lang", STAFF_LANGUAGES)
def test_finnish_and_swedish_use_django_own_translations_word_for_word(lang):
    django_ = django_translations(lang)
    for msgid, _plural in django_strings():
        assert translations(lang)[msgid].msgstr == django_[msgid].msgstr, msgid


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_somali_dari_and_tigrinya_translate_every_marked_text(lang):
    for msgid, _plural in django_strings():
        entry = translations(lang)[msgid]
        assert entry.translated, msgid
        assert all(text != msgid for text in entry.msgstr.values()), msgid


@pytest.mark.parametrize("lang", DJANGO_TRANSLATES)
def test_languages_django_translates_leave_the_marked_texts_to_django(lang):
    django_ = django_translations(lang)
    for msgid, _plural in django_strings():
        assert not any(translations(lang)[msgid].msgstr.values()), msgid
        assert django_[msgid].translated, msgid


# The pages


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_an_empty_required_field_on_the_sign_up_form_is_explained_in_the_visitors_language(
    translated, client, hub, lang
):
    event = EventFactory(hub=hub)
    response = signup(client, event, lang, language="")
    html = response.content.decode()
    assert response.status_code == 400
    assert ours(lang, "This field is required.") in html
    assert FINNISH_REQUIRED not in html


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_a_too_long_name_is_explained_with_the_plural_form_and_both_numbers(
    translated, client, hub, lang
):
    event = EventFactory(hub=hub)
    response = signup(client, event, lang, name="A" * 101)
    html = response.content.decode()
    assert response.status_code == 400
    msgid = "Ensure this value has at most %(limit_value)d character (it has %(show_value)d)."
    expected = ours(lang, msgid, form=1) % {"limit_value": 100, "show_value": 101}
    assert expected in html
    assert "merkkiä" not in html


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_an_unknown_choice_in_the_calendar_filter_is_explained_in_the_visitors_language(
    translated, client, hub, lang
):
    url = reverse("events:calendar", kwargs={"hub": hub.slug})
    html = client.get(url, {"lang": lang, "kind": "rocket"}).content.decode()
    msgid = "Select a valid choice. %(value)s is not one of the available choices."
    assert ours(lang, msgid) % {"value": "rocket"} in html
    assert "Valitse oikea vaihtoehto" not in html


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_a_wrong_email_address_on_the_data_request_form_is_explained_in_the_visitors_language(
    translated, client, hub, lang
):
    url = reverse("visits:data_request", kwargs={"hub": hub.slug})
    data = {"kind": "copy", "name": "Amina", "email": "amina@", "phone": "", "website": ""}
    response = client.post(f"{url}?lang={lang}", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert ours(lang, "Enter a valid email address.") in html
    assert ours(lang, "What would you like?") in html
    assert "Syötä kelvollinen sähköpostiosoite." not in html


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_the_weekday_of_an_event_is_written_in_the_visitors_language(translated, client, hub, lang):
    # A Wednesday afternoon in Helsinki.
    starts = datetime.fromisoformat("2030-05-15T15:00:00+03:00")
    event = EventFactory(hub=hub, starts_at=starts, ends_at=starts.replace(hour=17))
    html = client.get(event.get_absolute_url() + f"?lang={lang}").content.decode()
    assert ours(lang, "Wednesday") in html
    assert "15.5.2030" in html
    for finnish in FINNISH_WEEKDAYS:
        assert finnish not in html


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_the_confirmation_message_names_the_weekday_in_the_visitors_language(translated, hub, lang):
    starts = datetime.fromisoformat("2030-05-15T15:00:00+03:00")  # a Wednesday
    event = EventFactory(hub=hub, starts_at=starts, ends_at=starts.replace(hour=17))
    registration_create(
        event=event, signup=SignUp(name="Amina", email="amina@example.org", language=lang)
    )
    body = OutboundMessage.objects.get(to="amina@example.org").body
    assert f"{ours(lang, 'Wed')} 15.5.2030 15:00" in body
    assert " ke " not in body


def test_arabic_still_reads_django_own_arabic_message(translated, client, hub):
    assert not translations("ar")["This field is required."].translated  # ours is empty
    event = EventFactory(hub=hub)
    html = signup(client, event, "ar", language="").content.decode()
    assert django_translations("ar")["This field is required."].msgstr[0] in html
    assert FINNISH_REQUIRED not in html


@pytest.mark.parametrize("lang", DJANGO_TRANSLATES)
def test_languages_django_translates_get_django_own_weekday_names(translated, lang):
    with translation.override(lang):
        text = formats.date_format(datetime(2030, 5, 15), "l")
    assert text == django_translations(lang)["Wednesday"].msgstr[0]


@pytest.mark.parametrize("lang", NO_DJANGO_CATALOGUE)
def test_somali_dari_and_tigrinya_get_numeric_dates_and_a_monday_first_week(lang):
    with translation.override(lang):
        assert formats.date_format(datetime(2030, 5, 15, 15, 0), "DATETIME_FORMAT") == (
            "15.5.2030 15:00"
        )
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1

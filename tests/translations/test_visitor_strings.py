"""Which strings a reviewer checks: what visitors read, as makemessages extracts it."""

from __future__ import annotations

import pytest

from tests.kototori.test_translations import (
    translations,
    visitor_code_msgids,
    visitor_template_msgids,
)
from translations.visitor_strings import module_keys, template_keys, visitor_keys


def test_every_string_the_visitor_language_test_demands_is_a_string_to_review():
    """The catalogue test (tests/kototori) decides what visitor languages must translate; the
    review must offer at least all of those, or a visitor text could go unchecked."""
    ours = {msgid for _context, msgid in visitor_keys()}
    extracted = translations("fi")
    demanded = {m for m in visitor_template_msgids() | visitor_code_msgids() if m in extracted}
    assert demanded - ours == set()


@pytest.mark.django_db
def test_staff_pages_strings_are_not_offered_for_review():
    ours = {msgid for _context, msgid in visitor_keys()}
    assert "Take a ticket" in ours
    assert "Sorry, this event no longer takes sign-ups." in ours  # a message on a public page
    assert "Log visit" not in ours
    assert "Team" not in ours


def test_a_template_gives_the_msgids_makemessages_would():
    text = (
        '{% load i18n %}{% translate "Sign up" %}{% translate "May" context "month" %}'
        "{% blocktranslate with hub=hub.name %}Events at {{ hub }}{% endblocktranslate %}"
        "{% blocktranslate count counter=n %}{{ counter }} waiting{% plural %}"
        "{{ counter }} waiting{% endblocktranslate %}"
        "{% blocktranslate trimmed %}\n  Two\n  lines\n{% endblocktranslate %}"
    )
    assert template_keys(text) == {
        (None, "Sign up"),
        ("month", "May"),
        (None, "Events at %(hub)s"),
        (None, "%(counter)s waiting"),
        (None, "Two lines"),
    }


def test_a_module_gives_the_msgids_of_its_gettext_calls():
    source = (
        "from django.utils.translation import gettext as _, pgettext_lazy\n"
        "a = _('Thank you')\nb = pgettext_lazy('verb', 'Book')\nc = _(name)\n"
    )
    assert module_keys(source) == {(None, "Thank you"), ("verb", "Book")}

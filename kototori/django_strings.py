"""Django's own texts that a visitor can read, listed so that `make messages` extracts them.

Django ships no catalogue for Somali (so), Dari (prs) or Tigrinya (ti). For those languages its
built-in texts would fall back to the default language, so a Somali visitor who leaves the
sign-up form's language empty would read "Tämä kenttä vaaditaan.". Marking the very same msgids
here puts them into our catalogues in locale/, where gettext finds them first.

- The msgids must be byte-identical to Django's (plural msgid included), or gettext never matches.
- Finnish and Swedish carry Django's own translations verbatim (our tests want every msgid
  translated in both).
- Arabic, Persian, Russian, Ukrainian and Kurdish (Sorani) leave them EMPTY on purpose: msgfmt
  drops untranslated entries, so gettext goes on to Django's catalogue for those languages
  (tests/kototori/test_django_strings.py checks that this really happens).

Only what a visitor can actually see is listed: the errors the public forms can show (kiosk,
event sign-up and feedback, the calendar filter, the data request: see events/forms.py and
visits/forms.py, whose other error messages are our own) and the weekday names the `date` filter prints on the public
event pages and in the messages to people who signed up ("l" and "D" in templates/events/).
Those pages write dates and times as numbers ("j.n.Y H:i"), so month names are not needed;
kototori/formats/<lang>/formats.py gives the three languages numeric defaults for the same reason.

`gettext_noop` and `ngettext_lazy` are among the keywords makemessages passes to xgettext; nothing
here is translated at import time and nothing imports this module.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

FORM_ERRORS = [
    gettext_noop("This field is required."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid email address."),
]

FORM_ERRORS_PLURAL = [
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ),
]

# django.utils.dates.WEEKDAYS and WEEKDAYS_ABBR: the "l" and "D" formats of the date filter.
WEEKDAYS = [
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
]
WEEKDAYS_ABBR = [
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
]

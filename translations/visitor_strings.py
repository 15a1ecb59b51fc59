"""Which catalogue strings a visitor reads, and so which a reviewer checks.

``makemessages`` runs with ``--no-location``, so the catalogues don't say where a msgid comes from.
The answer is computed from the sources instead, the way ``makemessages`` itself reads them:
templates through Django's own ``templatize`` (what it hands to xgettext), whole visitor-only Python
modules through their gettext calls, and the labels, help texts, errors and choices of the public
forms and of what a visitor's copy of their data shows. The lists match
``tests/kototori/test_translations.py``, which checks that every visitor language translates these;
``tests/translations/test_visitor_strings.py`` fails if the two drift apart.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

# A msgid is (msgctxt or None, msgid).
Key = tuple[str | None, str]

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Templates a visitor sees: the kiosk and lobby screen, the public event pages and the messages to
# people who signed up, the public layout and error pages, the consent text, the data-request form
# and receipt, and the copy of a visitor's data.
VISITOR_TEMPLATES = (
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
)
# Python modules whose every string is for visitors (messages shown on the public event pages).
VISITOR_MODULES = ("events/views/public.py",)

_CALL = re.compile(
    r"\b(gettext|pgettext|ngettext|npgettext)\(((?:u'(?:[^'\\]|\\.)*'|u\"(?:[^\"\\]|\\.)*\")"
    r"(?:, ?(?:u'(?:[^'\\]|\\.)*'|u\"(?:[^\"\\]|\\.)*\"))*)"
)
_PY_KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def template_keys(text: str, origin: str = "") -> set[Key]:
    """The msgids of one template, as ``makemessages`` extracts them (``templatize`` turns every
    translate and blocktranslate tag into a gettext call with the final msgid)."""
    keys: set[Key] = set()
    for match in _CALL.finditer(templatize(text, origin=origin)):
        args = ast.literal_eval(f"({match.group(2)},)")
        if match.group(1).startswith(("p", "np")):
            keys.add((args[0], args[1]))
        else:
            keys.add((None, args[0]))
    return keys


def module_keys(source: str) -> set[Key]:
    """The msgids of the gettext calls with literal strings in a Python module."""
    keys: set[Key] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in _PY_KEYWORDS:
            continue
        ctx_index, id_index = _PY_KEYWORDS[name]
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if len(args) <= id_index or not isinstance(args[id_index], str):
            continue
        context = args[ctx_index] if ctx_index is not None else None
        keys.add((context if isinstance(context, str) else None, args[id_index]))
    return keys


def object_msgids() -> set[str]:
    """Msgids from code that visitors read: public form labels, help and errors, choice labels,
    the names of the languages in the switcher."""
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
    texts += [name for _code, name in settings.LANGUAGES]
    with translation.override("en"):
        return {str(text) for text in texts if text}


@cache
def visitor_keys() -> frozenset[Key]:
    """Every (msgctxt, msgid) a visitor may read. Computed once per process: the sources change
    only with a deployment."""
    keys: set[Key] = set()
    for pattern in VISITOR_TEMPLATES:
        for path in sorted(TEMPLATES.glob(pattern)):
            keys |= template_keys(path.read_text(encoding="utf-8"), origin=str(path))
    for module in VISITOR_MODULES:
        keys |= module_keys((Path(settings.BASE_DIR) / module).read_text(encoding="utf-8"))
    keys |= {(None, msgid) for msgid in object_msgids()}
    return frozenset(keys)

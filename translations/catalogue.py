"""The UI catalogues as a reviewer sees them: visitor strings with their Finnish source, their
review state, and the export that writes approved texts back into a ``.po`` file.

The ``.po`` files stay the one home of the texts (developers commit them; ``make messages`` merges
new msgids into them). Reviews are stored in the database and applied by the export, so a reviewer
never needs the repository and a developer never needs the database.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from gettext import c2py
from pathlib import Path
from threading import Lock

import polib
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .languages import SOURCE_LANGUAGE
from .models import ReviewStatus, StringReview, string_key
from .visitor_strings import visitor_keys

# makemessages (xgettext, msgmerge) wraps at 79 columns; so does the export, for a clean diff.
WRAP_WIDTH = 79
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}|%[sdif]")


class State(StrEnum):
    MISSING = "missing"  # no text in the catalogue and no correction yet
    DRAFT = "draft"  # a text nobody has approved (maybe a reviewer's saved correction)
    CHANGED = "changed"  # approved, but the text changed since: a draft again
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {
    State.MISSING: _("Not translated"),
    State.DRAFT: _("Draft"),
    State.CHANGED: _("Changed since it was approved"),
    State.APPROVED: _("Approved"),
}


def locale_dir() -> Path:
    return Path(getattr(settings, "TRANSLATION_LOCALE_DIR", Path(settings.BASE_DIR) / "locale"))


def po_path(language: str) -> Path:
    return locale_dir() / language / "LC_MESSAGES" / "django.po"


_cache: dict[Path, tuple[tuple[int, int], polib.POFile]] = {}
_cache_lock = Lock()


def read_catalogue(language: str) -> polib.POFile:
    """The parsed catalogue, kept per process until the file changes. Callers must not modify it."""
    path = po_path(language)
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
    po = polib.pofile(str(path), wrapwidth=WRAP_WIDTH)
    with _cache_lock:
        _cache[path] = (stamp, po)
    return po


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def plural_examples(po: polib.POFile, count: int = 3) -> list[list[int]]:
    """For each plural form of the language, the first few numbers that use it: a reviewer knows
    "for 1" or "for 3, 4, 5", not "form 4"."""
    match = re.search(r"plural\s*=\s*([^;]+)", po.metadata.get("Plural-Forms", ""))
    forms = nplurals(po)
    examples: list[list[int]] = [[] for _form in range(forms)]
    if match is None:
        return examples
    try:
        rule = c2py(match.group(1).strip())
    except ValueError:
        return examples
    for number in range(1001):
        index = rule(number)
        if 0 <= index < forms and len(examples[index]) < count:
            examples[index].append(number)
    return examples


def entry_forms(entry: polib.POEntry, plurals: int) -> list[str]:
    """The entry's text, one item per plural form (one item for a singular string)."""
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(i, "") for i in range(plurals)]
    return [entry.msgstr]


def entry_key(entry: polib.POEntry) -> str:
    return string_key(entry.msgctxt, entry.msgid, entry.msgid_plural or "")


@dataclass
class StringRow:
    key: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str
    source: list[str]  # Finnish
    current: list[str]  # this language, as in the catalogue
    plural_examples: list[list[int]]  # numbers that use each plural form
    fuzzy: bool
    review: StringReview | None
    state: State

    @property
    def proposed(self) -> list[str]:
        """What the reviewer is shown to approve: a saved correction, else the catalogue's text."""
        if self.review is not None and self.state in (State.DRAFT, State.APPROVED):
            return self.review.text
        return self.current

    @property
    def source_text(self) -> str:
        """The Finnish (both forms of a plural, one a line); the English if Finnish has none."""
        return "\n".join(text for text in self.source if text) or self.msgid

    @property
    def is_draft(self) -> bool:
        return self.state != State.APPROVED


def row_state(current: list[str], review: StringReview | None) -> State:
    if review is not None:
        if review.holds_for(current):
            return State.APPROVED
        if review.status == ReviewStatus.APPROVED:
            return State.CHANGED
        return State.DRAFT
    return State.DRAFT if any(current) else State.MISSING


def visitor_rows(language: str) -> list[StringRow]:
    """Every visitor string of ``language``'s catalogue with its Finnish source and review state,
    in catalogue order. Two file reads (cached) and one query."""
    po = read_catalogue(language)
    source_po = read_catalogue(SOURCE_LANGUAGE)
    plurals, source_plurals = nplurals(po), nplurals(source_po)
    examples = plural_examples(po)
    source = {
        (e.msgctxt, e.msgid): entry_forms(e, source_plurals) for e in source_po if not e.obsolete
    }
    wanted = visitor_keys()
    reviews = {
        r.key: r for r in StringReview.objects.for_language(language).select_related("reviewer")
    }
    rows = []
    for entry in po:
        if entry.obsolete or not entry.msgid or (entry.msgctxt, entry.msgid) not in wanted:
            continue
        key = entry_key(entry)
        current = entry_forms(entry, plurals)
        review = reviews.get(key)
        rows.append(
            StringRow(
                key=key,
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural or "",
                source=source.get((entry.msgctxt, entry.msgid), []),
                current=current,
                plural_examples=examples if entry.msgid_plural else [],
                fuzzy="fuzzy" in entry.flags,
                review=review,
                state=row_state(current, review),
            )
        )
    return rows


def find_row(language: str, key: str) -> StringRow | None:
    return next((row for row in visitor_rows(language) if row.key == key), None)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def fit_to_msgid(text: str, msgid: str) -> str:
    """A text typed in a browser, made acceptable to msgfmt: Unix line ends, and a leading or
    trailing line break exactly where the English has one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if msgid.startswith("\n"):
        text = "\n" + text
    if msgid.endswith("\n"):
        text += "\n"
    return text


def _normalise(text: str) -> str:
    """Wrap like gettext's own tools do, when they are installed."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        return text
    result = subprocess.run(  # noqa: S603 (a fixed program; the text goes in on stdin)
        [msgcat, f"--width={WRAP_WIDTH}", "-o", "-", "-"],
        input=text.encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    return result.stdout.decode() if result.returncode == 0 else text


def export_catalogue(language: str) -> tuple[str, int]:
    """``language``'s catalogue with every still-valid approval applied (and its fuzzy flag gone),
    as ``.po`` text; and how many entries the approvals changed. Other entries stay as they are."""
    po = polib.pofile(str(po_path(language)), wrapwidth=WRAP_WIDTH)  # a fresh copy to change
    plurals = nplurals(po)
    approved = {
        r.key: r
        for r in StringReview.objects.for_language(language).filter(status=ReviewStatus.APPROVED)
    }
    changed = 0
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        review = approved.get(entry_key(entry))
        if review is None or not review.holds_for(entry_forms(entry, plurals)):
            continue
        before = (entry_forms(entry, plurals), "fuzzy" in entry.flags)
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(review.text))
        else:
            entry.msgstr = review.text[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if (entry_forms(entry, plurals), "fuzzy" in entry.flags) != before:
            changed += 1
    return _normalise(str(po) + "\n"), changed

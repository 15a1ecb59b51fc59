"""Catalogue reviews: what counts as approved, when it becomes a draft again, and the exported .po
that a developer commits."""

from __future__ import annotations

import shutil
import subprocess
from io import StringIO

import polib
import pytest
from django.core.management import call_command

from translations.catalogue import State, export_catalogue, find_row, po_path, visitor_rows
from translations.models import StringReview, string_key
from translations.services import TextChanged, string_review_save

pytestmark = pytest.mark.django_db

TICKET = string_key(None, "Take a ticket")


def review(reviewer, language: str, msgid: str, text: list[str] | None = None, approve=True):
    row = find_row(language, string_key(None, msgid))
    return string_review_save(
        language=language,
        row=row,
        text=text or row.current,
        seen=row.current,
        approve=approve,
        reviewer=reviewer,
    )


def set_msgstr(language: str, msgid: str, text: str) -> None:
    """A developer edits the catalogue (and the file's modification time moves on)."""
    po = polib.pofile(str(po_path(language)))
    po.find(msgid).msgstr = text
    po.save()


def test_every_visitor_string_starts_as_a_draft_with_its_finnish_source():
    rows = {row.msgid: row for row in visitor_rows("ar")}
    ticket = rows["Take a ticket"]
    assert ticket.state == State.DRAFT
    assert ticket.current == ["خذ رقمًا"]
    assert ticket.source_text == "Ota vuoronumero"
    assert "Log visit" not in rows  # a staff string: not the reviewer's


def test_an_approval_is_recorded_with_the_reviewer_and_the_text_it_was_given_for(reviewer):
    saved = review(reviewer, "ar", "Take a ticket")
    assert saved.reviewer == reviewer and saved.reviewed_at is not None
    assert saved.catalogue_text == ["خذ رقمًا"]
    assert find_row("ar", TICKET).state == State.APPROVED


def test_a_developers_change_to_the_catalogue_returns_the_string_to_draft(reviewer):
    review(reviewer, "ar", "Take a ticket")
    set_msgstr("ar", "Take a ticket", "خذ تذكرة")
    row = find_row("ar", TICKET)
    assert row.state == State.CHANGED
    assert row.is_draft
    # The export leaves the developer's text alone: nobody approved it.
    text, changed = export_catalogue("ar")
    assert changed == 0
    assert polib.pofile(text).find("Take a ticket").msgstr == "خذ تذكرة"


def test_a_correction_is_exported_and_stays_approved_once_the_export_is_committed(reviewer):
    review(reviewer, "ar", "Take a ticket", ["خذ رقم دور"])
    text, changed = export_catalogue("ar")
    assert changed == 1
    po_path("ar").write_text(text, encoding="utf-8")  # the developer commits the file
    row = find_row("ar", TICKET)
    assert row.current == ["خذ رقم دور"]
    assert row.state == State.APPROVED


def test_a_correction_kept_as_a_draft_is_not_exported(reviewer):
    review(reviewer, "ar", "Take a ticket", ["خذ رقم دور"], approve=False)
    row = find_row("ar", TICKET)
    assert row.state == State.DRAFT
    assert row.proposed == ["خذ رقم دور"]
    _text, changed = export_catalogue("ar")
    assert changed == 0


def test_the_export_parses_compiles_with_msgfmt_and_carries_the_corrections(reviewer, tmp_path):
    review(reviewer, "ti", "Take a ticket", ["ቁጽሪ ውሰዱ"])
    row = next(r for r in visitor_rows("ti") if r.msgid_plural)
    forms = [f"{text} ✓" for text in row.current]
    string_review_save(
        language="ti", row=row, text=forms, seen=row.current, approve=True, reviewer=reviewer
    )
    text, changed = export_catalogue("ti")
    assert changed == 2
    exported = tmp_path / "ti.po"
    exported.write_text(text, encoding="utf-8")
    po = polib.pofile(str(exported))
    assert po.find("Take a ticket").msgstr == "ቁጽሪ ውሰዱ"
    assert [po.find(row.msgid).msgstr_plural[i] for i in range(len(forms))] == forms
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(tmp_path / "ti.mo"), str(exported)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    compiled = polib.mofile(str(tmp_path / "ti.mo"))
    assert compiled.find("Take a ticket").msgstr == "ቁጽሪ ውሰዱ"


def test_an_export_without_approvals_is_the_catalogue_byte_for_byte():
    """gettext's own wrapping, so a committed export shows only the approved changes in a diff."""
    if shutil.which("msgcat") is None:
        pytest.skip("msgcat (gettext) is not installed")
    text, changed = export_catalogue("ar")
    assert changed == 0
    assert text == po_path("ar").read_text(encoding="utf-8")


def test_an_approval_of_a_guess_clears_its_fuzzy_flag(reviewer):
    po = polib.pofile(str(po_path("ar")))
    po.find("Take a ticket").flags.append("fuzzy")
    po.save()
    assert find_row("ar", TICKET).fuzzy
    review(reviewer, "ar", "Take a ticket")
    text, changed = export_catalogue("ar")
    assert changed == 1
    assert "fuzzy" not in polib.pofile(text).find("Take a ticket").flags


def test_an_approval_of_a_text_that_changed_meanwhile_is_refused(reviewer):
    row = find_row("ar", TICKET)
    set_msgstr("ar", "Take a ticket", "خذ تذكرة")
    with pytest.raises(TextChanged):
        string_review_save(
            language="ar",
            row=find_row("ar", TICKET),
            text=row.current,
            seen=row.current,  # what the reviewer had on screen
            approve=True,
            reviewer=reviewer,
        )
    assert not StringReview.objects.exists()


def test_the_command_writes_the_approved_texts_into_the_catalogues(reviewer):
    review(reviewer, "ar", "Take a ticket", ["خذ رقم دور"])
    out = StringIO()
    call_command("export_reviewed_translations", "ar", "ti", stdout=out)
    assert "ar: 1 approved" in out.getvalue()
    assert "ti: 0 approved" in out.getvalue()
    assert polib.pofile(str(po_path("ar"))).find("Take a ticket").msgstr == "خذ رقم دور"
    # Run twice, write once: the second run changes nothing.
    before = po_path("ar").stat().st_mtime_ns
    call_command("export_reviewed_translations", "ar", stdout=StringIO())
    assert po_path("ar").stat().st_mtime_ns == before

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .catalogue import fit_to_msgid, placeholders
from .languages import review_languages

if TYPE_CHECKING:
    from .catalogue import StringRow
    from .events import EventRow

APPROVE = "approve"
DRAFT = "draft"


class StringFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("drafts", _("Not approved")), ("approved", _("Approved")), ("all", _("All"))],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def rows(self, rows: list[StringRow]) -> list[StringRow]:
        """The rows the filter asks for: drafts (anything not approved) unless told otherwise."""
        data = self.cleaned_data if self.is_valid() else {}
        show, q = data.get("show") or "drafts", (data.get("q") or "").strip().lower()
        if show == "drafts":
            rows = [row for row in rows if row.is_draft]
        elif show == "approved":
            rows = [row for row in rows if not row.is_draft]
        if q:
            rows = [
                row
                for row in rows
                if q in " ".join([row.msgid, row.msgid_plural, *row.source, *row.proposed]).lower()
            ]
        return rows


def _text_field(label, initial: str, rows: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        initial=initial,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StringReviewForm(forms.Form):
    """One catalogue string: one box per plural form, prefilled with the proposed text. The
    reviewer approves it as it stands, approves their correction, or keeps the correction as a
    draft. ``seen`` carries the catalogue text shown, to detect a change under their feet."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(choices=[(APPROVE, APPROVE), (DRAFT, DRAFT)])

    def __init__(self, *args, row: StringRow, language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.row = row
        self.fields["seen"].initial = json.dumps(row.current, ensure_ascii=False)
        proposed = row.proposed
        for index in range(len(row.current)):
            label = _("Translation")
            if row.msgid_plural:
                numbers = row.plural_examples[index] if index < len(row.plural_examples) else []
                label = _("For %(numbers)s …") % {"numbers": ", ".join(map(str, numbers)) or "—"}
            initial = proposed[index] if index < len(proposed) else ""
            lines = 2 + min(len(row.msgid) // 60, 6)
            self.fields[f"text_{index}"] = _text_field(label, initial, lines)
            self.fields[f"text_{index}"].widget.attrs["lang"] = language
            self.fields[f"text_{index}"].widget.attrs["dir"] = "auto"

    def text_fields(self) -> list:
        return [self[f"text_{index}"] for index in range(len(self.row.current))]

    def clean_seen(self) -> list[str]:
        try:
            seen = json.loads(self.cleaned_data["seen"] or "[]")
        except ValueError:
            seen = None
        if not isinstance(seen, list) or not all(isinstance(text, str) for text in seen):
            raise forms.ValidationError(_("Open the page again and retry."))
        return seen

    def clean(self) -> dict:
        data = super().clean()
        row = self.row
        texts = []
        for index in range(len(row.current)):
            original = row.msgid_plural if index and row.msgid_plural else row.msgid
            texts.append(fit_to_msgid(data.get(f"text_{index}", "") or "", original))
        data["text"] = texts
        if data.get("action") == APPROVE and not all(text.strip() for text in texts):
            raise forms.ValidationError(_("Write the translation before approving it."))
        expected = placeholders(row.msgid + row.msgid_plural)
        for text in texts:
            found = placeholders(text)
            # A plural form used for one number may say "one" instead of the number.
            wrong = found - expected if row.msgid_plural else found ^ expected
            if text and wrong:
                raise forms.ValidationError(
                    ngettext(
                        "Keep the placeholder exactly as in the original: %(names)s",
                        "Keep the placeholders exactly as in the original: %(names)s",
                        len(expected) or 1,
                    )
                    % {"names": " ".join(sorted(expected)) or "—"}
                )
        return data


class EventReviewForm(forms.Form):
    """An event's texts in one language, beside the Finnish source."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(choices=[(APPROVE, APPROVE), (DRAFT, DRAFT)])
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, row: EventRow, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.row = row
        texts = row.texts
        self.fields["seen"].initial = json.dumps(
            {"text": texts, "source": row.source}, ensure_ascii=False
        )
        for name in ("title", "summary", "description"):
            self.fields[name].initial = texts[name]
            self.fields[name].widget.attrs.update(lang=row.language, dir="auto")

    def clean_seen(self) -> dict:
        try:
            seen = json.loads(self.cleaned_data["seen"] or "{}")
        except ValueError:
            seen = None
        if not isinstance(seen, dict) or set(seen) != {"text", "source"}:
            raise forms.ValidationError(_("Open the page again and retry."))
        return seen

    def clean(self) -> dict:
        data = super().clean()
        for name in ("title", "summary", "description"):
            data[name] = (data.get(name) or "").replace("\r\n", "\n").strip()
        if data.get("action") == APPROVE and not data.get("title"):
            self.add_error("title", _("Write the title before approving the translation."))
        return data

    @property
    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("title", "summary", "description")}


class ReviewerLanguagesForm(forms.Form):
    """The hub manager's choice of the languages one reviewer checks."""

    languages = forms.MultipleChoiceField(
        label=_("Languages reviewed"),
        choices=review_languages,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RetentionPolicy


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = [
            "inactive_visitor_months",
            "withdrawn_consent_days",
            "closed_case_months",
            "former_member_months",
        ]


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type the record number to confirm"),
        max_length=20,
        error_messages={"required": _("Type the record number to confirm.")},
    )

    def __init__(self, *args, visitor_pk: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.visitor_pk = visitor_pk

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip().lstrip("#")
        if value != str(self.visitor_pk):
            raise forms.ValidationError(_("That is not the number of this record."))
        return value

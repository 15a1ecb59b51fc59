from __future__ import annotations

from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import Hub, PartnerContact, PartnerOrganisation, PartnerService, Role
from .text import refuse_bidi_controls


class PartnerForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = PartnerOrganisation
        fields = [
            "name",
            "kind",
            "description",
            "website",
            "email",
            "phone",
            "address",
            "hubs_served",
            "is_active",
        ]
        widgets = {
            "hubs_served": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, hubs: list[Hub], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(refuse_bidi_controls)
        self.fields["hubs_served"].queryset = Hub.objects.filter(pk__in=[h.pk for h in hubs])
        self.fields["hubs_served"].help_text = _("Only hubs you coordinate are listed.")


class _NamedForm(forms.ModelForm):
    """A service or a contact: its name is shown in lists, so no direction controls in it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(refuse_bidi_controls)


PartnerServiceFormSet = inlineformset_factory(
    PartnerOrganisation,
    PartnerService,
    form=_NamedForm,
    fields=["name", "description"],
    extra=1,
    can_delete=True,
    widgets={"description": forms.TextInput},
)
PartnerContactFormSet = inlineformset_factory(
    PartnerOrganisation,
    PartnerContact,
    form=_NamedForm,
    fields=["name", "title", "email", "phone"],
    extra=1,
    can_delete=True,
)


class PartnerSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *PartnerOrganisation._meta.get_field("kind").choices],
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Name"), max_length=150, validators=[refuse_bidi_controls])
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=[(c, n) for c, n in settings.LANGUAGES if c in settings.STAFF_LANGUAGES],
    )
    review_languages = forms.MultipleChoiceField(
        label=_("Languages reviewed"),
        help_text=_("Only for a translation reviewer: the languages they check."),
        choices=[(c, n) for c, n in settings.LANGUAGES if c != settings.LANGUAGE_CODE],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") == Role.REVIEWER and not data.get("review_languages"):
            self.add_error("review_languages", _("Choose the languages this reviewer checks."))
        elif data.get("role") != Role.REVIEWER:
            data["review_languages"] = []
        return data

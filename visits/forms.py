from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kototori.access import Perm, roles_with
from kototori.models import Language, PartnerOrganisation, PartnerService, Topic, User
from kototori.ratelimit import HoneypotFormMixin
from kototori.text import refuse_bidi_controls, strip_bidi_controls

from .models import (
    Case,
    Consent,
    DataRequest,
    OutreachSession,
    Referral,
    ResidenceStatus,
    Urgency,
    VisitChannel,
    Visitor,
    VisitOutcome,
)


def _topics():
    return Topic.objects.filter(is_active=True)


def new_key() -> str:
    return uuid.uuid4().hex


class TopicChips(forms.CheckboxSelectMultiple):
    """Topic checkboxes; templates draw them as large toggle chips (visits/includes/chips.html)."""


class VisitForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=_topics(),
        widget=TopicChips,
        error_messages={"required": _("Pick at least one topic.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=VisitChannel.choices,
        initial=VisitChannel.WALK_IN,
        widget=forms.RadioSelect,
    )
    language = forms.ModelChoiceField(
        label=_("Language used"),
        queryset=Language.objects.all(),
        required=False,
        empty_label=_("— not recorded —"),
    )
    language_help = forms.BooleanField(label=_("Language help needed"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=VisitOutcome.choices,
        initial=VisitOutcome.ADVICE,
        widget=forms.RadioSelect,
    )
    visited_at = forms.DateTimeField(
        label=_("Time"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Short and non-sensitive: no names, no health details."),
    )
    served_by = forms.ModelChoiceField(
        label=_("Served by"), queryset=User.objects.none(), required=False, empty_label=_("— me —")
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, hub=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if hub is not None:
            self.fields["served_by"].queryset = (
                User.objects.filter(
                    memberships__hub=hub,
                    memberships__is_active=True,
                    memberships__role__in=roles_with(Perm.VISIT_LOG),
                )
                .distinct()
                .order_by("full_name", "email")
            )

    def clean_visited_at(self):
        value = self.cleaned_data.get("visited_at")
        if value is None:
            return None
        now = timezone.now()
        if value > now + timedelta(minutes=5):
            raise forms.ValidationError(_("A visit can't be in the future."))
        if value < now - timedelta(days=62):
            raise forms.ValidationError(_("That is too long ago; check the date."))
        return value


class QueueAddForm(forms.Form):
    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.all(),
        required=False,
        empty_label=_("— not known —"),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=_topics(), widget=TopicChips, required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class QueueDoneForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in VisitOutcome.choices if c[0] != VisitOutcome.LEFT],
        initial=VisitOutcome.ADVICE,
    )


class KioskForm(HoneypotFormMixin, forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("What do you need help with?"),
        queryset=_topics(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    first_name = forms.CharField(
        label=_("Your first name (optional)"), required=False, max_length=40
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean_first_name(self) -> str:
        return strip_bidi_controls(self.cleaned_data["first_name"]).strip()


class KioskSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Kiosk self check-in is on"), required=False)


class VisitorForm(forms.ModelForm):
    class Meta:
        model = Visitor
        fields = [
            "first_name",
            "phone",
            "email",
            "languages",
            "message_language",
            "birth_year",
            "gender",
            "residence_status",
            "arrival_year",
            "municipality",
        ]
        widgets = {"languages": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].validators.append(refuse_bidi_controls)
        self.fields["residence_status"].choices = [("", "—"), *ResidenceStatus.choices]
        for name in ("birth_year", "gender", "residence_status", "arrival_year", "municipality"):
            self.fields[name].help_text = _("Optional, for anonymous reports only.")

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and sum(ch.isdigit() for ch in phone) < 6:
            raise forms.ValidationError(_("That doesn't look like a phone number."))
        return phone

    def _year(self, name: str, earliest: int):
        value = self.cleaned_data.get(name)
        if value is not None and not (earliest <= value <= timezone.now().year):
            raise forms.ValidationError(
                _("Give a year between %(first)s and %(last)s.")
                % {"first": earliest, "last": timezone.now().year}
            )
        return value

    def clean_birth_year(self):
        return self._year("birth_year", 1900)

    def clean_arrival_year(self):
        return self._year("arrival_year", 1940)


class ConsentForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label=_("The visitor agrees to"),
        choices=Consent.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Consent explained in"),
        choices=settings.LANGUAGES,
    )

    def clean_scopes(self) -> list[str]:
        scopes = self.cleaned_data["scopes"]
        if Consent.Scope.RECORD not in scopes:
            raise forms.ValidationError(
                _("Without the visitor's consent to keep a record, no record is made.")
            )
        return scopes


class ConsentWithdrawForm(forms.Form):
    """Which of the visitor's consents they withdraw. Finds the consent (``self.consent``): an
    active one if there is, else the one already withdrawn (withdrawing again changes nothing)."""

    scope = forms.ChoiceField(
        label=_("Consent to withdraw"),
        choices=Consent.Scope.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose which consent the visitor withdraws."),
            "invalid_choice": _("There is no such consent. Choose one from the visitor's record."),
        },
    )

    def __init__(self, *args, visitor: Visitor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.visitor = visitor
        self.consent: Consent | None = None

    def clean_scope(self) -> str:
        scope = self.cleaned_data["scope"]
        consents = self.visitor.consents.filter(scope=scope)
        self.consent = (
            consents.active().first() or consents.order_by("-withdrawn_at", "-pk").first()
        )
        if self.consent is None:
            raise forms.ValidationError(_("The visitor has not given this consent."))
        return scope


class ConsentGiveForm(forms.Form):
    """A consent the visitor gives after their record was made (or gives again after withdrawing
    it), with the language it was explained in."""

    scope = forms.ChoiceField(
        label=_("Consent"),
        choices=Consent.Scope.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose which consent the visitor gives."),
            "invalid_choice": _("There is no such consent."),
        },
    )
    language = forms.ChoiceField(label=_("Consent explained in"), choices=settings.LANGUAGES)

    def __init__(self, *args, visitor: Visitor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.visitor = visitor
        self.fields["language"].initial = visitor.message_language

    def clean_scope(self) -> str:
        scope = self.cleaned_data["scope"]
        active = set(self.visitor.consents.active().values_list("scope", flat=True))
        if scope in active:
            raise forms.ValidationError(_("The visitor has already given this consent."))
        if scope != Consent.Scope.RECORD and Consent.Scope.RECORD not in active:
            raise forms.ValidationError(
                _(
                    "First the visitor must agree to keeping a record: without it, no record is kept."
                )
            )
        return scope


class VisitorSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or phone"), required=False, max_length=80)


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(
        label=_("Number of the duplicate record"),
        help_text=_("Everything recorded under the duplicate moves to this record."),
    )


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["partner", "service", "topics", "language", "note"]
        widgets = {"topics": TopicChips}

    def __init__(self, *args, hub, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        partners = PartnerOrganisation.objects.filter(hubs_served=hub, is_active=True)
        self.fields["partner"].queryset = partners
        self.fields["service"].queryset = PartnerService.objects.filter(
            partner__in=partners
        ).select_related("partner")
        self.fields["service"].label_from_instance = lambda s: f"{s.partner.name}: {s.name}"
        self.fields["topics"].queryset = _topics()

    def clean(self):
        cleaned = super().clean()
        partner, service = cleaned.get("partner"), cleaned.get("service")
        if partner and service and service.partner_id != partner.pk:
            self.add_error("service", _("That service belongs to another partner."))
        return cleaned


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Referral.Status.choices)
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("No health or other sensitive details, please."),
    )


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["topics", "languages", "urgency", "summary", "next_follow_up"]
        widgets = {
            "topics": TopicChips,
            "languages": forms.SelectMultiple(attrs={"size": 6}),
            "next_follow_up": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = _topics()
        self.fields["urgency"].initial = Urgency.NORMAL
        self.fields["topics"].error_messages["required"] = _("Pick at least one topic.")

    def clean_next_follow_up(self):
        value = self.cleaned_data.get("next_follow_up")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The follow-up date can't be in the past."))
        return value


class OutreachForm(forms.ModelForm):
    class Meta:
        model = OutreachSession
        fields = ["place_kind", "place", "partner", "date", "staff", "head_count", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "staff": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, hub, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topic_list = list(_topics())
        self.fields["head_count"].required = False
        self.fields["partner"].queryset = PartnerOrganisation.objects.filter(hubs_served=hub)
        self.fields["staff"].queryset = User.objects.filter(
            memberships__hub=hub, memberships__is_active=True
        ).distinct()
        for topic in self.topic_list:
            self.fields[f"topic_{topic.key}"] = forms.IntegerField(
                label=topic.name, min_value=0, max_value=1000, required=False
            )

    def topic_fields(self):
        return [self[f"topic_{topic.key}"] for topic in self.topic_list]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("An outreach session can't be in the future."))
        return value

    def counts(self) -> dict:
        return {
            topic: self.cleaned_data.get(f"topic_{topic.key}") or 0 for topic in self.topic_list
        }

    def clean(self):
        cleaned = super().clean()
        total = sum(cleaned.get(f"topic_{t.key}") or 0 for t in self.topic_list)
        if not cleaned.get("head_count"):
            if not total and "head_count" not in self.errors:
                self.add_error("head_count", _("Give the number of people met."))
            cleaned["head_count"] = total
        return cleaned


_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


class DataRequestForm(HoneypotFormMixin, forms.Form):
    """The visitor's own request about their data (public, in the visitor's language)."""

    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=DataRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what you would like.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("The name you used at the hub. A first name or nickname is enough."),
        error_messages={"required": _("Please write your name.")},
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    message = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_name(self) -> str:
        name = " ".join(strip_bidi_controls(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("Please write your name."))
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(
                _("Please write the phone number with digits only, for example +358 40 123 4567.")
            )
        return re.sub(r"[ ()-]", "", phone)

    def clean(self) -> dict:
        cleaned = super().clean()
        contact_given = cleaned.get("phone") or cleaned.get("email")
        if not (contact_given or self.has_error("phone") or self.has_error("email")):
            raise forms.ValidationError(
                _("Please give a phone number or an e-mail address, so that we can answer you.")
            )
        return cleaned


class DataRequestLinkForm(forms.Form):
    visitor = forms.IntegerField(
        label=_("Visitor record number"),
        min_value=1,
        max_value=2_147_483_647,
        required=False,
        help_text=_("Empty removes the link."),
    )

    def __init__(self, *args, hub, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hub = hub

    def clean_visitor(self) -> Visitor | None:
        number = self.cleaned_data["visitor"]
        if number is None:
            return None
        visitor = Visitor.objects.filter(hub=self.hub, pk=number).first()
        if visitor is None:
            raise forms.ValidationError(_("This hub has no visitor record with that number."))
        return visitor


class DataRequestStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DataRequest.Status.choices)
    note = forms.CharField(
        label=_("Staff note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, or why the request is refused. Seen by staff only."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("status") == DataRequest.Status.REFUSED and not cleaned.get("note"):
            self.add_error("note", _("Write why the request is refused: the visitor must be told."))
        return cleaned

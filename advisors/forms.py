from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kototori.models import Language, PartnerOrganisation, Role, Topic, User
from kototori.text import refuse_bidi_controls
from visits.models import Case

from .models import (
    AdvisorProfile,
    Assignment,
    LanguageLevel,
    PathwayOutcome,
    Shift,
    Stage,
    SupervisionSession,
    Training,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def hub_users(hub, roles) -> forms.ModelChoiceField:
    return User.objects.filter(
        memberships__hub=hub,
        memberships__role__in=roles,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


# Cases


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What was done or agreed. No health details or identity numbers."),
    )
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False, widget=DateInput)

    def clean_next_follow_up(self):
        value = self.cleaned_data.get("next_follow_up")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The follow-up date can't be in the past."))
        return value


class FollowUpForm(forms.Form):
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False, widget=DateInput)

    def clean_next_follow_up(self):
        value = self.cleaned_data.get("next_follow_up")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The follow-up date can't be in the past."))
        return value


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this need a professional?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    text = forms.CharField(label=_("Closing note"), required=False, max_length=2000)


class CaseTextForm(forms.Form):
    """The optional note of a hand-back (or of a release): refused when too long, never cut."""

    text = forms.CharField(
        label=_("Guidance for the advisor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Transfer to"), queryset=User.objects.none())
    text = forms.CharField(label=_("Note for them"), required=False, max_length=2000)

    def __init__(self, *args, hub, exclude_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = hub_users(hub, [Role.ADVISOR, Role.PROFESSIONAL])
        if exclude_user is not None:
            qs = qs.exclude(pk=exclude_user.pk)
        self.fields["to"].queryset = qs


# Advisors


class LanguagesField(forms.CharField):
    """Languages with level, typed as ``ar:native, fi:working``."""

    def clean(self, value):
        value = super().clean(value)
        result = []
        if not value:
            return result
        languages = {lang.code: lang for lang in Language.objects.all()}
        for part in value.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            code, _sep, level = part.partition(":")
            code, level = code.strip(), (level.strip() or LanguageLevel.FLUENT)
            if code not in languages:
                raise forms.ValidationError(_("Unknown language code: %(code)s") % {"code": code})
            if level not in LanguageLevel.values:
                raise forms.ValidationError(
                    _("Unknown level %(level)s; use one of: %(levels)s")
                    % {"level": level, "levels": ", ".join(LanguageLevel.values)}
                )
            result.append((languages[code], level))
        return result


LANGUAGES_HELP = _(
    "Language codes with a level, separated by commas, e.g. ar:native, fi:working. "
    "Levels: native, fluent, working, basic."
)


class AdvisorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, validators=[refuse_bidi_controls])
    user = forms.ModelChoiceField(
        label=_("Login"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Their account in this hub, once they have one."),
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"), queryset=User.objects.none(), required=False
    )
    languages = LanguagesField(label=_("Languages"), required=False, help_text=LANGUAGES_HELP)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topic skills"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, hub, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = hub_users(hub, [Role.PROFESSIONAL])
        users = hub_users(hub, [Role.ADVISOR]).filter(advisor_profile__isnull=True)
        self.fields["user"].queryset = users
        if editing:
            for name in ("name", "user", "note"):
                del self.fields[name]


class CandidateFromVisitorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, validators=[refuse_bidi_controls])
    consent = forms.BooleanField(
        label=_(
            "The visitor agreed to become a volunteer candidate, and to have their name and "
            "languages kept on the advisor pathway."
        ),
        required=True,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = PathwayOutcome
        fields = ["kind", "started_on", "ended_on", "note"]
        widgets = {"started_on": DateInput, "ended_on": DateInput}

    def clean(self):
        data = super().clean()
        if (
            data.get("ended_on")
            and data.get("started_on")
            and data["ended_on"] < data["started_on"]
        ):
            self.add_error("ended_on", _("The end can't be before the start."))
        return data


class CompletionForm(forms.Form):
    training = forms.ModelChoiceField(
        label=_("Training"), queryset=Training.objects.filter(is_active=True)
    )
    completed_on = forms.DateField(
        label=_("Completed"), widget=DateInput, initial=timezone.localdate
    )


class SupervisionSessionForm(forms.ModelForm):
    class Meta:
        model = SupervisionSession
        fields = ["held_on", "advisors", "themes"]
        widgets = {"held_on": DateInput, "advisors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisors"].queryset = AdvisorProfile.objects.in_hub(hub)


# Shifts and hours


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["title", "starts_at", "ends_at", "capacity"]
        widgets = {"starts_at": DateTimeInput, "ends_at": DateTimeInput}

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return data


class HoursForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.5"), max_value=Decimal("16"), decimal_places=1
    )
    description = forms.CharField(label=_("What did you do?"), max_length=200)

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Hours can't be logged for a future date."))
        return value


# Experts and assignments


class ExpertForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Experience expert"), queryset=User.objects.none())
    cohort = forms.CharField(label=_("Training cohort"), max_length=100, required=False)
    graduated_on = forms.DateField(label=_("Graduated"), widget=DateInput, required=False)
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages"), queryset=Language.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = hub_users(hub, [Role.EXPERT]).filter(
            expert_profile__isnull=True
        )


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "title",
            "kind",
            "partner",
            "starts_at",
            "duration_hours",
            "place",
            "audience",
            "language",
            "themes",
        ]
        widgets = {"starts_at": DateTimeInput, "themes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerOrganisation.objects.for_hubs([hub])
        self.fields["themes"].queryset = Topic.objects.filter(is_active=True)

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value < timezone.now():
            raise forms.ValidationError(_("The assignment can't be in the past."))
        return value


class AssignmentDoneForm(forms.Form):
    audience_size = forms.IntegerField(label=_("Audience size"), min_value=0, max_value=100000)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.5"), max_value=Decimal("24"), decimal_places=1
    )

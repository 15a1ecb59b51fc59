from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from kototori.models import Language, Membership, PartnerOrganisation
from kototori.ratelimit import HoneypotFormMixin
from kototori.text import refuse_bidi_controls, strip_bidi_controls

from .models import TRANSLATED_FIELDS, Event, Feedback, Group, Kind, Registration
from .services import SignUp

if TYPE_CHECKING:
    from kototori.models import Hub

MAX_PARTY = 10
PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    """The coordinator's form: the facts once, the texts per language (missing ones are shown)."""

    class Meta:
        model = Event
        fields = [
            "kind",
            "audience",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "registration_required",
            "training",
            "languages",
            "partners",
            "organisers",
        ] + [f"{name}_{code}" for code, _n in settings.LANGUAGES for name in TRANSLATED_FIELDS]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "languages": forms.CheckboxSelectMultiple(attrs={"class": "choice-grid"}),
            "partners": forms.CheckboxSelectMultiple(),
            "organisers": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, hub: Hub, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hub = hub
        self.fields["languages"].queryset = Language.objects.all()
        self.fields["training"].queryset = self.fields["training"].queryset.filter(is_active=True)
        self.fields["partners"].queryset = PartnerOrganisation.objects.filter(
            hubs_served=hub, is_active=True
        )
        staff_ids = Membership.objects.active().filter(hub=hub).values("user_id")
        self.fields["organisers"].queryset = self.fields["organisers"].queryset.filter(
            pk__in=staff_ids
        )
        self.fields["organisers"].label_from_instance = lambda user: user.get_full_name()
        for code, _name in settings.LANGUAGES:
            for name in TRANSLATED_FIELDS:
                field = self.fields[f"{name}_{code}"]
                field.required = False
                field.language = code
            self.fields[f"title_{code}"].validators.append(refuse_bidi_controls)
            self.fields[f"description_{code}"].widget = forms.Textarea(attrs={"rows": 4})
        self.fields[f"title_{settings.LANGUAGE_CODE}"].required = True

    def language_groups(self) -> list[dict]:
        """The translated fields grouped by language, each marked missing or done."""
        groups = []
        for code, _name in settings.LANGUAGES:
            info = get_language_info(code)
            title = self[f"title_{code}"]
            value = (title.value() or "").strip()
            groups.append(
                {
                    "code": code,
                    "name": info["name_translated"],
                    "name_local": info["name_local"],
                    "bidi": info["bidi"],
                    "missing": not value,
                    "fields": [self[f"{name}_{code}"] for name in TRANSLATED_FIELDS],
                    "has_errors": any(self[f"{n}_{code}"].errors for n in TRANSLATED_FIELDS),
                }
            )
        return groups

    def clean(self) -> dict:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        for code, _name in settings.LANGUAGES:
            has_text = any(
                (cleaned.get(f"{n}_{code}") or "").strip() for n in ("summary", "description")
            )
            if has_text and not (cleaned.get(f"title_{code}") or "").strip():
                self.add_error(
                    f"title_{code}", _("Add a title in this language, or leave it all empty.")
                )
        return cleaned


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    language = forms.ChoiceField(
        label=_("Language of the event"),
        required=False,
        widget=forms.Select(attrs={"class": "language-name"}),  # names in their own scripts
    )

    def __init__(self, *args, languages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages"))] + [
            (lang.code, lang.name_local) for lang in languages
        ]


def _visitor_language_choices() -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"]) for code, _n in settings.LANGUAGES]


class SignUpForm(HoneypotFormMixin, forms.Form):
    """Public sign-up: only what the event needs, contact details only for messages."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("A first name or a nickname is enough."),
        error_messages={"required": _("Please write your name.")},
    )
    party_size = forms.IntegerField(
        label=_("How many people are coming, you included?"),
        min_value=1,
        max_value=MAX_PARTY,
        initial=1,
        error_messages={
            "required": _("Please tell us how many people are coming."),
            "min_value": _("At least one person."),
            "max_value": _("At most %(limit_value)s people in one sign-up."),
            "invalid": _("Please write a number."),
        },
    )
    group = forms.ChoiceField(
        label=_("I am"),
        choices=Group.choices,
        initial=Group.UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Helps us bring newcomers and long-term residents together. Optional."),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        error_messages={"invalid": _("Please check the e-mail address.")},
    )
    phone = forms.CharField(
        label=_("Mobile phone for text messages (optional)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Messages in this language"),
        choices=(),
        widget=forms.Select(attrs={"class": "language-name"}),  # names in their own scripts
    )
    remind = forms.BooleanField(
        label=_("Send me a reminder before the event"),
        required=False,
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4())
        kwargs["initial"].setdefault("language", get_language())
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _visitor_language_choices()
        self.fields["name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["party_size"].widget.attrs["inputmode"] = "numeric"
        self.fields["token"].error_messages = {
            "required": _("The form expired. Please try again."),
            "invalid": _("The form expired. Please try again."),
        }

    def clean_name(self) -> str:
        # Visitors can't see direction controls, so they are left out rather than refused.
        name = " ".join(strip_bidi_controls(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("Please write your name."))
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Please write the phone number with digits only, for example +358 40 123 4567.")
            )
        return re.sub(r"[ ()-]", "", phone)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("remind") and not (cleaned.get("email") or cleaned.get("phone")):
            self.add_error(
                "remind", _("For a reminder, please give an e-mail address or a phone number.")
            )
        return cleaned

    def signup(self) -> SignUp:
        data = self.cleaned_data
        return SignUp(
            name=data["name"],
            party_size=data["party_size"],
            phone=data["phone"],
            email=data["email"],
            language=data["language"],
            remind=data["remind"],
            group=data.get("group") or Group.UNKNOWN,
        )


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, validators=[refuse_bidi_controls])
    party_size = forms.IntegerField(label=_("People"), min_value=1, max_value=50, initial=1)
    group = forms.ChoiceField(label=_("Group"), choices=Group.choices, initial=Group.UNKNOWN)

    def signup(self, language: str) -> SignUp:
        data = self.cleaned_data
        return SignUp(
            name=" ".join(data["name"].split()),
            party_size=data["party_size"],
            group=data["group"],
            language=language,
        )


class AdvisorAttendeeForm(forms.Form):
    """Add an advisor of the hub to a training event (they came)."""

    user = forms.ModelChoiceField(label=_("Advisor"), queryset=None)

    def __init__(self, *args, hub: Hub, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from kototori.models import Role, User

        self.fields["user"].queryset = User.objects.filter(
            memberships__in=Membership.objects.active().filter(
                hub=hub, role__in=[Role.ADVISOR, Role.EXPERT]
            )
        ).distinct()
        self.fields["user"].label_from_instance = lambda user: user.get_full_name()


class HeadCountForm(forms.Form):
    newcomers = forms.IntegerField(label=_("Newcomers"), min_value=0, max_value=10000)
    residents = forms.IntegerField(label=_("Long-term residents"), min_value=0, max_value=10000)


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(choices=Registration.Attendance.choices)


class ShareForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Share text in these languages"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _visitor_language_choices()


# The faces are drawn by the template (events/templatetags/smileys.py), not put in the label as emoji.
SMILEYS = [
    (score.value, score.label)
    for score in (Feedback.Score.HAPPY, Feedback.Score.NEUTRAL, Feedback.Score.SAD)
]


class FeedbackForm(HoneypotFormMixin, forms.Form):
    enjoyed = forms.TypedChoiceField(
        label=Feedback._meta.get_field("enjoyed").verbose_name,
        choices=SMILEYS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a face.")},
    )
    met_people = forms.TypedChoiceField(
        label=Feedback._meta.get_field("met_people").verbose_name,
        choices=SMILEYS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a face.")},
    )
    come_again = forms.TypedChoiceField(
        label=Feedback._meta.get_field("come_again").verbose_name,
        choices=SMILEYS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a face.")},
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)


def now_local_input() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")

"""Records of processing (GDPR art. 30), kept next to the code: every model field is classified.

``INVENTORY`` maps each model (``app_label.ModelName``) to whom it is about, why it is kept, how
long, and a class for every concrete field. ``manage.py data_inventory`` prints it as the table in
docs/data-inventory.md; tests/security/test_privacy.py fails when a model or field in an app of
``CLASSIFIED_APPS`` has no entry, so a new field can't slip in unreviewed.

Classes:
- ``none``: not about a person (configuration, reference data, counts).
- ``personal``: identifies or describes a person (name, e-mail, phone, free text about them,
  who-did-what links to a user).
- ``special``: special category or similarly sensitive (GDPR art. 9, plus residence status and
  case content about vulnerable people): the strictest access and shortest retention.
- ``secret``: credentials and bearer tokens (password hashes, TOTP secrets, signed-link keys).

Translated copies of a field (``name_fi``, ``name_ar``, …) share the class of the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import Field, Model


class C(StrEnum):
    NONE = "none"
    PERSONAL = "personal"
    SPECIAL = "special"
    SECRET = "secret"  # noqa: S105 (a class name, not a password)


@dataclass(frozen=True)
class Record:
    about: str  # whose data: "staff", "visitors", "partner contacts", "—"
    purpose: str
    retention: str
    fields: dict[str, C] = field(default_factory=dict)


N, P, S, X = C.NONE, C.PERSONAL, C.SPECIAL, C.SECRET

# Apps whose every model and field must be classified here (the test enforces it). The front desk,
# advisor and event apps join once their models settle (issue 7, second pass).
CLASSIFIED_APPS = ("kototori", "account", "mfa", "sessions", "admin", "auth", "contenttypes")

INVENTORY: dict[str, Record] = {
    "kototori.User": Record(
        "staff",
        "log in; show who did what",
        "while a member of a hub, then deactivated; erased on request when no log needs them",
        {
            "id": N,
            "password": X,
            "last_login": P,
            "is_superuser": N,
            "email": P,
            "full_name": P,
            "preferred_language": P,
            "phone": P,
            "is_active": N,
            "is_staff": N,
            "date_joined": P,
        },
    ),
    "kototori.User_groups": Record(
        "staff", "Django permissions (unused)", "with the user", {"id": N, "user": P, "group": N}
    ),
    "kototori.User_user_permissions": Record(
        "staff",
        "Django permissions (unused)",
        "with the user",
        {"id": N, "user": P, "permission": N},
    ),
    "kototori.Organisation": Record(
        "—", "configuration", "while in use", {"id": N, "name": N, "slug": N}
    ),
    "kototori.Hub": Record(
        "—",
        "configuration; public hub information",
        "while in use",
        {
            "id": N,
            "organisation": N,
            "slug": N,
            "name": N,
            "address": N,
            "opening_hours": N,
            "phone": N,
            "email": N,
            "kiosk_enabled": N,
            "kiosk_token": X,
            "event_reminder_hours": N,
            "whatsapp_group_url": N,
            "is_active": N,
        },
    ),
    "kototori.Hub_languages_offered": Record(
        "—", "configuration", "while in use", {"id": N, "hub": N, "language": N}
    ),
    "kototori.Membership": Record(
        "staff",
        "authorisation: who holds which role in which hub",
        "kept deactivated for the access log's 24 months",
        {"id": N, "user": P, "hub": N, "role": P, "is_active": P, "created_at": P, "invited_by": P},
    ),
    "kototori.Language": Record(
        "—",
        "reference data",
        "while in use",
        {"id": N, "code": N, "name": N, "name_local": N, "rtl": N, "order": N},
    ),
    "kototori.Topic": Record(
        "—",
        "reference data",
        "while in use",
        {
            "id": N,
            "key": N,
            "name": N,
            "pictogram": N,
            "needs_professional": N,
            "order": N,
            "is_active": N,
        },
    ),
    "kototori.PartnerOrganisation": Record(
        "—",
        "referral directory",
        "while in use",
        {
            "id": N,
            "organisation": N,
            "name": N,
            "kind": N,
            "description": N,
            "website": N,
            "email": N,
            "phone": N,
            "address": N,
            "is_active": N,
        },
    ),
    "kototori.PartnerOrganisation_hubs_served": Record(
        "—", "referral directory", "while in use", {"id": N, "partnerorganisation": N, "hub": N}
    ),
    "kototori.PartnerService": Record(
        "—",
        "referral directory",
        "while in use",
        {"id": N, "partner": N, "name": N, "description": N},
    ),
    "kototori.PartnerContact": Record(
        "partner contacts",
        "reaching a named person at a partner (legitimate interest)",
        "until the partner asks to remove it",
        {"id": N, "partner": N, "name": P, "title": P, "email": P, "phone": P},
    ),
    "kototori.OutboundMessage": Record(
        "visitors and staff",
        "send reminders and notices exactly once",
        "recipient, subject and text cleared after 30 days (kototori.retention)",
        {
            "id": N,
            "key": N,
            "hub": N,
            "channel": N,
            "to": P,
            "language": P,
            "subject": P,
            "body": S,  # a reminder can reveal a visit or a case topic
            "status": N,
            "send_after": N,
            "attempts": N,
            "last_error": N,
            "created_at": N,
            "sent_at": N,
        },
    ),
    "kototori.AccessLog": Record(
        "staff (who) and visitors (whom)",
        "accountability: who saw whose record, when and why (art. 5(2), 32)",
        "24 months (kototori.retention), append-only (database trigger)",
        {
            "id": N,
            "at": P,
            "user": P,
            "hub": N,
            "subject_type": N,
            "subject_id": P,
            "view": N,
            "purpose": P,
        },
    ),
    # Third-party tables that hold personal data too.
    "account.EmailAddress": Record(
        "staff",
        "login by e-mail (allauth)",
        "with the user",
        {"id": N, "user": P, "email": P, "verified": N, "primary": N},
    ),
    "account.EmailConfirmation": Record(
        "staff",
        "e-mail confirmation (unused: invitations only)",
        "3 days",
        {"id": N, "email_address": P, "created": N, "sent": N, "key": X},
    ),
    "mfa.Authenticator": Record(
        "staff",
        "second factor (TOTP, recovery codes)",
        "until removed by the user or a manager",
        {"id": N, "user": P, "type": N, "data": X, "created_at": P, "last_used_at": P},
    ),
    "sessions.Session": Record(
        "staff",
        "keep a login open",
        "30 minutes idle, 10 hours at most; expired rows removed by clearsessions",
        {"session_key": X, "session_data": P, "expire_date": N},
    ),
    "admin.LogEntry": Record(
        "staff (and whoever an edited object names)",
        "the admin's own change history",
        "24 months, like the access log",
        {
            "id": N,
            "action_time": P,
            "user": P,
            "content_type": N,
            "object_id": P,
            "object_repr": P,
            "action_flag": N,
            "change_message": P,
        },
    ),
    "auth.Permission": Record(
        "—", "framework", "—", {"id": N, "name": N, "content_type": N, "codename": N}
    ),
    "auth.Group": Record("—", "framework (unused)", "—", {"id": N, "name": N}),
    "auth.Group_permissions": Record(
        "—", "framework (unused)", "—", {"id": N, "group": N, "permission": N}
    ),
    "contenttypes.ContentType": Record(
        "—", "framework", "—", {"id": N, "app_label": N, "model": N}
    ),
}


def _label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def _translation_base(name: str) -> str | None:
    for code, _name in settings.LANGUAGES:
        suffix = "_" + code.replace("-", "_")
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


def classify(model: type[Model], field_obj: Field) -> C | None:
    record = INVENTORY.get(_label(model))
    if record is None:
        return None
    name = field_obj.name
    if name in record.fields:
        return record.fields[name]
    base = _translation_base(name)
    return record.fields.get(base) if base else None


def models_in(app_labels: tuple[str, ...] = CLASSIFIED_APPS) -> Iterator[type[Model]]:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in app_labels:
            yield model


def unclassified(app_labels: tuple[str, ...] = CLASSIFIED_APPS) -> list[str]:
    """``app.Model.field`` for every concrete field without a class (empty when all is well)."""
    missing = []
    for model in models_in(app_labels):
        for f in model._meta.concrete_fields:
            if classify(model, f) is None:
                missing.append(f"{_label(model)}.{f.name}")
    return missing

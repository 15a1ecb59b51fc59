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

# Apps whose every model and field must be classified here (the test enforces it).
CLASSIFIED_APPS = (
    "kototori",
    "visits",
    "advisors",
    "events",
    "reports",
    "rights",
    "translations",
    "account",
    "mfa",
    "sessions",
    "admin",
    "auth",
    "contenttypes",
)

INVENTORY: dict[str, Record] = {
    "kototori.User": Record(
        "staff",
        "log in; show who did what",
        "while a member of a hub; anonymised (name, e-mail, phone, password, login) once every role"
        " has ended longer than each hub's former_member_months (default 24; kototori.rights,"
        " nightly, 'former-members'); the row stays so logs and figures keep their links",
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
        "kept deactivated, with when the role ended, for the former-member rule and the access log",
        {
            "id": N,
            "user": P,
            "hub": N,
            "role": P,
            "is_active": P,
            "created_at": P,
            "ended_at": P,
            "invited_by": P,
            "review_languages": P,
        },
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
        "recipient, subject and text cleared after 30 days (kototori.retention), or at once when"
        " the visitor it is about (about_type/about_id: them, their referral, case or request) is"
        " erased, together with the copies the e-mail and SMS backends stored",
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
            "lease_until": N,
            "last_error": N,
            "created_at": N,
            "sent_at": N,
            "about_type": N,
            "about_id": P,  # the visitor, referral, case or registration it is about
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
            "roles": P,  # the reader's roles in the hub then: what the visitor's copy names
        },
    ),
    # The front desk (visits): visitors, their consents, visits, the queue, referrals, cases.
    "visits.Visitor": Record(
        "visitors",
        "follow-up of a visitor who consented to a record (art. 6(1)(a), 9(2)(a))",
        "erased when no visit, case or referral for the hub's inactive_visitor_months (default 24),"
        " or withdrawn_consent_days (default 30) after the last consent is withdrawn"
        " (kototori.rights, nightly); or on request",
        {
            "id": N,
            "hub": N,
            "first_name": P,
            "phone": P,
            "phone_digits": P,
            "email": P,
            "message_language": P,
            # Each coarse attribute alone is personal; kept together with residence status and the
            # year of arrival they single out a migrant's situation: treated as special.
            "birth_year": S,
            "gender": S,
            "residence_status": S,
            "arrival_year": S,
            "municipality": P,
            "created_at": P,
            "created_by": P,
        },
    ),
    "visits.Visitor_languages": Record(
        "visitors",
        "match an advisor who speaks the language",
        "with the visitor record",
        {"id": N, "visitor": P, "language": P},
    ),
    "visits.Consent": Record(
        "visitors",
        "proof of what the visitor agreed to, when and in which language (art. 7(1))",
        "with the visitor record; a withdrawn consent is deleted after the hub's"
        " withdrawn_consent_days (default 30, kototori.rights)",
        {
            "id": N,
            "visitor": P,
            "scope": P,
            "given_at": P,
            "recorded_by": P,
            "language": P,
            "text_version": N,
            "withdrawn_at": P,
            "withdrawn_by": P,
        },
    ),
    "visits.Visit": Record(
        "visitors (when linked) and staff",
        "count contacts by topic and language; the visitor's history when they consented",
        "rows kept for counts; the visitor link and note cleared when the visitor is erased;"
        " every note cleared after the hub's case-text period (rights retention, 'visit-notes')",
        {
            "id": N,
            "hub": N,
            "visited_at": P,
            "day": P,
            "channel": N,
            "language": P,
            "language_help": P,
            "outcome": P,
            "served_by": P,
            "note": S,  # free text next to the visit's topics (health, permits…), like Case.summary
            "visitor": P,
            "idempotency_key": N,
            "created_by": P,
            "created_at": P,
        },
    ),
    "visits.Visit_topics": Record(
        "visitors (when linked)",
        "count contacts by topic",
        "with the visit",
        {"id": N, "visit": P, "topic": S},  # topics include health, child welfare, permits
    ),
    "visits.QueueEntry": Record(
        "visitors",
        "call the next person; waiting-time reports",
        "first name blanked once the day is over (visits.tasks.forget_queue_names, hourly);"
        " the nameless ticket stays for waiting-time reports",
        {
            "id": N,
            "hub": N,
            "day": N,
            "number": N,
            "status": N,
            "source": N,
            "language": P,
            "first_name": P,
            "idempotency_key": N,
            "created_at": N,
            "called_at": N,
            "served_at": N,
            "done_at": N,
            "left_at": N,
            "served_by": P,
            "visit": P,
        },
    ),
    "visits.QueueEntry_topics": Record(
        "visitors",
        "send the person to the right helper",
        "with the ticket",
        {"id": N, "queueentry": P, "topic": S},
    ),
    "visits.Referral": Record(
        "visitors (when linked) and staff",
        "hand a visitor to a partner's service and follow it up",
        "note and partner's feedback cleared when the visitor is erased, and after the hub's"
        " case-text period (rights retention, 'referral-notes'); the row stays for counts",
        {
            "id": N,
            "hub": N,
            # Being referred to a health service or a parish reveals health or belief.
            "partner": S,
            "service": S,
            "visit": P,
            "visitor": P,
            "case": P,
            "language": P,
            "note": S,
            "status": P,
            "partner_feedback": S,
            "link_key": X,  # the partner's signed link
            "link_revoked_at": P,
            "link_revoked_by": P,
            "created_by": P,
            "created_at": P,
            "accepted_at": P,
            "closed_at": P,
            "updated_by_partner_at": P,
        },
    ),
    "visits.Referral_topics": Record(
        "visitors (when linked)",
        "what the partner is asked to help with",
        "with the referral",
        {"id": N, "referral": P, "topic": S},
    ),
    "visits.Case": Record(
        "visitors and staff",
        "follow-up by an advisor or a professional",
        "summary and escalation reason cleared the hub's closed_case_months (default 12) after"
        " closing (kototori.rights) or when the visitor is erased; row kept for counts;"
        " open cases: no automatic rule yet",
        {
            "id": N,
            "hub": N,
            "urgency": P,
            "summary": S,
            "status": P,
            "opened_by": P,
            "created_at": P,
            "claimed_by": P,
            "claimed_at": P,
            "first_claimed_at": P,
            "next_follow_up": P,
            "last_activity_at": P,
            "escalated_at": P,
            "escalation_reason": S,
            "closed_at": P,
            "closed_by": P,
            "outcome": P,
            "visit": P,
            "visitor": P,
        },
    ),
    "visits.Case_topics": Record(
        "visitors",
        "route the case (some topics need a professional)",
        "with the case",
        {"id": N, "case": P, "topic": S},
    ),
    "visits.Case_languages": Record(
        "visitors",
        "match an advisor who speaks the language",
        "with the case",
        {"id": N, "case": P, "language": P},
    ),
    "visits.CaseNote": Record(
        "visitors and staff",
        "the case timeline: what was done, by whom",
        "text cleared the hub's closed_case_months (default 12) after the case closes"
        " (kototori.rights) or when the visitor is erased; the entries stay",
        {"id": N, "case": P, "author": P, "kind": P, "text": S, "created_at": P},
    ),
    "visits.OutreachSession": Record(
        "staff (who went); no visitor names",
        "count advice given away from the hub",
        "no automatic rule yet",
        {
            "id": N,
            "hub": N,
            "place_kind": N,
            "place": N,
            "partner": N,
            "date": N,
            "head_count": N,
            "note": P,  # free text: may describe the people met
            "created_by": P,
            "created_at": N,
        },
    ),
    "visits.OutreachSession_staff": Record(
        "staff", "who was present", "with the session", {"id": N, "outreachsession": N, "user": P}
    ),
    "visits.OutreachTopicCount": Record(
        "—", "counts", "with the session", {"id": N, "session": N, "topic": N, "count": N}
    ),
    "visits.DataRequest": Record(
        "visitors (people who ask about their data)",
        "answer a request to see, erase or correct one's data or to know who used it"
        " (GDPR art. 12, 15-17; art. 5(2) accountability)",
        "name, contact, message, staff note and visitor link emptied 12 months after the request is"
        " done or refused (visits.retention, 'data-request-contents', nightly); kind, status and"
        " dates kept for statistics; open requests: no automatic rule",
        {
            "id": N,
            "hub": N,
            "kind": P,
            "name": P,
            "phone": P,
            "email": P,
            "message": S,  # free text: may say anything about the person (health, permits…)
            "language": P,
            "created_at": P,
            "due_on": P,
            "status": P,
            "handled_by": P,
            "handled_at": P,
            "staff_note": S,
            "visitor": P,
        },
    ),
    # Advisors and experience experts: volunteers, many of them former visitors.
    "advisors.AdvisorProfile": Record(
        "volunteers (candidates and advisors)",
        "run the volunteer pathway and the case pool",
        "name and visitor link cleared when the login is anonymised (former_member_months after"
        " the last role ended, kototori.rights); deleted with the login; a candidate without a"
        " login loses the name when their visitor record is erased (no rule yet otherwise)",
        {
            "id": N,
            "user": P,
            "name": P,
            "supervisor": P,
            "stage": P,
            "stage_since": P,
            "visitor": P,
            "candidate_consent_at": P,
            "candidate_consent_by": P,
            "created_at": P,
        },
    ),
    "advisors.AdvisorProfile_hubs": Record(
        "volunteers",
        "where they help",
        "with the profile",
        {"id": N, "advisorprofile": P, "hub": N},
    ),
    "advisors.AdvisorProfile_topics": Record(
        "volunteers",
        "match cases to skills",
        "with the profile",
        {"id": N, "advisorprofile": P, "topic": P},
    ),
    "advisors.AdvisorLanguage": Record(
        "volunteers",
        "match cases to languages",
        "with the profile",
        {"id": N, "advisor": P, "language": P, "level": P},
    ),
    "advisors.PathwayStep": Record(
        "volunteers",
        "the volunteer's path, with who moved them and why",
        "with the profile; note cleared when the login is anonymised (former members)",
        {
            "id": N,
            "advisor": P,
            "from_stage": P,
            "stage": P,
            "on": P,
            "by": P,
            "note": P,  # why a move was made: may mention a reason to pause
            "created_at": P,
        },
    ),
    "advisors.PathwayOutcome": Record(
        "volunteers",
        "what the pathway led to (funders' figures)",
        "with the profile; note cleared when the login is anonymised (former members);"
        " the row stays for the figures",
        {
            "id": N,
            "advisor": P,
            "kind": S,  # rehabilitative work is a social-welfare measure
            "started_on": P,
            "ended_on": P,
            "note": S,  # text about the same welfare or employment measure
            "recorded_by": P,
        },
    ),
    "advisors.Training": Record(
        "—",
        "training catalogue",
        "while in use",
        {"id": N, "key": N, "name": N, "description": N, "order": N, "is_active": N},
    ),
    "advisors.TrainingSession": Record(
        "trainers (name)",
        "training calendar",
        "no automatic rule yet",
        {"id": N, "training": N, "hub": N, "starts_at": N, "place": N, "trainer": P},
    ),
    "advisors.TrainingCompletion": Record(
        "volunteers and staff",
        "who may take which tasks; funders' figures",
        "kept for the figures, linked to the anonymised login once its person left (former"
        " members); deleted with the login",
        {
            "id": N,
            "user": P,
            "training": P,
            "completed_on": P,
            "session": P,
            "event_id": P,
            "recorded_at": P,
        },
    ),
    "advisors.SupervisionSession": Record(
        "volunteers and supervisors",
        "record that supervision was given",
        "no automatic rule yet",
        {"id": N, "hub": N, "held_on": P, "supervisor": P, "themes": P},
    ),
    "advisors.SupervisionSession_advisors": Record(
        "volunteers",
        "who attended",
        "with the session",
        {"id": N, "supervisionsession": P, "advisorprofile": P},
    ),
    "advisors.Shift": Record(
        "—",
        "shift calendar",
        "no automatic rule yet",
        {
            "id": N,
            "hub": N,
            "starts_at": N,
            "ends_at": N,
            "title": N,
            "capacity": N,
            "created_by": P,
        },
    ),
    "advisors.ShiftSignup": Record(
        "volunteers",
        "who covers a shift; volunteer hours",
        "kept for the hours, linked to the anonymised login once its person left (former"
        " members); deleted with the login or shift",
        {"id": N, "shift": P, "user": P, "created_at": P},
    ),
    "advisors.HoursEntry": Record(
        "volunteers",
        "volunteer hours for funders and certificates",
        "description cleared when the login is anonymised (former members); the hours stay;"
        " deleted with the login",
        {
            "id": N,
            "user": P,
            "hub": N,
            "on": P,
            "hours": P,
            "description": P,
            "created_at": P,
        },
    ),
    "advisors.ExpertProfile": Record(
        "experience experts",
        "offer speaking assignments",
        "kept with the anonymised login once its person left (former members; no name of its"
        " own); deleted with the login",
        {"id": N, "user": P, "cohort": P, "graduated_on": P},
    ),
    "advisors.ExpertProfile_hubs": Record(
        "experience experts",
        "where they speak",
        "with the profile",
        {"id": N, "expertprofile": P, "hub": N},
    ),
    "advisors.ExpertProfile_languages": Record(
        "experience experts",
        "match assignments to languages",
        "with the profile",
        {"id": N, "expertprofile": P, "language": P},
    ),
    "advisors.ExpertProfile_themes": Record(
        "experience experts",
        "match assignments to themes",
        "with the profile",
        {"id": N, "expertprofile": P, "topic": P},
    ),
    "advisors.Assignment": Record(
        "experience experts (who spoke)",
        "speaking assignments requested by partners",
        "no automatic rule yet",
        {
            "id": N,
            "hub": N,
            "kind": N,
            "partner": N,
            "title": N,
            "starts_at": N,
            "duration_hours": N,
            "place": N,
            "audience": N,
            "language": N,
            "status": N,
            "expert": P,
            "audience_size": N,
            "hours": P,
            "created_by": P,
            "created_at": N,
        },
    ),
    "advisors.Assignment_themes": Record(
        "—", "what the talk is about", "with the assignment", {"id": N, "assignment": N, "topic": N}
    ),
    "advisors.AssignmentOffer": Record(
        "experience experts",
        "who was asked and who answered",
        "kept, linked to the anonymised login once its person left (former members);"
        " deleted with the login or assignment",
        {
            "id": N,
            "assignment": P,
            "expert": P,
            "response": P,
            "offered_at": P,
            "responded_at": P,
        },
    ),
    # Events: the public calendar, sign-ups, attendance, anonymous feedback.
    "events.Event": Record(
        "—",
        "the public calendar",
        "no automatic rule",
        {
            "id": N,
            "hub": N,
            "kind": N,
            "title": N,
            "summary": N,
            "description": N,
            "place": N,
            "starts_at": N,
            "ends_at": N,
            "capacity": N,
            "audience": N,
            "registration_required": N,
            "training": N,
            "status": N,
            "head_count_newcomers": N,
            "head_count_residents": N,
            "created_at": N,
            "updated_at": N,
            "published_at": N,
            "cancelled_at": N,
        },
    ),
    "events.Event_languages": Record(
        "—", "the public calendar", "with the event", {"id": N, "event": N, "language": N}
    ),
    "events.Event_organisers": Record(
        "staff", "who runs the event", "with the event", {"id": N, "event": N, "user": P}
    ),
    "events.Event_partners": Record(
        "—", "co-organisers", "with the event", {"id": N, "event": N, "partnerorganisation": N}
    ),
    "events.Registration": Record(
        "visitors and residents who sign up",
        "places, waiting list, reminders, attendance",
        "phone and e-mail erased 30 days after the event (events.tasks.erase_old_contacts, daily);"
        " name and attendance: no automatic rule yet",
        {
            "id": N,
            "event": P,
            "name": P,
            "party_size": P,
            "phone": P,
            "email": P,
            "language": P,
            "remind": P,
            "group": S,  # newcomer or long-term resident: migration background, next to a name
            "status": P,
            "attendance": P,
            "walk_in": P,
            "user": P,
            "token": X,  # the key inside the signed cancel link
            "created_at": P,
            "promoted_at": P,
            "cancelled_at": P,
            "checked_in_at": P,
        },
    ),
    "events.SyncedAttendance": Record(
        "visitors and residents who signed up (check-ins); staff (who sent it)",
        "send attendance recorded offline exactly once (offline app)",
        "with the event; the sign-up link goes when the sign-up is erased",
        {
            "id": N,
            "key": N,  # made on the device so that a resent item is saved once
            "event": N,
            "kind": N,
            "registration": P,
            "newcomers": N,
            "residents": N,
            "recorded_at": P,
            "synced_at": P,
            "synced_by": P,
        },
    ),
    "events.Feedback": Record(
        "— (anonymous)",
        "how events went",
        "no automatic rule (no link to a person)",
        {
            "id": N,
            "event": N,
            "enjoyed": N,
            "met_people": N,
            "come_again": N,
            "language": N,
            "token": N,  # a double-submit guard of an anonymous form, not a credential
            "created_at": N,
        },
    ),
    # Reports and data-subject rights.
    "reports.StoredReport": Record(
        "—",
        "monthly figures as delivered to funders (small counts suppressed)",
        "no automatic rule (anonymous figures)",
        {
            "id": N,
            "hub": N,
            "period_kind": N,
            "period_start": N,
            "period_end": N,
            "created_at": N,
            "data": N,
        },
    ),
    "rights.ErasureLedger": Record(
        "erased visitors (keyed hashes)",
        "erase again whoever a restored backup brings back (art. 17)",
        "no automatic rule (needed as long as an older backup may be restored)",
        # Pseudonymous: matchable only with SECRET_KEY and the person's own data.
        {"id": N, "digest": P, "kind": P, "erased_at": P},
    ),
    "rights.VisitorMerge": Record(
        "visitors (a duplicate record joined into another)",
        "list reads of the merged record in the person's copy; erase it again after a restore",
        "with the record kept (deleted when it is erased, its key then in the erasure ledger)",
        {
            "id": N,
            "into": P,
            "merged_id": P,
            "merged_created_at": P,
            "merged_at": P,
            "by": P,
        },
    ),
    "rights.RetentionPolicy": Record(
        "—",
        "configuration: each hub's retention periods",
        "while in use",
        {
            "id": N,
            "hub": N,
            "inactive_visitor_months": N,
            "withdrawn_consent_days": N,
            "closed_case_months": N,
            "former_member_months": N,
            "updated_at": N,
        },
    ),
    # Third-party tables that hold personal data too.
    "account.EmailAddress": Record(
        "staff",
        "login by e-mail (allauth)",
        "deleted when the user is anonymised (former members) or deleted",
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
        "until removed by the user or a manager; deleted when the user is anonymised (former"
        " members)",
        {"id": N, "user": P, "type": N, "data": X, "created_at": P, "last_used_at": P},
    ),
    "sessions.Session": Record(
        "staff",
        "keep a login open",
        "30 minutes idle, 10 hours at most; expired rows removed by clearsessions; a user's rows"
        " deleted when the user is anonymised (former members)",
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
    "translations.StringReview": Record(
        "staff (the reviewer)",
        "which UI texts a reviewer approved or corrected",
        "no automatic rule (the reviewer link goes with the user's anonymisation)",
        {
            "id": N,
            "language": N,
            "key": N,
            "msgctxt": N,
            "msgid": N,
            "msgid_plural": N,
            "catalogue_text": N,
            "text": N,
            "status": N,
            "reviewer": P,
            "reviewed_at": P,
        },
    ),
    "translations.EventTranslationReview": Record(
        "staff (the reviewer)",
        "which event translations a reviewer approved",
        "with the event",
        {
            "id": N,
            "event": N,
            "language": N,
            "status": N,
            "text": N,
            "source": N,
            "reviewer": P,
            "reviewed_at": P,
        },
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

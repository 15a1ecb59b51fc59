"""The data-subject rights: a visitor's copy of their data, and erasure that leaves no trace of
them while keeping anonymous counts intact. The erasure ledger lets a restored backup be cleaned
again (``manage.py reapply_erasures``)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from advisors.models import AdvisorProfile, HoursEntry, PathwayOutcome, PathwayStep
from kototori.messaging import messages_erase
from visits.models import Case, CaseNote, DataRequest, Referral, Visit, Visitor

from .inventory import HANDLED, VISITOR
from .models import ErasureLedger, VisitorMerge
from .used_by import used_by

if TYPE_CHECKING:
    from kototori.models import User

LEDGER_SALT = "kototori.rights.erasure"
ERASED_NAME = "—"
# RFC 2606 reserves .invalid: an address there can never receive mail, and the id keeps it unique.
FORMER_MEMBER_DOMAIN = "invalid.invalid"


def ledger_digest(value: str) -> str:
    return salted_hmac(LEDGER_SALT, value, algorithm="sha256").hexdigest()


def _record_key(visitor: Visitor) -> str:
    # The creation time as well as the id: after a restore the id sequence may hand the same
    # number to someone new, who must not be erased by mistake.
    return f"visitor:{visitor.pk}:{visitor.created_at.isoformat()}"


def _merged_record_key(merge: VisitorMerge) -> str:
    return f"visitor:{merge.merged_id}:{merge.merged_created_at.isoformat()}"


def _identifiers(visitor: Visitor) -> list[tuple[str, str]]:
    found = [(ErasureLedger.Kind.RECORD, _record_key(visitor))]
    # A backup from before a merge holds the duplicate as a record of its own.
    found += [
        (ErasureLedger.Kind.RECORD, _merged_record_key(merge))
        for merge in VisitorMerge.objects.filter(into=visitor)
    ]
    if visitor.phone_digits:
        found.append((ErasureLedger.Kind.PHONE, f"phone:{visitor.phone_digits}"))
    if visitor.email:
        found.append((ErasureLedger.Kind.EMAIL, f"email:{visitor.email.lower()}"))
    return found


def linked_records(visitor: Visitor) -> dict[str, set[int]]:
    """Record type → ids of the visitor and of every row linked to them by a relation the
    inventory handles (their referrals, cases, data requests…), and of the records merged into
    theirs. What the access log and the outbox name when they name this person."""
    found: dict[str, set[int]] = {
        VISITOR.lower(): {
            visitor.pk,
            *VisitorMerge.objects.filter(into=visitor).values_list("merged_id", flat=True),
        }
    }
    for label in HANDLED:
        app_model, field_name = label.rsplit(".", 1)
        if app_model == VISITOR:
            continue  # the record's own many-to-many links (languages) are not records about it
        model = apps.get_model(app_model)
        ids = set(model._base_manager.filter(**{field_name: visitor}).values_list("pk", flat=True))
        if ids:
            found.setdefault(model._meta.label_lower, set()).update(ids)
    return found


# The copy of one's data (GDPR art. 15 and 20) ----------------------------------------------


def visitor_export(*, visitor: Visitor) -> dict[str, Any]:
    """Everything about ``visitor``, one section per relation in ``inventory.HANDLED``, and who
    used or received it (the access log rows about them and their linked records, and the partners
    their referrals went to). Values are plain strings, numbers and lists (JSON-ready). Texts are
    in the active language: the views use the visitor's."""
    subjects = linked_records(visitor)
    cases = list(
        Case.objects.filter(visitor=visitor).prefetch_related("topics", "notes").order_by("pk")
    )
    return {
        "record": {
            "number": visitor.pk,
            "hub": visitor.hub.name,
            "first_name": visitor.first_name,
            "phone": visitor.phone,
            "email": visitor.email,
            "message_language": visitor.message_language,
            "birth_year": visitor.birth_year,
            "gender": visitor.get_gender_display() if visitor.gender else "",
            "residence_status": (
                visitor.get_residence_status_display() if visitor.residence_status else ""
            ),
            "arrival_year": visitor.arrival_year,
            "municipality": visitor.municipality,
            "recorded": visitor.created_at.isoformat(),
        },
        "languages": [str(lang) for lang in visitor.languages.all()],
        "consents": [
            {
                "scope": str(c.get_scope_display()),
                "given": c.given_at.isoformat(),
                "explained_in": c.language,
                "text_version": c.text_version,
                "withdrawn": c.withdrawn_at.isoformat() if c.withdrawn_at else "",
            }
            for c in visitor.consents.all()
        ],
        "visits": [
            {
                "time": v.visited_at.isoformat(),
                "channel": str(v.get_channel_display()),
                "topics": [str(t) for t in v.topics.all()],
                "outcome": str(v.get_outcome_display()),
                "note": v.note,
            }
            for v in Visit.objects.filter(visitor=visitor).prefetch_related("topics")
        ],
        "referrals": [
            {
                "sent": r.created_at.isoformat(),
                "partner": r.partner.name,
                "status": str(r.get_status_display()),
                "note": r.note,
                "partner_feedback": r.partner_feedback,
            }
            for r in Referral.objects.filter(visitor=visitor).select_related("partner")
        ],
        "cases": [
            {
                "opened": c.created_at.isoformat(),
                "topics": [str(t) for t in c.topics.all()],
                "status": str(c.get_status_display()),
                "summary": c.summary,
                "outcome": str(c.get_outcome_display()) if c.outcome else "",
                "notes": [
                    {
                        "written": n.created_at.isoformat(),
                        "kind": str(n.get_kind_display()),
                        "text": n.text,
                    }
                    for n in c.notes.all()
                ],
            }
            for c in cases
        ],
        "data_requests": [
            {
                "sent": r.created_at.isoformat(),
                "request": str(r.get_kind_display()),
                "status": str(r.get_status_display()),
                "due": r.due_on.isoformat(),
                "message": r.message,
            }
            for r in DataRequest.objects.filter(visitor=visitor).order_by("created_at", "pk")
        ],
        "volunteering": [
            {"stage": str(a.get_stage_display()), "since": a.stage_since.isoformat()}
            for a in AdvisorProfile.objects.filter(visitor=visitor)
        ],
        "merged_records": [
            {"number": merge.merged_id, "merged": merge.merged_at.isoformat()}
            for merge in VisitorMerge.objects.filter(into=visitor)
        ],
        "used_by": used_by(subjects=subjects, visitor_ids=subjects[VISITOR.lower()]),
    }


# Erasure (GDPR art. 17) --------------------------------------------------------------------


@transaction.atomic
def visitor_erase(*, visitor: Visitor, by: User | None = None) -> None:
    """Erase ``visitor``: the record and consents go; visits, referrals and cases stay for the
    counts, without the link and without free text that could identify; messages to or about them
    are emptied (found through the records they are about, never by their text) and their copies
    in the mail and SMS stores removed. The ledger keeps keyed hashes so a restored backup can be
    cleaned again."""
    entries = []
    for kind, key in _identifiers(visitor):
        digest = ledger_digest(key)
        ErasureLedger.objects.get_or_create(digest=digest, defaults={"kind": kind})
        entries.append({"digest": digest, "kind": kind})
    _scrub(visitor)
    # The copy outside the database survives the restore of an older backup, which would roll the
    # table back. Written only once the erasure is committed.
    transaction.on_commit(lambda: ledger_file_append(entries))


_ledger_lock = threading.Lock()


def ledger_file_append(entries: list[dict[str, str]]) -> None:
    """Append keyed hashes to ``settings.ERASURE_LEDGER_FILE`` (JSON lines), synced to disk."""
    path = Path(settings.ERASURE_LEDGER_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    erased_at = timezone.now().isoformat()
    with _ledger_lock, open(path, "a", encoding="utf-8") as fh:
        for entry in entries:
            fh.write(json.dumps({**entry, "erased_at": erased_at}) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    path.chmod(0o600)


def ledger_file_entries() -> dict[str, str]:
    """Digest → kind, from the ledger file (empty when there is none yet)."""
    path = Path(settings.ERASURE_LEDGER_FILE)
    if not path.exists():
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            entries[row["digest"]] = row["kind"]
    return entries


def _same_phone(digits: str, other: str) -> bool:
    """The same number, written nationally (040 …) or internationally (+358 40 …)."""
    other = "".join(ch for ch in other if ch.isdigit())
    return len(digits) >= 9 and len(other) >= 9 and digits[-9:] == other[-9:]


def _unlinked_requests_from(visitor: Visitor) -> list[int]:
    """Requests to the visitor's hub that nobody linked to the record, sent from its phone or
    e-mail: they name the person as well."""
    if not (visitor.phone_digits or visitor.email):
        return []
    rows = DataRequest.objects.filter(hub=visitor.hub_id, visitor__isnull=True).values_list(
        "pk", "phone", "email"
    )
    return [
        pk
        for pk, phone, email in rows
        if (visitor.email and email.lower() == visitor.email.lower())
        or (phone and _same_phone(visitor.phone_digits, phone))
    ]


def _about(records: dict[str, set[int]]) -> Q:
    about = Q(pk__in=[])
    for about_type, ids in records.items():
        about |= Q(about_type=about_type, about_id__in=ids)
    return about


def _scrub(visitor: Visitor) -> None:
    # Before anything is unlinked: the messages about their referrals, cases and requests.
    messages_erase(about=_about(linked_records(visitor)))
    Visit.objects.filter(visitor=visitor).update(visitor=None, note="")
    Referral.objects.filter(visitor=visitor).update(visitor=None, note="", partner_feedback="")
    case_ids = list(Case.objects.filter(visitor=visitor).values_list("pk", flat=True))
    CaseNote.objects.filter(case_id__in=case_ids).update(text="")
    Case.objects.filter(pk__in=case_ids).update(visitor=None, summary="", escalation_reason="")
    AdvisorProfile.objects.filter(visitor=visitor, user__isnull=True).update(name=ERASED_NAME)
    AdvisorProfile.objects.filter(visitor=visitor).update(visitor=None)
    # Their requests to the hub stay as proof they were answered (kind, dates, status), without who
    # asked: the linked ones, and unlinked ones from the same phone or e-mail.
    requests = Q(visitor=visitor) | Q(pk__in=_unlinked_requests_from(visitor))
    DataRequest.objects.filter(requests).update(
        visitor=None, name="", phone="", email="", message="", staff_note=""
    )
    visitor.delete()  # consents, language links and records of merges cascade


def erasures_reapply() -> int:
    """After a restore: erase again every visitor whose record is in the ledger.
    Returns how many were erased. Idempotent.

    The ledger is the union of the table and the file: entries only in the file (erasures made
    after the backup was taken) are put back into the table first."""
    from_file = ledger_file_entries()
    ErasureLedger.objects.bulk_create(
        [ErasureLedger(digest=digest, kind=kind) for digest, kind in from_file.items()],
        ignore_conflicts=True,
    )
    digests = set(ErasureLedger.objects.values_list("digest", flat=True))
    if not digests:
        return 0
    erased = 0
    for visitor in Visitor.objects.all().iterator(chunk_size=500):
        # The record key only: a phone number or e-mail may have passed to someone else since.
        if ledger_digest(_record_key(visitor)) in digests:
            with transaction.atomic():
                _scrub(visitor)
            erased += 1
    return erased


# Staff and volunteers who left (the former-member retention rule) --------------------------


def former_member_email(user_pk: int) -> str:
    return f"former-{user_pk}@{FORMER_MEMBER_DOMAIN}"


def _end_sessions(user_pk: int) -> None:
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return  # other engines can't be searched; is_active=False and the new password end them
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user_pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()


@transaction.atomic
def user_anonymise(*, user: User) -> None:
    """Anonymise someone who left: the login, the name, the e-mail and the free text about them go;
    the rows behind the figures (hours, shifts, trainings, pathway steps and outcomes, speaking
    assignments) stay, linked to the nameless account by id. The access log is untouched (its own
    24-month rule, append-only). Running it again changes nothing."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user.email = former_member_email(user.pk)
    user.full_name = ""
    user.phone = ""
    user.preferred_language = settings.LANGUAGE_CODE
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    _end_sessions(user.pk)
    # The visitor link too: it would lead from the nameless volunteer back to a named record.
    AdvisorProfile.objects.filter(user=user).update(name=ERASED_NAME, visitor=None)
    PathwayStep.objects.filter(advisor__user=user).exclude(note="").update(note="")
    PathwayOutcome.objects.filter(advisor__user=user).exclude(note="").update(note="")
    HoursEntry.objects.filter(user=user).exclude(description="").update(description="")

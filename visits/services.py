"""Writes of the front desk: visits, the queue, consented visitors, referrals, cases, outreach."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from kototori.messaging import message_enqueue, message_link
from kototori.models import Channel, Hub

from .models import (
    Case,
    CaseNote,
    Consent,
    OutreachSession,
    OutreachTopicCount,
    QueueEntry,
    Referral,
    Visit,
    VisitChannel,
    Visitor,
    VisitOutcome,
    new_link_key,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime

    from kototori.models import Language, PartnerOrganisation, PartnerService, Topic, User


class MergeError(ValueError):
    """Two records cannot be joined as asked; the message says why."""


class QueueMoveError(Exception):
    """The ticket is no longer in a state that allows this move (someone else was quicker)."""


# Visits


@transaction.atomic
def visit_log(
    *,
    hub: Hub,
    user: User | None,
    topics: Iterable[Topic],
    channel: str = VisitChannel.WALK_IN,
    language: Language | None = None,
    language_help: bool = False,
    outcome: str = VisitOutcome.ADVICE,
    note: str = "",
    visited_at: datetime | None = None,
    visitor: Visitor | None = None,
    idempotency_key: str | None = None,
    served_by: User | None = None,
) -> tuple[Visit, bool]:
    """Log one visit; returns ``(visit, created)``. A key already used returns that visit, so a
    double click or a resent form logs one visit."""
    if idempotency_key:
        existing = Visit.objects.filter(hub=hub, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    visit = Visit(
        hub=hub,
        visited_at=visited_at or timezone.now(),
        channel=channel,
        language=language,
        language_help=language_help,
        outcome=outcome,
        note=note,
        served_by=served_by or user,
        created_by=user,
        visitor=visitor,
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # Two requests with one key raced; the other one won.
        return Visit.objects.get(hub=hub, idempotency_key=idempotency_key), False
    visit.topics.set(topics)
    return visit, True


def visit_can_undo(*, visit: Visit, user: User) -> bool:
    window = timedelta(seconds=getattr(settings, "VISIT_UNDO_SECONDS", 120))
    return visit.created_by_id == user.pk and timezone.now() - visit.created_at <= window


@transaction.atomic
def visit_undo(*, visit: Visit, user: User) -> bool:
    """Take back a visit just logged by mistake. Only its author, only for a short while, and only
    while nothing hangs on it (a referral or a case)."""
    if not visit_can_undo(visit=visit, user=user):
        return False
    if visit.referrals.exists() or visit.cases.exists():
        return False
    QueueEntry.objects.filter(visit=visit).update(visit=None)
    visit.delete()
    return True


# The queue


@transaction.atomic
def queue_add(
    *,
    hub: Hub,
    source: str = QueueEntry.Source.DESK,
    language: Language | None = None,
    topics: Iterable[Topic] = (),
    first_name: str = "",
    idempotency_key: str | None = None,
) -> tuple[QueueEntry, bool]:
    """Give the next ticket number of the day in this hub; returns ``(entry, created)``."""
    # Lock the hub row: ticket numbers are handed out one at a time per hub.
    Hub.objects.select_for_update().filter(pk=hub.pk).first()
    if idempotency_key:
        existing = QueueEntry.objects.filter(hub=hub, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    today = timezone.localdate()
    last = QueueEntry.objects.filter(hub=hub, day=today).aggregate(last=Max("number"))["last"]
    entry = QueueEntry.objects.create(
        hub=hub,
        day=today,
        number=(last or 0) + 1,
        source=source,
        language=language,
        first_name=first_name.strip(),
        idempotency_key=idempotency_key or None,
    )
    entry.topics.set(topics)
    return entry, True


@transaction.atomic
def queue_call_next(*, hub: Hub, user: User) -> QueueEntry | None:
    """Call the longest-waiting ticket; two desks calling at once get two different tickets."""
    entry = (
        QueueEntry.objects.today(hub)
        .waiting()
        .order_by("number")
        .select_for_update(skip_locked=True)
        .first()
    )
    if entry is None:
        return None
    entry.status = QueueEntry.Status.CALLED
    entry.called_at = timezone.now()
    entry.served_by = user
    entry.save(update_fields=["status", "called_at", "served_by"])
    return entry


_MOVES = {
    QueueEntry.Status.CALLED: {QueueEntry.Status.WAITING},
    QueueEntry.Status.SERVING: {QueueEntry.Status.WAITING, QueueEntry.Status.CALLED},
    QueueEntry.Status.DONE: {QueueEntry.Status.CALLED, QueueEntry.Status.SERVING},
    QueueEntry.Status.LEFT: {QueueEntry.Status.WAITING, QueueEntry.Status.CALLED},
}


@transaction.atomic
def queue_entry_move(
    *, entry: QueueEntry, status: str, user: User, outcome: str | None = None
) -> QueueEntry:
    """Move a ticket on: called → being served → done, or left. Done and left log the visit."""
    entry = QueueEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in _MOVES.get(status, set()):
        raise QueueMoveError
    now = timezone.now()
    entry.status = status
    if status in (QueueEntry.Status.CALLED, QueueEntry.Status.SERVING):
        entry.called_at = entry.called_at or now
        entry.served_by = user
    if status == QueueEntry.Status.SERVING:
        entry.served_at = now
    if status == QueueEntry.Status.DONE:
        entry.served_at = entry.served_at or entry.called_at or now
        entry.done_at = now
    if status == QueueEntry.Status.LEFT:
        entry.left_at = now
    if status in (QueueEntry.Status.DONE, QueueEntry.Status.LEFT):
        visit, _created = visit_log(
            hub=entry.hub,
            user=entry.served_by or user,
            topics=entry.topics.all(),
            language=entry.language,
            outcome=VisitOutcome.LEFT
            if status == QueueEntry.Status.LEFT
            else (outcome or VisitOutcome.ADVICE),
            visited_at=entry.created_at,
            idempotency_key=f"queue-{entry.pk}",
        )
        entry.visit = visit
    entry.save()
    return entry


# Visitors and consent


@transaction.atomic
def visitor_create(
    *,
    hub: Hub,
    user: User,
    consent_scopes: Iterable[str],
    consent_language: str,
    languages: Iterable[Language] = (),
    visit: Visit | None = None,
    **fields,
) -> Visitor:
    """Record a visitor. Without consent to keep a record, there is no record."""
    scopes = set(consent_scopes)
    if Consent.Scope.RECORD not in scopes:
        raise ValueError("A visitor record needs the visitor's consent to keep it.")
    visitor = Visitor.objects.create(hub=hub, created_by=user, **fields)
    visitor.languages.set(languages)
    now = timezone.now()
    Consent.objects.bulk_create(
        Consent(
            visitor=visitor,
            scope=scope,
            given_at=now,
            recorded_by=user,
            language=consent_language,
        )
        for scope in Consent.Scope.values
        if scope in scopes
    )
    if visit is not None and visit.hub_id == hub.pk and visit.visitor_id is None:
        visit.visitor = visitor
        visit.save(update_fields=["visitor"])
    return visitor


@transaction.atomic
def visitor_update(
    *, visitor: Visitor, languages: Iterable[Language] | None = None, **fields
) -> Visitor:
    for name, value in fields.items():
        setattr(visitor, name, value)
    visitor.save()
    if languages is not None:
        visitor.languages.set(languages)
    return visitor


@transaction.atomic
def consent_give(*, visitor: Visitor, scope: str, language: str, by: User | None) -> Consent:
    """Record a consent the visitor gives now (again, after a withdrawal, or one they did not give
    when the record was made). Idempotent: an active consent of that scope is returned as it is.
    The visitor row is locked so that two desks recording at once make one consent."""
    Visitor.objects.select_for_update().filter(pk=visitor.pk).first()
    existing = visitor.consents.active().filter(scope=scope).first()
    if existing is not None:
        return existing
    return Consent.objects.create(visitor=visitor, scope=scope, language=language, recorded_by=by)


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User | None) -> list[Consent]:
    """Record that the visitor withdrew ``consent`` (GDPR art. 7(3)): from now on it allows nothing.

    Every active consent of the same scope goes (a merge may have left two). Withdrawing consent to
    keep the record withdraws every scope, since reminders and reports hang off the record; once
    all are withdrawn, the retention job erases the record after the hub's withdrawn_consent_days.
    Idempotent: what is already withdrawn keeps its time and who recorded it. Returns the consents
    withdrawn now (empty when there was nothing left to withdraw)."""
    rows = Consent.objects.active().filter(visitor_id=consent.visitor_id)
    if consent.scope != Consent.Scope.RECORD:
        rows = rows.filter(scope=consent.scope)
    # Locked, then updated only while still active: two desks pressing the button at once record
    # one withdrawal, at one time, by whoever came first.
    ids = list(rows.select_for_update().values_list("pk", flat=True))
    now = timezone.now()
    Consent.objects.filter(pk__in=ids, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=by
    )
    if consent.pk in ids:
        consent.withdrawn_at, consent.withdrawn_by = now, by
    return list(Consent.objects.filter(pk__in=ids).order_by("pk"))


def _merge_plan() -> list[tuple[str, object, str]]:
    """``(label, field or None, rule)`` for every relation to a visitor and every reference by id.
    Raises ``MergeError`` naming any relation without a rule, before anything is changed."""
    from kototori.rights.inventory import ID_REFERENCES, MERGE, visitor_relation_fields

    plan: list[tuple[str, object, str]] = [
        (label, field, MERGE.get(label)) for label, field in visitor_relation_fields()
    ]
    plan += [(label, None, MERGE.get(label)) for label in ID_REFERENCES]
    unknown = sorted(label for label, _field, rule in plan if rule is None)
    if unknown:
        raise MergeError(
            "No merge rule for " + ", ".join(unknown) + " (kototori/rights/inventory.py MERGE)."
        )
    return plan


def _merge_relation(field, rule: str, keep: Visitor, duplicate: Visitor) -> None:
    from kototori.rights.inventory import Merge

    if rule in (Merge.OWN, Merge.RECORD):
        return
    if field.many_to_many:
        if rule != Merge.UNION:
            raise MergeError(f"Unknown merge rule {rule!r} for {field}.")
        # The through table: move the duplicate's rows, skipping those the kept record has.
        through = field.remote_field.through
        own_side = (
            field.m2m_field_name() if field.model is Visitor else field.m2m_reverse_field_name()
        )
        other_side = (
            field.m2m_reverse_field_name() if field.model is Visitor else field.m2m_field_name()
        )
        others = through.objects.filter(**{own_side: duplicate}).values_list(
            f"{other_side}_id", flat=True
        )
        through.objects.bulk_create(
            [through(**{own_side: keep, f"{other_side}_id": pk}) for pk in others],
            ignore_conflicts=True,
        )
        through.objects.filter(**{own_side: duplicate}).delete()
        return
    if rule != Merge.MOVE:
        raise MergeError(f"Unknown merge rule {rule!r}.")
    rows = field.model._base_manager.filter(**{field.name: duplicate})
    if (
        field.one_to_one
        and rows.exists()
        and field.model._base_manager.filter(**{field.name: keep}).exists()
    ):
        raise MergeError(
            gettext(
                "Both records have a %(thing)s: decide which is right and remove the other"
                " before merging."
            )
            % {"thing": field.model._meta.verbose_name}
        )
    rows.update(**{field.name: keep})


def _merge_id_reference(label: str, rule: str, keep: Visitor, duplicate: Visitor) -> None:
    from kototori.rights.inventory import ID_REFERENCES, Merge

    if rule == Merge.RECORD:
        return
    app_model, id_field = label.rsplit(".", 1)
    model = apps.get_model(app_model)
    type_field = ID_REFERENCES[label].type_field
    model._base_manager.filter(
        **{type_field: Visitor._meta.label_lower, id_field: duplicate.pk}
    ).update(**{id_field: keep.pk})


@transaction.atomic
def visitor_merge(*, keep: Visitor, duplicate: Visitor, by: User | None = None) -> Visitor:
    """Fold a duplicate record into ``keep``: everything that points at the duplicate, found by
    walking the models (``kototori.rights.inventory``), moves to ``keep`` by the relation's rule;
    empty fields are filled from it; the merge is recorded (``rights.VisitorMerge``) and the
    duplicate deleted. The access log is not rewritten: its rows keep the duplicate's number and the
    record of the merge ties them to ``keep``.

    All or nothing: a relation without a merge rule stops the merge before anything moves
    (``MergeError``), as does a one-to-one relation both records have."""
    from kototori.rights.models import VisitorMerge

    if keep.pk == duplicate.pk or keep.hub_id != duplicate.hub_id:
        raise MergeError(gettext("Only two different records of the same hub can be merged."))
    plan = _merge_plan()
    # Both rows locked, in one order: two desks merging the same pair can't interleave.
    locked = {
        v.pk: v
        for v in Visitor.objects.select_for_update()
        .filter(pk__in=[keep.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise MergeError(gettext("One of the records no longer exists."))
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    for label, field, rule in plan:
        if field is None:
            _merge_id_reference(label, rule, keep, duplicate)
        else:
            _merge_relation(field, rule, keep, duplicate)
    for name in (
        "phone",
        "email",
        "birth_year",
        "gender",
        "residence_status",
        "arrival_year",
        "municipality",
    ):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    keep.save()
    VisitorMerge.objects.create(
        into=keep, merged_id=duplicate.pk, merged_created_at=duplicate.created_at, by=by
    )
    duplicate.delete()
    return keep


# Referrals

REFERRAL_SALT = "visits.referral"


class ReferralLinkRevoked(signing.BadSignature):
    """A genuine link the hub has since withdrawn: revoked, or replaced by a newer one."""


class ReferralLinkClosed(signing.BadSignature):
    """A genuine, current link to a referral that is closed: the link has done its job."""

    def __init__(self, referral: Referral) -> None:
        super().__init__("referral closed")
        self.referral = referral


def referral_token(referral: Referral) -> str:
    return signing.dumps({"r": referral.pk, "k": referral.link_key}, salt=REFERRAL_SALT)


def referral_from_token(token: str) -> Referral:
    """The referral a partner's link points at. Raises ``signing.SignatureExpired`` for an old link,
    ``signing.BadSignature`` for a tampered one, and its subclasses ``ReferralLinkRevoked`` for a
    link the hub withdrew and ``ReferralLinkClosed`` once the referral is closed.

    Only we can sign a token, so a valid signature with a key that is no longer the referral's is
    a link we issued and later replaced, not a guess."""
    max_age = timedelta(days=getattr(settings, "REFERRAL_LINK_MAX_AGE_DAYS", 60))
    data = signing.loads(token, salt=REFERRAL_SALT, max_age=max_age)
    referral = (
        Referral.objects.select_related("hub", "partner", "service", "language", "visitor")
        .filter(pk=data.get("r"))
        .first()
    )
    if referral is None:
        raise signing.BadSignature("unknown referral")
    if not constant_time_compare(referral.link_key, str(data.get("k", ""))):
        raise ReferralLinkRevoked("link revoked")
    if referral.is_closed:
        raise ReferralLinkClosed(referral)
    return referral


def referral_link(referral: Referral, *, language: str) -> str:
    """The partner's link as a message carries it: in the message's language."""
    return message_link(
        reverse("visits:partner_referral", args=[referral_token(referral)]), language=language
    )


def _referral_notify(referral: Referral, *, key: str, renewed: bool = False) -> None:
    """E-mail the partner its link to the referral, once per ``key``. Partners read Finnish,
    Swedish or English; the message is in the deployment's language."""
    if not referral.partner.email:
        return
    lang = settings.LANGUAGE_CODE
    with translation.override(lang):
        body = render_to_string(
            "visits/email/referral_sent.txt",
            {
                "referral": referral,
                "link": referral_link(referral, language=lang),
                "hub": referral.hub,
                "renewed": renewed,
            },
        )
        subject = translation.gettext("A referral from %(hub)s") % {"hub": referral.hub.name}
    message_enqueue(
        key=key,
        channel=Channel.EMAIL,
        to=referral.partner.email,
        body=body,
        subject=subject,
        language=lang,
        hub=referral.hub,
    )


@transaction.atomic
def referral_create(
    *,
    hub: Hub,
    user: User,
    partner: PartnerOrganisation,
    service: PartnerService | None = None,
    topics: Iterable[Topic] = (),
    language: Language | None = None,
    note: str = "",
    visit: Visit | None = None,
    visitor: Visitor | None = None,
    case: Case | None = None,
    notify_partner: bool = True,
) -> Referral:
    referral = Referral.objects.create(
        hub=hub,
        partner=partner,
        service=service,
        language=language,
        note=note,
        visit=visit,
        visitor=visitor,
        case=case,
        created_by=user,
    )
    referral.topics.set(topics)
    if case is not None:
        # The case's timeline says where the client was sent, and it counts as activity on the
        # case (no stale-claim reminder the day after).
        label = f"{partner.name}: {service.name}" if service else partner.name
        CaseNote.objects.create(case=case, author=user, kind=CaseNote.Kind.REFERRED, text=label)
        Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    if visit is not None and visit.outcome == VisitOutcome.ADVICE:
        visit.outcome = VisitOutcome.REFERRED
        visit.save(update_fields=["outcome"])
    if notify_partner:
        _referral_notify(referral, key=f"referral-sent:{referral.pk}")
    return referral


@transaction.atomic
def referral_link_revoke(*, referral: Referral, user: User) -> Referral:
    """Withdraw the partner's link at once: a new key invalidates every link made so far, and the
    referral records when and by whom. Revoking a revoked link changes nothing."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.link_revoked_at is None:
        referral.link_key = new_link_key()
        referral.link_revoked_at = timezone.now()
        referral.link_revoked_by = user
        referral.save(update_fields=["link_key", "link_revoked_at", "link_revoked_by"])
    return referral


@transaction.atomic
def referral_link_renew(*, referral: Referral, user: User) -> Referral:
    """Issue a new link in place of a revoked one; the partner gets it by e-mail when it has an
    address. Only a revoked link is renewed, so a double-click issues (and sends) one link."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("hub", "partner", "service")
        .get(pk=referral.pk)
    )
    revoked_at = referral.link_revoked_at
    if revoked_at is None:
        return referral
    referral.link_key = new_link_key()
    referral.link_revoked_at = None
    referral.link_revoked_by = None
    referral.save(update_fields=["link_key", "link_revoked_at", "link_revoked_by"])
    # Keyed by the revocation it ends (the link key itself is a secret and stays out of the outbox).
    _referral_notify(
        referral, key=f"referral-link:{referral.pk}:{revoked_at.timestamp():.6f}", renewed=True
    )
    return referral


@transaction.atomic
def referral_update(
    *, referral: Referral, status: str, feedback: str | None = None, by_partner: bool = False
) -> Referral:
    now = timezone.now()
    referral.status = status
    if status == Referral.Status.ACCEPTED:
        referral.accepted_at = referral.accepted_at or now
    if status in (Referral.Status.COMPLETED, Referral.Status.NO_SHOW):
        referral.accepted_at = referral.accepted_at or (
            now if status == Referral.Status.COMPLETED else None
        )
        referral.closed_at = now
    else:
        referral.closed_at = None
    if feedback is not None:
        referral.partner_feedback = feedback
    if by_partner:
        referral.updated_by_partner_at = now
    referral.save()
    return referral


# Cases


@transaction.atomic
def case_open(
    *,
    hub: Hub,
    user: User,
    topics: Iterable[Topic],
    summary: str,
    languages: Iterable[Language] = (),
    urgency: str = "normal",
    next_follow_up: date | None = None,
    visit: Visit | None = None,
    visitor: Visitor | None = None,
) -> Case:
    """Open a follow-up case; it waits in the hub's pool (status OPEN) until an advisor claims it."""
    case = Case.objects.create(
        hub=hub,
        summary=summary,
        urgency=urgency,
        next_follow_up=next_follow_up,
        opened_by=user,
        visit=visit,
        visitor=visitor or (visit.visitor if visit else None),
    )
    case.topics.set(topics)
    case.languages.set(languages)
    CaseNote.objects.create(case=case, author=user, kind=CaseNote.Kind.OPENED)
    if visit is not None and visit.outcome != VisitOutcome.CASE:
        visit.outcome = VisitOutcome.CASE
        visit.save(update_fields=["outcome"])
    return case


# Outreach


@transaction.atomic
def outreach_log(
    *,
    hub: Hub,
    user: User,
    place_kind: str,
    place: str,
    date: date,
    head_count: int,
    counts: dict[Topic, int],
    staff: Iterable[User] = (),
    partner: PartnerOrganisation | None = None,
    note: str = "",
) -> OutreachSession:
    session = OutreachSession.objects.create(
        hub=hub,
        place_kind=place_kind,
        place=place,
        partner=partner,
        date=date,
        head_count=head_count,
        note=note,
        created_by=user,
    )
    session.staff.set(staff)
    OutreachTopicCount.objects.bulk_create(
        OutreachTopicCount(session=session, topic=topic, count=count)
        for topic, count in counts.items()
        if count
    )
    return session


# The kiosk


@transaction.atomic
def hub_kiosk_update(*, hub: Hub, enabled: bool | None = None, rotate: bool = False) -> Hub:
    if enabled is not None and hub.kiosk_enabled != enabled:
        hub.kiosk_enabled = enabled
        hub.save(update_fields=["kiosk_enabled"])
    if rotate:
        hub.rotate_kiosk_token()
    return hub


def display_token(hub: Hub) -> str:
    """The lobby screen's secret: derived from the kiosk token, so rotating one rotates both."""
    return salted_hmac("visits.display", hub.kiosk_token).hexdigest()[:32]


def hub_for_display_token(token: str) -> Hub | None:
    for hub in Hub.objects.filter(is_active=True):
        if constant_time_compare(display_token(hub), token):
            return hub
    return None


def queue_forget_names() -> int:
    """A first name typed at the kiosk is for calling the person today, not for keeping: blank it
    once the day is over. Returns how many tickets were cleaned."""
    return (
        QueueEntry.objects.filter(day__lt=timezone.localdate())
        .exclude(first_name="")
        .update(first_name="")
    )


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    topics: Iterable[Topic],
    channel: str,
    language: Language | None,
    language_help: bool,
    outcome: str,
    note: str,
    served_by: User | None,
    visited_at: datetime | None = None,
) -> Visit:
    """Correct a visit logged with a mistake (after the undo window)."""
    visit.channel = channel
    visit.language = language
    visit.language_help = language_help
    visit.outcome = outcome
    visit.note = note
    visit.served_by = served_by or visit.served_by
    if visited_at is not None:
        visit.visited_at = visited_at
    visit.save()
    visit.topics.set(topics)
    return visit

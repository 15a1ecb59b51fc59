"""Writes for the case pool, the advisor pathway, trainings, shifts, hours and assignments.

Cases live in ``visits.Case``; every move on a case writes a ``CaseNote`` so the timeline tells the
whole story. Messages go through the outbox with keys that name the occasion, so jobs can rerun.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kototori.messaging import message_enqueue
from kototori.models import Channel, Membership, Role
from visits.models import Case, CaseNote

from .models import (
    AdvisorLanguage,
    AdvisorProfile,
    Assignment,
    AssignmentOffer,
    ExpertProfile,
    HoursEntry,
    LanguageLevel,
    PathwayOutcome,
    PathwayStep,
    Shift,
    ShiftSignup,
    Stage,
    Training,
    TrainingCompletion,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kototori.models import Hub, Language, Topic, User
    from visits.models import Visitor


class CaseError(Exception):
    """A move on a case that is not allowed now; the message is shown to the person."""


def _ts(moment: datetime | None) -> str:
    return str(int(moment.timestamp())) if moment else "0"


def _notify(
    *, user: User, key: str, subject: str, body: str, hub: Hub | None, path: str = ""
) -> None:
    """Queue one e-mail to a staff user, already rendered in their language by the caller."""
    if not user.email:
        return
    if path:
        body = f"{body}\n\n{settings.SITE_URL}{path}"
    message_enqueue(
        key=key,
        channel=Channel.EMAIL,
        to=user.email,
        subject=subject,
        body=body,
        language=user.preferred_language,
        hub=hub,
    )


def hub_professionals(hub: Hub | int) -> list[User]:
    from kototori.models import User

    return list(
        User.objects.filter(
            memberships__hub=hub,
            memberships__role=Role.PROFESSIONAL,
            memberships__is_active=True,
            is_active=True,
        ).distinct()
    )


def _is_supervisor(user: User, hub_id: int) -> bool:
    from kototori.access import Perm, roles_with

    return (
        Membership.objects.active()
        .filter(user=user, hub_id=hub_id, role__in=roles_with(Perm.CASE_SUPERVISE))
        .exists()
    )


def _can_take_cases(user: User, hub_id: int) -> bool:
    from kototori.access import Perm, roles_with

    return (
        Membership.objects.active()
        .filter(user=user, hub_id=hub_id, role__in=roles_with(Perm.CASE_POOL))
        .exists()
    )


# The case pool


@transaction.atomic
def case_claim(*, case_id: int, advisor: User) -> Case:
    """Take a case from the pool. Atomic: of two advisors claiming at once exactly one wins, because
    the conditional UPDATE matches the row only while it is still open."""
    now = timezone.now()
    won = Case.objects.filter(pk=case_id, status=Case.Status.OPEN).update(
        status=Case.Status.CLAIMED,
        claimed_by=advisor,
        claimed_at=now,
        last_activity_at=now,
    )
    if not won:
        raise CaseError(_("Someone else claimed this case a moment ago. Pick another one."))
    Case.objects.filter(pk=case_id, first_claimed_at__isnull=True).update(first_claimed_at=now)
    CaseNote.objects.create(case_id=case_id, author=advisor, kind=CaseNote.Kind.CLAIMED)
    return Case.objects.get(pk=case_id)


def _held(case: Case, user: User) -> None:
    if case.status == Case.Status.CLOSED:
        raise CaseError(_("This case is closed."))
    if case.claimed_by_id != user.pk and not _is_supervisor(user, case.hub_id):
        raise CaseError(_("Only the advisor holding this case can do that."))


@transaction.atomic
def case_release(*, case: Case, by: User, text: str = "") -> Case:
    """Give the case back to the pool. An escalated case stays with the professionals until they
    hand it back."""
    _held(case, by)
    if case.status == Case.Status.ESCALATED and not _is_supervisor(by, case.hub_id):
        raise CaseError(
            _("An escalated case waits for a professional; it can't go back to the pool.")
        )
    now = timezone.now()
    updated = (
        Case.objects.filter(pk=case.pk, claimed_by=case.claimed_by_id)
        .exclude(status=Case.Status.CLOSED)
        .update(status=Case.Status.OPEN, claimed_by=None, claimed_at=None, last_activity_at=now)
    )
    if not updated:
        raise CaseError(_("The case changed meanwhile. Reload the page."))
    CaseNote.objects.create(case=case, author=by, kind=CaseNote.Kind.RELEASED, text=text)
    case.refresh_from_db()
    return case


@transaction.atomic
def case_transfer(*, case: Case, by: User, to: User, text: str = "") -> Case:
    _held(case, by)
    if not _can_take_cases(to, case.hub_id):
        raise CaseError(_("That person can't take cases in this hub."))
    now = timezone.now()
    status = case.status if case.status == Case.Status.ESCALATED else Case.Status.CLAIMED
    Case.objects.filter(pk=case.pk).update(
        status=status, claimed_by=to, claimed_at=now, last_activity_at=now
    )
    Case.objects.filter(pk=case.pk, first_claimed_at__isnull=True).update(first_claimed_at=now)
    note = CaseNote.objects.create(
        case=case,
        author=by,
        kind=CaseNote.Kind.TRANSFERRED,
        text=text or _("To %(name)s") % {"name": to.get_full_name()},
    )
    with translation.override(to.preferred_language):
        _notify(
            user=to,
            key=f"case-transfer:{case.pk}:{note.pk}",
            subject=_("A case was transferred to you"),
            body=_("%(case)s in %(hub)s is now yours.") % {"case": case, "hub": case.hub.name},
            hub=case.hub,
            path=reverse("advisors:case", kwargs={"hub": case.hub.slug, "pk": case.pk}),
        )
    case.refresh_from_db()
    return case


@transaction.atomic
def case_note_add(
    *, case: Case, author: User, text: str, next_follow_up: date | None = None
) -> CaseNote:
    _held(case, author)
    note = CaseNote.objects.create(case=case, author=author, kind=CaseNote.Kind.NOTE, text=text)
    fields = {"last_activity_at": timezone.now()}
    if next_follow_up is not None:
        fields["next_follow_up"] = next_follow_up
    Case.objects.filter(pk=case.pk).update(**fields)
    return note


@transaction.atomic
def case_follow_up_set(*, case: Case, by: User, on: date | None) -> Case:
    _held(case, by)
    Case.objects.filter(pk=case.pk).update(next_follow_up=on, last_activity_at=timezone.now())
    case.refresh_from_db()
    return case


@transaction.atomic
def case_escalate(*, case: Case, by: User, reason: str) -> Case:
    """Hand the case to the hub's professionals; each of them is told once."""
    _held(case, by)
    if case.status == Case.Status.ESCALATED:
        raise CaseError(_("This case is already escalated."))
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.ESCALATED,
        escalated_at=now,
        escalation_reason=reason,
        last_activity_at=now,
    )
    CaseNote.objects.create(case=case, author=by, kind=CaseNote.Kind.ESCALATED, text=reason)
    case.refresh_from_db()
    path = reverse("advisors:case", kwargs={"hub": case.hub.slug, "pk": case.pk})
    for professional in hub_professionals(case.hub_id):
        if professional.pk == by.pk:
            continue
        with translation.override(professional.preferred_language):
            _notify(
                user=professional,
                key=f"case-escalated:{case.pk}:{_ts(now)}:{professional.pk}",
                subject=_("A case was escalated to you"),
                body=_("%(case)s in %(hub)s needs a professional. Reason: %(reason)s")
                % {"case": case, "hub": case.hub.name, "reason": reason},
                hub=case.hub,
                path=path,
            )
    return case


@transaction.atomic
def case_deescalate(*, case: Case, by: User, text: str = "") -> Case:
    """A professional hands an escalated case back to the advisor who holds it."""
    if not _is_supervisor(by, case.hub_id):
        raise CaseError(_("Only a professional can hand an escalated case back."))
    if case.status != Case.Status.ESCALATED:
        raise CaseError(_("This case is not escalated."))
    status = Case.Status.CLAIMED if case.claimed_by_id else Case.Status.OPEN
    Case.objects.filter(pk=case.pk).update(status=status, last_activity_at=timezone.now())
    CaseNote.objects.create(
        case=case, author=by, kind=CaseNote.Kind.NOTE, text=text or _("Handed back to the advisor.")
    )
    case.refresh_from_db()
    if case.claimed_by is not None:
        holder = case.claimed_by
        with translation.override(holder.preferred_language):
            _notify(
                user=holder,
                key=f"case-deescalated:{case.pk}:{_ts(case.escalated_at)}",
                subject=_("A professional handed a case back to you"),
                body=_("%(case)s is yours to continue. %(text)s") % {"case": case, "text": text},
                hub=case.hub,
                path=reverse("advisors:case", kwargs={"hub": case.hub.slug, "pk": case.pk}),
            )
    return case


@transaction.atomic
def case_close(*, case: Case, by: User, outcome: str, text: str = "") -> Case:
    """Close with an outcome. A case whose topics need a professional, or that was escalated, can
    only be closed by a professional."""
    _held(case, by)
    if not _is_supervisor(by, case.hub_id) and (
        case.needs_professional or case.status == Case.Status.ESCALATED
    ):
        raise CaseError(_("This case needs a professional: escalate it instead of closing it."))
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED,
        closed_at=now,
        closed_by=by,
        outcome=outcome,
        next_follow_up=None,
        last_activity_at=now,
    )
    CaseNote.objects.create(case=case, author=by, kind=CaseNote.Kind.CLOSED, text=text)
    case.refresh_from_db()
    return case


def stale_claims_process(*, now: datetime | None = None) -> dict[str, int]:
    """Remind advisors of quiet claims, and return very quiet ones to the pool (telling the
    supervisor). Rerunning sends nothing twice: message keys include the claim's timestamp, and the
    return is a conditional UPDATE."""
    now = now or timezone.now()
    remind_after = timedelta(days=settings.STALE_CLAIM_REMIND_DAYS)
    return_after = timedelta(days=settings.STALE_CLAIM_RETURN_DAYS)
    reminded = returned = 0
    quiet = (
        Case.objects.filter(status=Case.Status.CLAIMED, last_activity_at__lte=now - remind_after)
        .select_related("hub", "claimed_by", "claimed_by__advisor_profile__supervisor")
        .order_by("pk")
    )
    for case in quiet:
        advisor = case.claimed_by
        if advisor is None:
            continue
        with transaction.atomic():
            if case.last_activity_at <= now - return_after:
                returned += _stale_return(case=case, advisor=advisor, now=now)
            else:
                days = (now - case.last_activity_at).days
                with translation.override(advisor.preferred_language):
                    _notify(
                        user=advisor,
                        key=f"stale-remind:{case.pk}:{_ts(case.claimed_at)}",
                        subject=_("A case you hold is waiting for you"),
                        body=ngettext(
                            "%(case)s has had no activity for %(days)s day. Add a note, or release "
                            "it so that someone else can help.",
                            "%(case)s has had no activity for %(days)s days. Add a note, or release "
                            "it so that someone else can help.",
                            days,
                        )
                        % {"case": case, "days": days},
                        hub=case.hub,
                        path=reverse("advisors:case", kwargs={"hub": case.hub.slug, "pk": case.pk}),
                    )
                reminded += 1
    return {"reminded": reminded, "returned": returned}


def _stale_return(*, case: Case, advisor: User, now: datetime) -> int:
    updated = Case.objects.filter(
        pk=case.pk,
        status=Case.Status.CLAIMED,
        claimed_by=advisor,
        last_activity_at=case.last_activity_at,
    ).update(status=Case.Status.OPEN, claimed_by=None, claimed_at=None, last_activity_at=now)
    if not updated:
        return 0
    CaseNote.objects.create(case=case, kind=CaseNote.Kind.RETURNED)
    profile = getattr(advisor, "advisor_profile", None)
    supervisors = (
        [profile.supervisor] if profile and profile.supervisor else hub_professionals(case.hub_id)
    )
    for supervisor in supervisors:
        with translation.override(supervisor.preferred_language):
            _notify(
                user=supervisor,
                key=f"stale-return:{case.pk}:{_ts(case.claimed_at)}:{supervisor.pk}",
                subject=_("A quiet case went back to the pool"),
                body=_("%(case)s held by %(advisor)s had no activity and is back in the pool.")
                % {"case": case, "advisor": advisor.get_full_name()},
                hub=case.hub,
            )
    with translation.override(advisor.preferred_language):
        _notify(
            user=advisor,
            key=f"stale-returned:{case.pk}:{_ts(case.claimed_at)}",
            subject=_("A case went back to the pool"),
            body=_("%(case)s had no activity, so it is back in the pool for others.")
            % {"case": case},
            hub=case.hub,
        )
    return 1


def follow_up_reminders_send(*, today: date | None = None) -> int:
    """On a case's follow-up day, remind whoever holds it; once per case and date."""
    today = today or timezone.localdate()
    due = (
        Case.objects.filter(next_follow_up=today, claimed_by__isnull=False)
        .exclude(status=Case.Status.CLOSED)
        .select_related("hub", "claimed_by")
    )
    sent = 0
    for case in due:
        holder = case.claimed_by
        with translation.override(holder.preferred_language):
            _notify(
                user=holder,
                key=f"follow-up:{case.pk}:{today.isoformat()}",
                subject=_("A follow-up is due today"),
                body=_("Today is the follow-up day of %(case)s: %(summary)s")
                % {"case": case, "summary": case.summary},
                hub=case.hub,
                path=reverse("advisors:case", kwargs={"hub": case.hub.slug, "pk": case.pk}),
            )
        sent += 1
    return sent


# Advisors and the pathway


@transaction.atomic
def advisor_create(
    *,
    hub: Hub,
    name: str,
    by: User,
    user: User | None = None,
    supervisor: User | None = None,
    topics: Iterable[Topic] = (),
    languages: Iterable[tuple[Language, str]] = (),
    note: str = "",
) -> AdvisorProfile:
    profile = AdvisorProfile.objects.create(name=name, user=user, supervisor=supervisor)
    profile.hubs.add(hub)
    profile.topics.set(topics)
    AdvisorLanguage.objects.bulk_create(
        [AdvisorLanguage(advisor=profile, language=lang, level=level) for lang, level in languages]
    )
    PathwayStep.objects.create(advisor=profile, stage=profile.stage, by=by, note=note)
    return profile


@transaction.atomic
def advisor_from_visitor(
    *, visitor: Visitor, by: User, name: str, note: str = ""
) -> AdvisorProfile:
    """Turn a consented visitor record into a volunteer candidate; the visitor agreed to it, and who
    recorded the agreement and when is kept. One candidacy per visitor."""
    existing = AdvisorProfile.objects.filter(visitor=visitor).first()
    if existing is not None:
        return existing
    profile = advisor_create(
        hub=visitor.hub,
        name=name,
        by=by,
        languages=[(lang, LanguageLevel.FLUENT) for lang in visitor.languages.all()],
        note=note or _("From visitor record #%(number)s") % {"number": visitor.pk},
    )
    AdvisorProfile.objects.filter(pk=profile.pk).update(
        visitor=visitor, candidate_consent_at=timezone.now(), candidate_consent_by=by
    )
    profile.refresh_from_db()
    return profile


@transaction.atomic
def advisor_move(
    *, advisor: AdvisorProfile, stage: str, by: User, on: date, note: str = ""
) -> PathwayStep:
    """Move along the pathway (any direction: people pause and come back)."""
    step = PathwayStep.objects.create(
        advisor=advisor, from_stage=advisor.stage, stage=stage, on=on, by=by, note=note
    )
    AdvisorProfile.objects.filter(pk=advisor.pk).update(stage=stage, stage_since=on)
    advisor.stage, advisor.stage_since = stage, on
    return step


@transaction.atomic
def advisor_update(
    *,
    advisor: AdvisorProfile,
    supervisor: User | None,
    topics: Iterable[Topic],
    languages: Iterable[tuple[Language, str]],
) -> AdvisorProfile:
    advisor.supervisor = supervisor
    advisor.save(update_fields=["supervisor"])
    advisor.topics.set(topics)
    advisor.languages.all().delete()
    AdvisorLanguage.objects.bulk_create(
        [AdvisorLanguage(advisor=advisor, language=lang, level=level) for lang, level in languages]
    )
    return advisor


@transaction.atomic
def pathway_outcome_record(
    *,
    advisor: AdvisorProfile,
    kind: str,
    started_on: date,
    ended_on: date | None,
    note: str,
    by: User,
) -> PathwayOutcome:
    return PathwayOutcome.objects.create(
        advisor=advisor,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        note=note,
        recorded_by=by,
    )


# Trainings


@transaction.atomic
def training_completion_record(
    *, user: User, training: Training, completed_on: date, event_id: int | None = None, session=None
) -> tuple[TrainingCompletion, bool]:
    """Record that ``user`` completed ``training`` on ``completed_on``. Idempotent: one completion
    per person, training and date; returns ``(completion, created)``. Events call this when an
    attendee of a training event is checked in."""
    try:
        with transaction.atomic():
            return TrainingCompletion.objects.get_or_create(
                user=user,
                training=training,
                completed_on=completed_on,
                defaults={"event_id": event_id, "session": session},
            )
    except IntegrityError:  # a concurrent call recorded it first
        return (
            TrainingCompletion.objects.get(user=user, training=training, completed_on=completed_on),
            False,
        )


# Shifts and hours


class ShiftError(Exception):
    pass


@transaction.atomic
def shift_signup(*, shift: Shift, user: User) -> ShiftSignup:
    # Lock the shift row so two last-minute sign-ups can't both take the last place.
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.starts_at <= timezone.now():
        raise ShiftError(_("This shift has already started."))
    existing = ShiftSignup.objects.filter(shift=shift, user=user).first()
    if existing:
        return existing
    if shift.signups.count() >= shift.capacity:
        raise ShiftError(_("This shift is full."))
    return ShiftSignup.objects.create(shift=shift, user=user)


@transaction.atomic
def shift_cancel(*, shift: Shift, user: User) -> None:
    if shift.starts_at <= timezone.now():
        raise ShiftError(_("This shift has already started."))
    ShiftSignup.objects.filter(shift=shift, user=user).delete()


@transaction.atomic
def hours_log(*, user: User, hub: Hub, on: date, hours: Decimal, description: str) -> HoursEntry:
    return HoursEntry.objects.create(
        user=user, hub=hub, on=on, hours=hours, description=description
    )


def shift_reminders_send(
    *, now: datetime | None = None, within: timedelta = timedelta(hours=24)
) -> int:
    now = now or timezone.now()
    signups = ShiftSignup.objects.filter(
        shift__starts_at__gt=now, shift__starts_at__lte=now + within
    ).select_related("shift__hub", "user")
    sent = 0
    for signup in signups:
        shift, user = signup.shift, signup.user
        with translation.override(user.preferred_language):
            _notify(
                user=user,
                key=f"shift-remind:{signup.pk}:{_ts(shift.starts_at)}",
                subject=_("Your shift is coming up"),
                body=_("%(shift)s at %(hub)s starts %(when)s.")
                % {
                    "shift": shift.title,
                    "hub": shift.hub.name,
                    "when": formats.date_format(
                        timezone.localtime(shift.starts_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
                hub=shift.hub,
            )
        sent += 1
    return sent


# Experience experts and assignments


class AssignmentError(Exception):
    pass


@transaction.atomic
def expert_profile_create(
    *,
    hub: Hub,
    user: User,
    cohort: str = "",
    graduated_on: date | None = None,
    languages: Iterable[Language] = (),
    themes: Iterable[Topic] = (),
) -> ExpertProfile:
    profile = ExpertProfile.objects.create(user=user, cohort=cohort, graduated_on=graduated_on)
    profile.hubs.add(hub)
    profile.languages.set(languages)
    profile.themes.set(themes)
    return profile


def matching_experts(assignment: Assignment) -> list[User]:
    """Experts of the hub who speak the assignment's language and share a theme (any theme when the
    assignment names none)."""
    experts = ExpertProfile.objects.filter(
        hubs=assignment.hub,
        languages=assignment.language,
        user__is_active=True,
        user__memberships__hub=assignment.hub,
        user__memberships__role=Role.EXPERT,
        user__memberships__is_active=True,
    )
    themes = list(assignment.themes.all())
    if themes:
        experts = experts.filter(themes__in=themes)
    return [p.user for p in experts.select_related("user").distinct()]


@transaction.atomic
def assignment_create(*, hub: Hub, by: User, themes: Iterable[Topic] = (), **fields) -> Assignment:
    assignment = Assignment.objects.create(hub=hub, created_by=by, **fields)
    assignment.themes.set(themes)
    return assignment


def _assignment_facts(assignment: Assignment) -> dict[str, str]:
    """What every message about an assignment says: what, when and where."""
    return {
        "title": assignment.title,
        # In the language the caller activated (the recipient's): 5.10.2026 14.30 in Finnish.
        "when": formats.date_format(
            timezone.localtime(assignment.starts_at), "SHORT_DATETIME_FORMAT"
        ),
        "place": assignment.place,
    }


@transaction.atomic
def assignment_offer(*, assignment: Assignment, by: User) -> list[AssignmentOffer]:
    """Offer to every matching expert not yet asked; each is told once."""
    if assignment.status not in (Assignment.Status.REQUESTED, Assignment.Status.OFFERED):
        raise AssignmentError(_("This assignment can no longer be offered."))
    offers = []
    for expert in matching_experts(assignment):
        offer, created = AssignmentOffer.objects.get_or_create(assignment=assignment, expert=expert)
        if not created:
            continue
        offers.append(offer)
        with translation.override(expert.preferred_language):
            _notify(
                user=expert,
                key=f"assignment-offer:{offer.pk}",
                subject=_("A speaking assignment for you"),
                body=_("%(title)s, %(when)s, %(place)s. Accept or decline in Kototori.")
                % _assignment_facts(assignment),
                hub=assignment.hub,
                path=reverse("advisors:expert_home", kwargs={"hub": assignment.hub.slug}),
            )
    Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.REQUESTED).update(
        status=Assignment.Status.OFFERED
    )
    assignment.refresh_from_db()
    return offers


@transaction.atomic
def assignment_respond(*, offer: AssignmentOffer, accept: bool) -> AssignmentOffer:
    """An expert answers. The first to accept takes the assignment (a conditional UPDATE)."""
    if offer.response != AssignmentOffer.Response.PENDING:
        raise AssignmentError(_("You have already answered."))
    now = timezone.now()
    if accept:
        taken = Assignment.objects.filter(
            pk=offer.assignment_id, status=Assignment.Status.OFFERED, expert__isnull=True
        ).update(expert=offer.expert)
        if not taken:
            AssignmentOffer.objects.filter(pk=offer.pk).update(
                response=AssignmentOffer.Response.WITHDRAWN, responded_at=now
            )
            raise AssignmentError(_("Another expert already took this assignment. Thank you!"))
        AssignmentOffer.objects.filter(assignment_id=offer.assignment_id).exclude(
            pk=offer.pk
        ).filter(response=AssignmentOffer.Response.PENDING).update(
            response=AssignmentOffer.Response.WITHDRAWN
        )
    offer.response = (
        AssignmentOffer.Response.ACCEPTED if accept else AssignmentOffer.Response.DECLINED
    )
    offer.responded_at = now
    offer.save(update_fields=["response", "responded_at"])
    return offer


@transaction.atomic
def assignment_confirm(*, assignment: Assignment) -> Assignment:
    if assignment.expert_id is None or assignment.status != Assignment.Status.OFFERED:
        raise AssignmentError(_("An expert must accept before the assignment can be confirmed."))
    assignment.status = Assignment.Status.CONFIRMED
    assignment.save(update_fields=["status"])
    expert = assignment.expert
    with translation.override(expert.preferred_language):
        _notify(
            user=expert,
            key=f"assignment-confirmed:{assignment.pk}",
            subject=_("Your assignment is confirmed"),
            body=_("%(title)s, %(when)s, %(place)s is confirmed.") % _assignment_facts(assignment),
            hub=assignment.hub,
        )
    return assignment


@transaction.atomic
def assignment_complete(
    *, assignment: Assignment, audience_size: int, hours: Decimal
) -> Assignment:
    if assignment.status != Assignment.Status.CONFIRMED:
        raise AssignmentError(_("Only a confirmed assignment can be marked done."))
    if assignment.starts_at > timezone.now():
        raise AssignmentError(_("The assignment can be marked done once it has taken place."))
    assignment.status = Assignment.Status.DONE
    assignment.audience_size = audience_size
    assignment.hours = hours
    assignment.save(update_fields=["status", "audience_size", "hours"])
    return assignment


@transaction.atomic
def assignment_cancel(*, assignment: Assignment) -> Assignment:
    if assignment.status == Assignment.Status.DONE:
        raise AssignmentError(_("A done assignment can't be cancelled."))
    assignment.status = Assignment.Status.CANCELLED
    assignment.save(update_fields=["status"])
    return assignment


def assignment_reminders_send(
    *, now: datetime | None = None, within: timedelta = timedelta(hours=48)
) -> int:
    now = now or timezone.now()
    due = Assignment.objects.filter(
        status=Assignment.Status.CONFIRMED,
        expert__isnull=False,
        starts_at__gt=now,
        starts_at__lte=now + within,
    ).select_related("hub", "expert")
    sent = 0
    for assignment in due:
        expert = assignment.expert
        with translation.override(expert.preferred_language):
            _notify(
                user=expert,
                key=f"assignment-remind:{assignment.pk}:{_ts(assignment.starts_at)}",
                subject=_("Your assignment is coming up"),
                body=_("%(title)s, %(when)s, %(place)s. Audience: %(audience)s.")
                % {
                    **_assignment_facts(assignment),
                    "audience": assignment.audience,
                },
                hub=assignment.hub,
            )
        sent += 1
    return sent


def advisors_by_stage(hub: Hub) -> dict[str, int]:
    from django.db.models import Count

    counts = dict(
        AdvisorProfile.objects.in_hub(hub).values_list("stage").annotate(n=Count("pk")).order_by()
    )
    return {stage: counts.get(stage, 0) for stage in Stage.values}

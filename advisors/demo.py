"""Demo data for advisors and experts: people at each pathway stage, trainings, shifts, hours, pool
cases (some claimed, one escalated), experience experts and assignments. Idempotent: every row is
found by a natural key before it is created."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from kototori.models import Topic
from visits.models import Case, CaseNote

from .models import (
    AdvisorLanguage,
    AdvisorProfile,
    Assignment,
    AssignmentOffer,
    ExpertProfile,
    HoursEntry,
    PathwayOutcome,
    PathwayStep,
    Shift,
    ShiftSignup,
    Stage,
    SupervisionSession,
    Training,
    TrainingCompletion,
)

if TYPE_CHECKING:
    from kototori.management.commands.demo import DemoContext

# name, stage, languages, topic skills
CANDIDATES = [
    ("Amina Interested", Stage.INTERESTED, [("so", "native"), ("fi", "basic")], ["housing"]),
    ("Omar Interviewed", Stage.INTERVIEWED, [("ar", "native"), ("en", "fluent")], ["employment"]),
    ("Olena Oriented", Stage.ORIENTED, [("uk", "native"), ("ru", "fluent")], ["education"]),
    ("Reza Active", Stage.ACTIVE, [("fa", "native"), ("prs", "fluent")], ["residence_permit"]),
    ("Pirjo Paused", Stage.PAUSED, [("fi", "native")], ["daily_life"]),
    ("Ali Alumni", Stage.ALUMNI, [("ckb", "native"), ("fi", "working")], ["income_support"]),
]
STAGE_ORDER = [s.value for s in Stage]

# summary (the demo key), topics, languages, urgency, days old
POOL_CASES = [
    (
        "Help to fill in a housing allowance application",
        ["housing", "social_insurance"],
        ["ar"],
        "normal",
        2,
    ),
    ("Questions about a residence permit extension", ["residence_permit"], ["fa"], "high", 1),
    ("Looking for a Finnish course in the evenings", ["education"], ["uk"], "low", 6),
    (
        "Needs help booking a health centre appointment",
        ["health", "daily_life"],
        ["so"],
        "normal",
        4,
    ),
    (
        "Wants to understand a letter from the employment office",
        ["employment"],
        ["ar"],
        "normal",
        3,
    ),
    ("Help with online banking codes", ["daily_life"], [], "low", 9),
]
CLAIMED_CASES = [
    ("Kela letter about a reclaimed benefit", ["social_insurance"], ["ar"], 3, False, ""),
    ("Lease ends next month, looking for a new flat", ["housing"], ["ar", "fi"], 11, False, ""),
    (
        "Worried about a child protection notice",
        ["child_welfare"],
        ["ar"],
        1,
        True,
        "Child welfare question: needs a social worker.",
    ),
]


def _profile(ctx: DemoContext, hub, name, stage, languages, skills, user=None):
    profile = AdvisorProfile.objects.filter(name=name).first()
    if profile is not None:
        return profile
    profile = AdvisorProfile.objects.create(
        name=name,
        user=user,
        stage=stage,
        supervisor=ctx.users["professional"],
        stage_since=ctx.now.date() - timedelta(days=20),
    )
    profile.hubs.add(hub)
    profile.topics.set(Topic.objects.filter(key__in=skills))
    for code, level in languages:
        AdvisorLanguage.objects.create(advisor=profile, language=ctx.languages[code], level=level)
    # Record the whole pathway up to the current stage, one step per stage, a few weeks apart.
    reached = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
    if stage in (Stage.PAUSED, Stage.ALUMNI):
        reached = [*STAGE_ORDER[:4], stage]
    previous = ""
    for i, step in enumerate(reached):
        PathwayStep.objects.create(
            advisor=profile,
            from_stage=previous,
            stage=step,
            on=ctx.now.date() - timedelta(days=30 * (len(reached) - i)),
            by=ctx.users["professional"],
        )
        previous = step
    return profile


def _case(ctx, hub, summary, topics, languages, urgency, days_old):
    case = Case.objects.filter(hub=hub, summary=summary).first()
    if case is not None:
        return case, False
    case = Case.objects.create(
        hub=hub,
        summary=summary,
        urgency=urgency,
        opened_by=ctx.users["frontdesk"],
        created_at=ctx.now - timedelta(days=days_old),
        last_activity_at=ctx.now - timedelta(days=days_old),
    )
    case.topics.set(Topic.objects.filter(key__in=topics))
    case.languages.set([ctx.languages[c] for c in languages if c in ctx.languages])
    CaseNote.objects.create(
        case=case,
        kind=CaseNote.Kind.OPENED,
        author=ctx.users["frontdesk"],
        created_at=case.created_at,
    )
    return case, True


def seed(ctx: DemoContext) -> None:
    hub = ctx.hubs["hervanta"]
    advisor, expert, professional = (
        ctx.users["advisor"],
        ctx.users["expert"],
        ctx.users["professional"],
    )
    me = _profile(
        ctx,
        hub,
        advisor.full_name,
        Stage.ACTIVE,
        [("ar", "native"), ("fi", "working"), ("en", "fluent")],
        ["housing", "social_insurance", "employment"],
        user=advisor,
    )
    for name, stage, languages, skills in CANDIDATES:
        _profile(ctx, hub, name, stage, languages, skills)

    for summary, topics, languages, urgency, days_old in POOL_CASES:
        _case(ctx, hub, summary, topics, languages, urgency, days_old)
    for summary, topics, languages, days_old, escalate, reason in CLAIMED_CASES:
        case, created = _case(ctx, hub, summary, topics, languages, "normal", days_old + 2)
        if not created:
            continue
        claimed_at = ctx.now - timedelta(days=days_old)
        case.status = Case.Status.ESCALATED if escalate else Case.Status.CLAIMED
        case.claimed_by = advisor
        case.claimed_at = case.first_claimed_at = claimed_at
        case.last_activity_at = claimed_at
        case.next_follow_up = ctx.now.date() + timedelta(days=1) if not escalate else None
        CaseNote.objects.create(
            case=case, kind=CaseNote.Kind.CLAIMED, author=advisor, created_at=claimed_at
        )
        if escalate:
            case.escalated_at, case.escalation_reason = claimed_at, reason
            CaseNote.objects.create(
                case=case,
                kind=CaseNote.Kind.ESCALATED,
                author=advisor,
                text=reason,
                created_at=claimed_at,
            )
        else:
            CaseNote.objects.create(
                case=case,
                kind=CaseNote.Kind.NOTE,
                author=advisor,
                text="Met at the hub, went through the papers together.",
                created_at=claimed_at,
            )
        case.save()

    trainings = {t.key: t for t in Training.objects.all()}
    for key in ("community_coaching", "cultural_questions", "threatening_situations"):
        if key in trainings:
            TrainingCompletion.objects.get_or_create(
                user=advisor,
                training=trainings[key],
                completed_on=ctx.now.date() - timedelta(days=60 + len(key)),
            )
    if not SupervisionSession.objects.filter(hub=hub).exists():
        session = SupervisionSession.objects.create(
            hub=hub,
            held_on=ctx.now.date() - timedelta(days=14),
            supervisor=professional,
            themes="Boundaries of the volunteer role; difficult phone calls",
        )
        session.advisors.set(AdvisorProfile.objects.filter(stage=Stage.ACTIVE))
    if not PathwayOutcome.objects.filter(advisor__name="Ali Alumni").exists():
        alumni = AdvisorProfile.objects.get(name="Ali Alumni")
        PathwayOutcome.objects.create(
            advisor=alumni,
            kind=PathwayOutcome.Kind.EMPLOYMENT,
            started_on=ctx.now.date() - timedelta(days=40),
            recorded_by=professional,
        )
        PathwayOutcome.objects.create(
            advisor=me,
            kind=PathwayOutcome.Kind.STUDIES,
            started_on=ctx.now.date() - timedelta(days=100),
            recorded_by=professional,
        )

    # Shifts: the next two weeks on weekdays, 10-14, and two past ones that count as hours.
    local_now = timezone.localtime(ctx.now)
    for offset in range(-7, 14):
        day = (local_now + timedelta(days=offset)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        if day.weekday() >= 5:
            continue
        shift, created = Shift.objects.get_or_create(
            hub=hub,
            starts_at=day,
            defaults={
                "ends_at": day + timedelta(hours=4),
                "title": "Neuvontavuoro",
                "capacity": 2,
                "created_by": ctx.users["coordinator"],
            },
        )
        if created and offset in (-6, -3, 1, 5):
            ShiftSignup.objects.create(shift=shift, user=advisor)
    HoursEntry.objects.get_or_create(
        user=advisor,
        hub=hub,
        on=ctx.now.date() - timedelta(days=2),
        description="Phone follow-ups from home",
        defaults={"hours": Decimal("1.5")},
    )

    # Experience experts and assignments.
    profile, created = ExpertProfile.objects.get_or_create(
        user=expert,
        defaults={
            "cohort": "Minä Suomessa 2023",
            "graduated_on": ctx.now.date() - timedelta(days=300),
        },
    )
    if created:
        profile.hubs.add(hub)
        profile.languages.set([ctx.languages[c] for c in ("fi", "ar", "en") if c in ctx.languages])
        profile.themes.set(
            Topic.objects.filter(key__in=["housing", "education", "employment", "daily_life"])
        )
    partner = next((p for p in ctx.partners if p.kind == "housing"), None)
    specs = [
        (
            "Asukasilta: elämää uudessa kodissa",
            Assignment.Kind.HOUSING_INFO,
            6,
            Assignment.Status.OFFERED,
            None,
        ),
        (
            "Koulun 8. luokan teemapäivä",
            Assignment.Kind.SCHOOL,
            10,
            Assignment.Status.CONFIRMED,
            expert,
        ),
        ("Seurakunnan perhekerho", Assignment.Kind.PARISH, -20, Assignment.Status.DONE, expert),
    ]
    for title, kind, days, status, taken_by in specs:
        if Assignment.objects.filter(hub=hub, title=title).exists():
            continue
        assignment = Assignment.objects.create(
            hub=hub,
            title=title,
            kind=kind,
            partner=partner if kind == Assignment.Kind.HOUSING_INFO else None,
            starts_at=(local_now + timedelta(days=days)).replace(
                hour=17, minute=0, second=0, microsecond=0
            ),
            place="Hervannan asukastila" if kind == Assignment.Kind.HOUSING_INFO else "Hervanta",
            audience="Residents" if kind == Assignment.Kind.HOUSING_INFO else "Pupils and parents",
            language=ctx.languages["fi"],
            status=status,
            expert=taken_by,
            created_by=ctx.users["coordinator"],
            audience_size=35 if status == Assignment.Status.DONE else None,
            hours=Decimal("2.0") if status == Assignment.Status.DONE else None,
        )
        assignment.themes.set(Topic.objects.filter(key__in=["housing", "daily_life"]))
        AssignmentOffer.objects.create(
            assignment=assignment,
            expert=expert,
            response=AssignmentOffer.Response.ACCEPTED
            if taken_by
            else AssignmentOffer.Response.PENDING,
            responded_at=ctx.now if taken_by else None,
        )

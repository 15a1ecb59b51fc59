"""Community advisors and experience experts: the pathway from visitor to helper, trainings, shifts,
hours, pathway outcomes and speaking assignments. The case pool itself works on ``visits.Case``."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kototori.models import Hub, Language, PartnerOrganisation, Topic


class Stage(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    INTERVIEWED = "interviewed", _("Interviewed")
    ORIENTED = "oriented", _("Oriented")
    ACTIVE = "active", _("Active advisor")
    PAUSED = "paused", _("Paused")
    ALUMNI = "alumni", _("Alumni")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    WORKING = "working", _("Working knowledge")
    BASIC = "basic", _("Basic")


class AdvisorQuerySet(models.QuerySet["AdvisorProfile"]):
    def in_hub(self, hub: Hub | int) -> AdvisorQuerySet:
        return self.filter(hubs=hub)


class AdvisorProfile(models.Model):
    """A volunteer on the pathway. A candidate may not have a login yet (``user`` is set once they
    are invited); ``name`` is what the staff call them until then."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="advisor_profile",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=150)
    hubs = models.ManyToManyField(Hub, related_name="advisors", verbose_name=_("hubs"))
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="advisors", verbose_name=_("topic skills")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_advisors",
        verbose_name=_("supervisor"),
    )
    stage = models.CharField(
        _("pathway stage"), max_length=12, choices=Stage.choices, default=Stage.INTERESTED
    )
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    # The consented visitor record this volunteer came from, when there is one (traceability).
    visitor = models.ForeignKey(
        "visits.Visitor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisor_candidacies",
        verbose_name=_("visitor record"),
    )
    candidate_consent_at = models.DateTimeField(
        _("agreed to be a candidate"), null=True, blank=True
    )
    candidate_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = AdvisorQuerySet.as_manager()

    class Meta:
        verbose_name = _("advisor")
        verbose_name_plural = _("advisors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdvisorLanguage(models.Model):
    advisor = models.ForeignKey(
        AdvisorProfile,
        on_delete=models.CASCADE,
        related_name="languages",
        verbose_name=_("advisor"),
    )
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    level = models.CharField(
        _("level"), max_length=10, choices=LanguageLevel.choices, default=LanguageLevel.FLUENT
    )

    class Meta:
        verbose_name = _("advisor language")
        verbose_name_plural = _("advisor languages")
        constraints = [
            models.UniqueConstraint(fields=["advisor", "language"], name="unique_advisor_language")
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_level_display()})"


class PathwayStep(models.Model):
    """One dated move along the pathway, with who made it and why."""

    advisor = models.ForeignKey(
        AdvisorProfile, on_delete=models.CASCADE, related_name="steps", verbose_name=_("advisor")
    )
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices, blank=True)
    stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moved by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("pathway step")
        verbose_name_plural = _("pathway steps")
        ordering = ["on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.on}"


class PathwayOutcome(models.Model):
    """What the pathway led to: the figures funders ask about."""

    class Kind(models.TextChoices):
        REHABILITATIVE = "rehabilitative", _("Rehabilitative work")
        TRYOUT = "tryout", _("Work try-out")
        STUDIES = "studies", _("Studies")
        EMPLOYMENT = "employment", _("Employment")
        OTHER = "other", _("Other")

    advisor = models.ForeignKey(
        AdvisorProfile, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("advisor")
    )
    kind = models.CharField(_("outcome"), max_length=16, choices=Kind.choices)
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("pathway outcome")
        verbose_name_plural = _("pathway outcomes")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.started_on}"


class Training(models.Model):
    """The training catalogue. ``key`` is stable (events link their trainings by it)."""

    key = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=150)  # translated
    description = models.TextField(_("description"), blank=True)  # translated
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("training")
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="training_sessions", verbose_name=_("hub")
    )
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.training} · {self.starts_at:%Y-%m-%d}"


class TrainingCompletion(models.Model):
    """One advisor completed one training on one date (from a session, an event, or by hand)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_completions",
        verbose_name=_("person"),
    )
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="completions", verbose_name=_("training")
    )
    completed_on = models.DateField(_("completed"))
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completions",
        verbose_name=_("session"),
    )
    event_id = models.BigIntegerField(_("event"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("training completion")
        verbose_name_plural = _("training completions")
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "training", "completed_on"], name="unique_training_completion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.training} · {self.completed_on}"


class SupervisionSession(models.Model):
    """A supervision (työnohjaus) meeting: who supervised whom, when, about what."""

    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="supervision_sessions", verbose_name=_("hub")
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    advisors = models.ManyToManyField(
        AdvisorProfile, related_name="supervision_sessions", verbose_name=_("advisors")
    )
    themes = models.CharField(
        _("themes"),
        max_length=300,
        blank=True,
        help_text=_("General themes only: no names or details of visitors."),
    )

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on}"


class ShiftQuerySet(models.QuerySet["Shift"]):
    def upcoming(self) -> ShiftQuerySet:
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at")


class Shift(models.Model):
    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("hub")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    title = models.CharField(_("what"), max_length=150, help_text=_("E.g. front desk, phone help."))
    capacity = models.PositiveSmallIntegerField(_("advisors needed"), default=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.title} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


class ShiftSignup(models.Model):
    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="signups", verbose_name=_("shift")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shift_signups",
        verbose_name=_("advisor"),
    )
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)

    class Meta:
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="unique_shift_signup")
        ]

    def __str__(self) -> str:
        return f"{self.shift} · {self.user}"


class HoursEntry(models.Model):
    """Volunteer hours logged by hand (shift hours are counted from the shifts themselves)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_hours",
        verbose_name=_("advisor"),
    )
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="+", verbose_name=_("hub"))
    on = models.DateField(_("date"), default=timezone.localdate)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    description = models.CharField(_("what"), max_length=200)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")
        ordering = ["-on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.on} · {self.hours}"


class ExpertProfile(models.Model):
    """An experience expert (trained e.g. in "Minä Suomessa")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_profile",
        verbose_name=_("login"),
    )
    hubs = models.ManyToManyField(Hub, related_name="experts", verbose_name=_("hubs"))
    cohort = models.CharField(_("training cohort"), max_length=100, blank=True)
    graduated_on = models.DateField(_("graduated"), null=True, blank=True)
    languages = models.ManyToManyField(
        Language, blank=True, related_name="+", verbose_name=_("languages")
    )
    themes = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("themes"))

    class Meta:
        verbose_name = _("experience expert")
        verbose_name_plural = _("experience experts")

    def __str__(self) -> str:
        return str(self.user)


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def upcoming(self) -> AssignmentQuerySet:
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")


class Assignment(models.Model):
    """A speaking assignment requested by a partner or the hub."""

    class Kind(models.TextChoices):
        HOUSING_INFO = "housing_info", _("Housing info")
        SCHOOL = "school", _("School")
        DAY_CARE = "day_care", _("Day care")
        PARISH = "parish", _("Parish")
        ASSOCIATION = "association", _("Association")
        STAFF_TRAINING = "staff_training", _("Staff training")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        OFFERED = "offered", _("Offered to experts")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("hub")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("requested by partner"),
        help_text=_("Leave empty when the hub itself asks."),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    duration_hours = models.DecimalField(
        _("duration, hours"), max_digits=4, decimal_places=1, default=Decimal("1.5")
    )
    place = models.CharField(_("place"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200)
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    themes = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("themes"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("expert"),
    )
    audience_size = models.PositiveIntegerField(_("audience size"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(hours=float(self.duration_hours))


class AssignmentOffer(models.Model):
    class Response(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Taken by someone else")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="offers", verbose_name=_("assignment")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment_offers",
        verbose_name=_("expert"),
    )
    response = models.CharField(
        _("answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment offer")
        verbose_name_plural = _("assignment offers")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "expert"], name="unique_assignment_offer")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.expert}"

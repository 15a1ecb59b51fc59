"""Visits and what follows from them. Cases are shared with ``advisors/``, which runs the pool."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kototori.models import Hub, Language, Topic


class Urgency(models.TextChoices):
    LOW = "low", _("Can wait")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class CaseQuerySet(models.QuerySet["Case"]):
    def in_pool(self) -> CaseQuerySet:
        return self.filter(status=Case.Status.OPEN)

    def active(self) -> CaseQuerySet:
        return self.exclude(status=Case.Status.CLOSED)

    def claimed_by(self, user) -> CaseQuerySet:
        return self.filter(claimed_by=user).exclude(status=Case.Status.CLOSED)


class Case(models.Model):
    """A follow-up need opened from a visit. It waits in the hub's pool until an advisor claims it.

    Holds no contact data: the summary is short and non-sensitive. Who the visitor is lives in the
    consented visitor record, which only the claiming advisor and the hub's professionals may open.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("In the pool")
        CLAIMED = "claimed", _("Claimed")
        ESCALATED = "escalated", _("Escalated to a professional")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        REFERRED = "referred", _("Referred to a service")
        PROFESSIONAL = "professional", _("Handed to a professional")
        NO_CONTACT = "no_contact", _("Could not reach the visitor")
        WITHDRAWN = "withdrawn", _("Visitor no longer needs help")
        OTHER = "other", _("Other")

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="cases", verbose_name=_("hub")
    )
    topics = models.ManyToManyField(Topic, related_name="cases", verbose_name=_("topics"))
    languages = models.ManyToManyField(
        Language, blank=True, related_name="cases", verbose_name=_("languages needed")
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("Short and non-sensitive: what help is needed, no names or health details."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_cases",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    first_claimed_at = models.DateTimeField(_("first claimed"), null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_reason = models.CharField(_("reason for escalation"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    visit = models.ForeignKey(
        "Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("visit"),
    )
    visitor = models.ForeignKey(
        "Visitor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("visitor"),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["hub", "status", "created_at"], name="case_pool_idx")]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.pk}

    @property
    def needs_professional(self) -> bool:
        """Any topic beyond a volunteer's scope (child welfare, legal proceedings, health crises…)."""
        return any(topic.needs_professional for topic in self.topics.all())


class CaseNote(models.Model):
    """The case timeline: notes, and the moves (claim, release, transfer, escalation, closing)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        OPENED = "opened", _("Opened")
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Released to the pool")
        TRANSFERRED = "transferred", _("Transferred")
        ESCALATED = "escalated", _("Escalated")
        REFERRED = "referred", _("Referred to a partner")
        RETURNED = "returned", _("Returned to the pool (no activity)")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"


# Visitors and consent ------------------------------------------------------------------------


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other")
    UNSAID = "unsaid", _("Prefers not to say")


class ResidenceStatus(models.TextChoices):
    """Coarse categories for reporting only; never a document check."""

    CITIZEN = "citizen", _("Finnish or EU citizen")
    PERMANENT = "permanent", _("Permanent residence permit")
    TEMPORARY = "temporary", _("Temporary residence permit")
    ASYLUM = "asylum", _("Asylum seeker")
    TEMPORARY_PROTECTION = "protection", _("Temporary protection")
    OTHER = "other", _("Other or unknown")


class VisitorQuerySet(models.QuerySet["Visitor"]):
    def search(self, text: str) -> VisitorQuerySet:
        text = text.strip()
        if not text:
            return self.none()
        digits = "".join(ch for ch in text if ch.isdigit())
        query = models.Q(first_name__icontains=text) | models.Q(email__iexact=text)
        if len(digits) >= 4:
            query |= models.Q(phone_digits__contains=digits)
        return self.filter(query)

    def consenting_to(self, scope: str) -> VisitorQuerySet:
        """Visitors with an active (not withdrawn) consent to ``scope``. Anything that messages
        visitors (reminders) or counts their coarse attributes (reports) must start from here."""
        return self.filter(
            models.Exists(
                Consent.objects.filter(
                    visitor=models.OuterRef("pk"), scope=scope, withdrawn_at__isnull=True
                )
            )
        )


class Visitor(models.Model):
    """A person who agreed to be recorded because follow-up needs it. Without consent, no record.

    Only the minimum: a first name or nickname, a way to reach them, their languages, and optional
    coarse attributes for anonymous reports.
    """

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="visitors", verbose_name=_("hub")
    )
    first_name = models.CharField(_("first name or nickname"), max_length=80)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_digits = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.ManyToManyField(
        Language, blank=True, related_name="visitors", verbose_name=_("languages")
    )
    message_language = models.CharField(
        _("language for messages"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    residence_status = models.CharField(
        _("residence status"), max_length=12, choices=ResidenceStatus.choices, blank=True
    )
    arrival_year = models.PositiveSmallIntegerField(
        _("year of arrival in Finland"), null=True, blank=True
    )
    municipality = models.CharField(_("municipality"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = VisitorQuerySet.as_manager()

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["first_name", "pk"]

    def __str__(self) -> str:
        return f"{self.first_name} (#{self.pk})"

    def save(self, *args, **kwargs) -> None:
        self.phone_digits = "".join(ch for ch in self.phone if ch.isdigit())
        super().save(*args, **kwargs)

    def consents_to(self, scope: str) -> bool:
        """Whether the visitor has an active consent to ``scope`` (one query)."""
        return self.consents.active().filter(scope=scope).exists()


# 2026-2: the Finnish and Swedish texts rewritten in plain language (same content); 2026-1 before.
CONSENT_TEXT_VERSION = "2026-2"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        """Consents not withdrawn (GDPR art. 7(3)): only these allow anything."""
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """What the visitor agreed to, when, who recorded it and in which language it was explained."""

    class Scope(models.TextChoices):
        RECORD = "record", _("Keep a record for follow-up")
        REMINDERS = "reminders", _("Send reminders by phone or e-mail")
        REPORTING = "reporting", _("Use the coarse attributes in anonymous reports")

    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, related_name="consents", verbose_name=_("visitor")
    )
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    language = models.CharField(_("explained in"), max_length=8, choices=settings.LANGUAGES)
    text_version = models.CharField(_("text version"), max_length=20, default=CONSENT_TEXT_VERSION)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} · {self.given_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# Visits -------------------------------------------------------------------------------------


class VisitChannel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    OUTREACH = "outreach", _("Outreach")
    PARTNER_SESSION = "partner", _("Partner session at the hub")


class VisitOutcome(models.TextChoices):
    ADVICE = "advice", _("Advice at the desk")
    REFERRED = "referred", _("Referred to a partner")
    CASE = "case", _("Follow-up case opened")
    LEFT = "left", _("Left before being served")


class VisitQuerySet(models.QuerySet["Visit"]):
    def on_day(self, day) -> VisitQuerySet:
        return self.filter(day=day)


class Visit(models.Model):
    """One contact with the hub. Anonymous by default: no visitor is needed."""

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="visits", verbose_name=_("hub")
    )
    visited_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    day = models.DateField(_("day"), db_index=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=VisitChannel.choices, default=VisitChannel.WALK_IN
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language used"),
    )
    language_help = models.BooleanField(_("language help needed"), default=False)
    topics = models.ManyToManyField(Topic, related_name="visits", verbose_name=_("topics"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=VisitOutcome.choices, default=VisitOutcome.ADVICE
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("served by"),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Short and non-sensitive: no names, no health details."),
    )
    visitor = models.ForeignKey(
        Visitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("visitor"),
    )
    # NULL, not "", when there is no key: NULLs don't collide in the unique constraint.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["hub", "day"], name="visit_hub_day_idx")]
        constraints = [
            models.UniqueConstraint(fields=["hub", "idempotency_key"], name="visit_logged_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.visited_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        self.day = timezone.localdate(self.visited_at)
        super().save(*args, **kwargs)


# The queue ----------------------------------------------------------------------------------


class QueueEntryQuerySet(models.QuerySet["QueueEntry"]):
    def today(self, hub: Hub) -> QueueEntryQuerySet:
        return self.filter(hub=hub, day=timezone.localdate())

    def waiting(self) -> QueueEntryQuerySet:
        return self.filter(status=QueueEntry.Status.WAITING)

    def with_waiting(self) -> QueueEntryQuerySet:
        """Annotate ``waiting`` (called_at − created_at, or left_at − created_at for those who
        left before being called): the waiting time reports use."""
        return self.annotate(
            waiting=models.ExpressionWrapper(
                Coalesce("called_at", "left_at") - models.F("created_at"),
                output_field=models.DurationField(),
            )
        )

    def open(self) -> QueueEntryQuerySet:
        return self.filter(
            status__in=[
                QueueEntry.Status.WAITING,
                QueueEntry.Status.CALLED,
                QueueEntry.Status.SERVING,
            ]
        )


class QueueEntry(models.Model):
    """A ticket in today's queue. Each state change keeps its time, so reports can tell waiting
    times (called_at − created_at)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        DONE = "done", _("Done")
        LEFT = "left", _("Left")

    class Source(models.TextChoices):
        DESK = "desk", _("Front desk")
        KIOSK = "kiosk", _("Kiosk")

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="queue_entries", verbose_name=_("hub")
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("ticket number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.DESK
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language"),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics"))
    first_name = models.CharField(_("first name"), max_length=40, blank=True)
    # NULL, not "", when there is no key: NULLs don't collide in the unique constraint.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(_("arrived"), default=timezone.now)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    served_at = models.DateTimeField(_("service started"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("served by"),
    )
    visit = models.OneToOneField(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_entry",
        verbose_name=_("visit"),
    )

    objects = QueueEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["day", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "day", "number"], name="queue_number_per_day"),
            models.UniqueConstraint(fields=["hub", "idempotency_key"], name="queue_ticket_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.day}"

    @property
    def waited(self):
        """How long the visitor waited: until called, or until now while still waiting."""
        end = (
            self.called_at
            or self.left_at
            or (timezone.now() if self.status == self.Status.WAITING else None)
        )
        return end - self.created_at if end else None

    @property
    def waited_minutes(self) -> int | None:
        waited = self.waited
        return int(waited.total_seconds() // 60) if waited is not None else None


# Referrals ----------------------------------------------------------------------------------


def new_link_key() -> str:
    return secrets.token_urlsafe(12)


class Referral(models.Model):
    """A referral to a partner's service. The partner updates it through a signed link."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("Did not show up")

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("hub")
    )
    partner = models.ForeignKey(
        "kototori.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner"),
    )
    service = models.ForeignKey(
        "kototori.PartnerService",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service"),
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("visit"),
    )
    visitor = models.ForeignKey(
        Visitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("visitor"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("case"),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics"))
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language needed"),
    )
    note = models.CharField(
        _("note for the partner"),
        max_length=300,
        blank=True,
        help_text=_("Short and non-sensitive: what the visitor needs help with."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT, db_index=True
    )
    partner_feedback = models.TextField(_("partner's feedback"), blank=True)
    # Part of the partner's signed link: a new key kills every link made before it.
    link_key = models.CharField(max_length=32, default=new_link_key, editable=False)
    link_revoked_at = models.DateTimeField(_("link revoked"), null=True, blank=True)
    link_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("link revoked by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_by_partner_at = models.DateTimeField(
        _("last update by the partner"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Referral %(number)s") % {"number": self.pk}

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.NO_SHOW)


# Outreach -----------------------------------------------------------------------------------


class OutreachSession(models.Model):
    """Advice given away from the hub (a housing company's club room, a partner's premises).
    Counts only, never names."""

    class Place(models.TextChoices):
        HOUSING = "housing", _("Housing company")
        PARTNER = "partner", _("Partner's premises")
        PUBLIC = "public", _("Public place")
        OTHER = "other", _("Other")

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="outreach_sessions", verbose_name=_("hub")
    )
    place_kind = models.CharField(_("kind of place"), max_length=10, choices=Place.choices)
    place = models.CharField(_("place"), max_length=200)
    partner = models.ForeignKey(
        "kototori.PartnerOrganisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    date = models.DateField(_("date"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("staff and advisors present"),
    )
    head_count = models.PositiveIntegerField(_("people met"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    class Meta:
        verbose_name = _("outreach session")
        verbose_name_plural = _("outreach sessions")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.place} · {self.date}"


class OutreachTopicCount(models.Model):
    session = models.ForeignKey(
        OutreachSession, on_delete=models.CASCADE, related_name="topic_counts"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("people by topic")
        verbose_name_plural = _("people by topic")
        constraints = [
            models.UniqueConstraint(fields=["session", "topic"], name="outreach_topic_once")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.count}"


# Data-subject requests --------------------------------------------------------------------------


class DataRequestQuerySet(models.QuerySet["DataRequest"]):
    def open(self) -> DataRequestQuerySet:
        return self.filter(status__in=DataRequest.OPEN_STATUSES)

    def closed(self) -> DataRequestQuerySet:
        return self.exclude(status__in=DataRequest.OPEN_STATUSES)


# GDPR art. 12(3): an answer "without undue delay and in any event within one month of receipt".
DATA_REQUEST_ANSWER_TIME = timedelta(days=30)


def data_request_due(created_at) -> date:
    return (timezone.localtime(created_at) + DATA_REQUEST_ANSWER_TIME).date()


class DataRequest(models.Model):
    """A visitor asks, through the hub's public form, to see, erase or correct their data, or who
    has used it (GDPR art. 15-17, the Finnish client-data act). Staff handle it; the hub answers in
    the language the visitor wrote in. Nothing is sent to the contact automatically: anyone can type
    someone else's number into the form."""

    class Kind(models.TextChoices):
        COPY = "copy", _("A copy of my data")
        ERASE = "erase", _("Erase my data")
        ACCESS_LOG = "access_log", _("Who has used my data, and why")
        CORRECT = "correct", _("Correct my data")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="data_requests", verbose_name=_("hub")
    )
    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name as given"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    language = models.CharField(
        _("language of the answer"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    staff_note = models.TextField(_("staff note"), max_length=2000, blank=True)
    visitor = models.ForeignKey(
        Visitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("visitor record"),
    )

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return _("Data request %(reference)s") % {"reference": self.reference}

    def save(self, *args, **kwargs) -> None:
        if self.due_on is None:
            self.due_on = data_request_due(self.created_at)
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        """What the visitor quotes on the phone or at the desk: the year and the number."""
        return f"{timezone.localtime(self.created_at).year}-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    def set_status(self, *, status: str, note: str, user) -> None:
        """Record a step; done and refused are the answer, with who gave it and when."""
        self.status = status
        self.staff_note = note
        self.handled_by = user
        self.handled_at = None if status in self.OPEN_STATUSES else timezone.now()
        self.save(update_fields=["status", "staff_note", "handled_by", "handled_at"])

"""The cross-cutting core: people who log in, organisations and hubs, roles, topics, languages,
partner organisations, the outgoing-message outbox and the access log."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from collections.abc import Iterable


class Role(models.TextChoices):
    FRONT_DESK = "frontdesk", _("Front desk")
    ADVISOR = "advisor", _("Community advisor")
    EXPERT = "expert", _("Experience expert")
    PROFESSIONAL = "professional", _("Professional")
    COORDINATOR = "coordinator", _("Coordinator")
    MANAGER = "manager", _("Hub manager")
    FUNDER = "funder", _("Funder")
    REVIEWER = "reviewer", _("Translation reviewer")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: staff, volunteers and funders. Visitors never log in."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Pages and messages are shown in this language after you log in."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin access"), default=False, help_text=_("May use the technical admin site.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split()[0]


class Organisation(models.Model):
    """The deployment's owner, e.g. a city's integration services. It runs one or more hubs."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


def new_kiosk_token() -> str:
    return secrets.token_urlsafe(24)


class Hub(models.Model):
    """One drop-in place, e.g. Hervanta. Every person-level record belongs to a hub."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hubs", verbose_name=_("organisation")
    )
    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)  # translated
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)  # translated
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages_offered = models.ManyToManyField(
        "Language", blank=True, related_name="hubs", verbose_name=_("languages offered")
    )
    kiosk_enabled = models.BooleanField(_("kiosk self check-in on"), default=False)
    kiosk_token = models.CharField(
        _("kiosk token"), max_length=64, unique=True, default=new_kiosk_token, editable=False
    )
    event_reminder_hours = models.PositiveSmallIntegerField(
        _("event reminder, hours before"), default=24
    )
    whatsapp_group_url = models.URLField(_("WhatsApp group link"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rotate_kiosk_token(self) -> None:
        self.kiosk_token = new_kiosk_token()
        self.save(update_fields=["kiosk_token"])


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, hub__is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role in one hub. A user may hold several roles in a hub and roles in several hubs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("hub")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the role was taken away: the clock of the former-member retention rule starts here.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    # Only for the reviewer role: the language codes this person checks (translations app).
    review_languages = models.JSONField(_("languages reviewed"), default=list, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "hub", "role"], name="unique_membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.hub} · {self.get_role_display()}"


class Language(models.Model):
    """A language people speak at the hub (wider than the languages the UI is translated to)."""

    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("ISO 639 code"))
    name = models.CharField(_("name"), max_length=80)  # translated
    name_local = models.CharField(_("own name"), max_length=80)
    rtl = models.BooleanField(_("written right to left"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """What a visitor needs help with. Topics flagged as needing a professional can't be closed by a
    volunteer."""

    key = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=120)  # translated
    pictogram = models.CharField(
        _("pictogram"), max_length=40, help_text=_("Name of the pictogram shown on the kiosk.")
    )
    needs_professional = models.BooleanField(_("needs a professional"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name


class PartnerKind(models.TextChoices):
    PUBLIC_AUTHORITY = "authority", _("Public authority")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    HEALTH = "health", _("Health")
    EMPLOYMENT = "employment", _("Employment services")
    NGO = "ngo", _("NGO")
    PARISH = "parish", _("Parish")
    HOUSING = "housing", _("Housing company")
    EDUCATION = "education", _("Education")


class PartnerQuerySet(models.QuerySet["PartnerOrganisation"]):
    def for_hubs(self, hubs: Iterable[Hub] | models.QuerySet[Hub]) -> PartnerQuerySet:
        return self.filter(hubs_served__in=hubs).distinct()


class PartnerOrganisation(models.Model):
    """An organisation the hub refers people to, co-organises events with, or that requests
    experience experts."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    description = models.TextField(_("description"), blank=True)  # translated
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hubs_served = models.ManyToManyField(
        Hub, related_name="partners", verbose_name=_("hubs served")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.pk])


class PartnerService(models.Model):
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("partner"),
    )
    name = models.CharField(_("service"), max_length=200)  # translated
    description = models.TextField(_("description"), blank=True)  # translated

    class Meta:
        verbose_name = _("partner service")
        verbose_name_plural = _("partner services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("partner"),
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OutboundMessage(models.Model):
    """Every message Kototori sends is first a row here, with a unique idempotency key.

    A Celery task only wakes the sender; the sender claims due rows (FOR UPDATE SKIP LOCKED), marks
    them "sending", hands them to the provider and marks them sent. A job that runs twice creates
    the same key twice, so it sends once. See ``kototori.messaging`` for what happens after a crash.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    hub = models.ForeignKey(
        Hub,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hub"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # While "sending": the sender owns the row until then; afterwards the send is in doubt.
    lease_until = models.DateTimeField(_("sender's lease until"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The record the message is about (a referral, a case, a registration, a visitor), as in the
    # access log: erasure finds a person's messages through these, never by searching the text.
    about_type = models.CharField(_("about record type"), max_length=40, blank=True, default="")
    about_id = models.BigIntegerField(_("about record"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["status", "send_after"], name="outbox_due_idx"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about_idx"),
        ]

    def __str__(self) -> str:
        return self.key


class AccessLog(models.Model):
    """One row per person shown to a staff user: who, when, which person, which hub, why.

    Written in the same transaction as the response's reads, so a failed write serves nothing.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+", verbose_name=_("hub"))
    subject_type = models.CharField(_("record type"), max_length=40)
    subject_id = models.BigIntegerField(_("record"))
    view = models.CharField(_("page"), max_length=80)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    # The roles the user held in the hub at that moment (comma-separated Role values): the person
    # whose record it was may ask who used it, and a role can change later.
    roles = models.CharField(_("roles"), max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="accesslog_subj_idx")
        ]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.subject_type}:{self.subject_id}"


def translated_icontains(path: str, text: str) -> models.Q:
    """Match ``text`` in any language variant of a translated field (modeltranslation stores one
    column per language, and lookups otherwise read only the active language's column)."""
    query = models.Q()
    for code in settings.MODELTRANSLATION_LANGUAGES:
        query |= models.Q(**{f"{path}_{code}__icontains": text})
    return query

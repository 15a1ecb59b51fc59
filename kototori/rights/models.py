"""The erasure ledger and each hub's retention periods."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kototori.models import Hub


class ErasureLedger(models.Model):
    """Who has been erased, as keyed hashes only (HMAC with SECRET_KEY): after a backup is
    restored, ``manage.py reapply_erasures`` finds the people who came back and erases them again.
    Nothing here identifies a person without the secret key and the person's own data."""

    class Kind(models.TextChoices):
        RECORD = "record", _("visitor record")
        PHONE = "phone", _("phone number")
        EMAIL = "email", _("e-mail address")

    digest = models.CharField(_("keyed hash"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)

    class Meta:
        verbose_name = _("erasure ledger entry")
        verbose_name_plural = _("erasure ledger")

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:8]}…"


def _months(
    default: int, low: int, high: int, label, help_text
) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        help_text=help_text,
    )


class RetentionPolicy(models.Model):
    """How long a hub keeps each kind of person data. The hub manager sets it; the nightly job
    (``kototori.retention``) applies it. Bounds keep a slip of the keyboard from erasing
    yesterday's records or keeping them forever."""

    hub = models.OneToOneField(
        Hub, on_delete=models.CASCADE, related_name="retention_policy", verbose_name=_("hub")
    )
    inactive_visitor_months = _months(
        24,
        3,
        60,
        _("visitor records without a visit (months)"),
        _("A visitor record with no visit, case or referral for this long is erased."),
    )
    withdrawn_consent_days = _months(
        30,
        0,
        365,
        _("withdrawn consents (days)"),
        _(
            "A consent withdrawn this long ago is deleted (the record itself goes with its last consent)."
        ),
    )
    closed_case_months = _months(
        12,
        1,
        60,
        _("notes of closed cases (months)"),
        _(
            "Free text of cases closed this long ago is removed; topics and outcome stay for reports."
        ),
    )
    former_member_months = _months(
        24,
        6,
        60,
        _("staff and volunteers who left (months)"),
        _(
            "Someone whose every role has ended this long ago is anonymised: name, e-mail, login"
            " and notes go; their hours, trainings and pathway stay in the figures."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return str(self.hub)

    @classmethod
    def for_hub(cls, hub: Hub) -> RetentionPolicy:
        policy = cls.objects.filter(hub=hub).first()
        return policy or cls(hub=hub)


class VisitorMerge(models.Model):
    """A duplicate record joined into ``into``. The access log is append-only, so its rows about
    the duplicate keep the duplicate's number; this row lets the copy of the person's data list
    them, and lets erasure put the duplicate's key in the ledger (a backup from before the merge
    still holds it as a record of its own)."""

    into = models.ForeignKey(
        "visits.Visitor",
        on_delete=models.CASCADE,
        related_name="merges",
        verbose_name=_("record kept"),
    )
    merged_id = models.BigIntegerField(_("number of the merged record"))
    merged_created_at = models.DateTimeField(_("merged record made"))
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )

    class Meta:
        verbose_name = _("merged record")
        verbose_name_plural = _("merged records")
        ordering = ["merged_at", "pk"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.into_id}"

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kototori.models import Hub


class StoredReport(models.Model):
    """A monthly report built by the scheduled job: the suppressed figures as delivered, kept so the
    funders' link always shows what was sent, and so a rerun of the job builds nothing twice."""

    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="stored_reports", verbose_name=_("hub")
    )
    period_kind = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    created_at = models.DateTimeField(_("built"), auto_now_add=True)
    data = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("stored report")
        verbose_name_plural = _("stored reports")
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "period_kind", "period_start"], name="one_report_per_period"
            )
        ]
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"{self.hub} {self.period_start:%Y-%m}"

"""The hub manager's answer to "who looked at this person?" (GDPR art. 15, 32; ASVS V16).

Reading the log is itself a read of the person's history, so it is logged under the same record.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django import forms
from django.apps import apps
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kototori.access import Perm, hub_permission_required
from kototori.models import AccessLog

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub

LOOKBACK = timedelta(days=730)  # 24 months, the log's retention period
MAX_ROWS = 1000
_LABEL = re.compile(r"^[a-z_]+\.[a-z_]+$")


class AccessLogQueryForm(forms.Form):
    type = forms.CharField(
        label=_("Record type"),
        max_length=40,
        help_text=_('As shown in the page\'s address, e.g. "visits.visitor".'),
    )
    # Capped at PostgreSQL's bigint: reading such a number finds nothing, but the review of it
    # is logged, and that insert would fail.
    id = forms.IntegerField(
        label=_("Record number"),
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"max_value": _("No record has that number.")},
    )

    def clean_type(self) -> str:
        label = self.cleaned_data["type"].strip().lower()
        app_label = label.split(".", 1)[0]
        if not _LABEL.match(label) or app_label not in {c.label for c in apps.get_app_configs()}:
            raise forms.ValidationError(_("No such record type."))
        return label


def _log_review(request: HttpRequest, hub: Hub, subject_type: str, subject_id: int) -> None:
    AccessLog.objects.create(
        user=request.user,
        hub=hub,
        subject_type=subject_type,
        subject_id=subject_id,
        view="access_log",
        purpose="access log review",
    )


@hub_permission_required(Perm.ACCESS_LOG_VIEW)
def access_log(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = AccessLogQueryForm(request.GET or None)
    entries = None
    if form.is_bound and form.is_valid():
        subject_type, subject_id = form.cleaned_data["type"], form.cleaned_data["id"]
        entries = list(
            AccessLog.objects.filter(
                hub=hub,
                subject_type=subject_type,
                subject_id=subject_id,
                at__gte=timezone.now() - LOOKBACK,
            )
            .select_related("user")
            .order_by("-at")[:MAX_ROWS]
        )
        # Logged before anything is rendered: if the write fails, nothing is shown.
        _log_review(request, hub, subject_type, subject_id)
    return render(
        request,
        "kototori/access_log.html",
        {"hub": hub, "form": form, "entries": entries, "max_rows": MAX_ROWS},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )

"""A visitor's copy of their data (page, PDF, JSON), erasure, and the hub's retention settings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kototori.access import Perm, hub_ids_with, hub_permission_required
from kototori.audit import log_person_access
from visits.models import Visitor

from .forms import EraseForm, RetentionPolicyForm
from .models import RetentionPolicy
from .retention import retention_preview
from .services import visitor_erase, visitor_export

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kototori.models import Hub


def _get_visitor_for_user(
    request: HttpRequest, hub: Hub, pk: int, perm: Perm = Perm.VISITOR_MANAGE
) -> Visitor:
    visitor = (
        Visitor.objects.filter(hub=hub, hub__in=hub_ids_with(request, perm))
        .select_related("hub")
        .filter(pk=pk)
        .first()
    )
    if visitor is None:
        raise Http404
    return visitor


def _export_context(request: HttpRequest, hub: Hub, pk: int, purpose: str) -> tuple:
    visitor = _get_visitor_for_user(request, hub, pk)
    log_person_access(request, hub=hub, subjects=[visitor], purpose=purpose)
    # Choice labels (gender, channel, consent scope…) in the visitor's language, not the staff's.
    with translation.override(visitor.message_language):
        return visitor, visitor_export(visitor=visitor)


@hub_permission_required(Perm.VISITOR_MANAGE)
def visitor_data(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    visitor, data = _export_context(request, hub, pk, "data-subject access request")
    with translation.override(visitor.message_language):
        return render(
            request, "rights/visitor_data.html", {"hub": hub, "visitor": visitor, "data": data}
        )


@hub_permission_required(Perm.VISITOR_MANAGE)
def visitor_data_pdf(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    from weasyprint import HTML

    visitor, data = _export_context(request, hub, pk, "data-subject access request (PDF)")
    with translation.override(visitor.message_language):
        html = render_to_string(
            "rights/visitor_data_print.html",
            {"hub": hub, "visitor": visitor, "data": data},
            request=request,
        )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="data-{visitor.pk}.pdf"'
    return response


@hub_permission_required(Perm.VISITOR_MANAGE)
def visitor_data_json(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    visitor, data = _export_context(request, hub, pk, "data-subject access request (JSON)")
    with translation.override(visitor.message_language):
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="data-{visitor.pk}.json"'
    return response


# Erasing is for the hub manager and professionals; the front desk sees the record and records
# withdrawals of consent, and the retention job erases a record whose every consent is withdrawn.
@hub_permission_required(Perm.VISITOR_ERASE)
@require_http_methods(["GET", "POST"])
def visitor_erase_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    visitor = _get_visitor_for_user(request, hub, pk, Perm.VISITOR_ERASE)
    form = EraseForm(request.POST or None, visitor_pk=visitor.pk)
    if request.method == "POST" and form.is_valid():
        log_person_access(request, hub=hub, subjects=[visitor], purpose="erasure")
        visitor_erase(visitor=visitor, by=request.user)
        messages.success(request, _("The record has been erased."))
        return redirect("visits:visitors", hub=hub.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "rights/visitor_erase.html",
        {"hub": hub, "visitor": visitor, "form": form},
        status=status,
    )


@hub_permission_required(Perm.HUB_MANAGE)
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest, hub: Hub) -> HttpResponse:
    policy = RetentionPolicy.for_hub(hub)
    form = RetentionPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Retention periods saved."))
        return redirect("rights:retention", hub=hub.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "rights/retention.html",
        {"hub": hub, "form": form, "preview": retention_preview(hub=hub)},
        status=status,
    )


@hub_permission_required(Perm.HUB_MANAGE)
def retention_preview_view(request: HttpRequest, hub: Hub) -> HttpResponse:
    """The dry run: how many rows each category would change tonight (htmx fragment too)."""
    template = "rights/retention.html#preview" if request.htmx else "rights/retention.html"
    form = RetentionPolicyForm(instance=RetentionPolicy.for_hub(hub))
    return render(
        request, template, {"hub": hub, "form": form, "preview": retention_preview(hub=hub)}
    )

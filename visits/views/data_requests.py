"""Requests about one's own data (GDPR art. 15-17; the Finnish client-data act): a visitor asks
through the hub's public form, staff answer from the queue.

The public form sends nothing to the contact it is given: anyone could type someone else's number
or address into it, so staff make the first contact themselves. The form says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kototori.access import Perm, has_perm, hub_permission_required, public
from kototori.audit import log_person_access
from kototori.i18n import visitor_language
from kototori.models import Hub
from kototori.ratelimit import rate_limit

from ..forms import DataRequestForm, DataRequestLinkForm, DataRequestStatusForm
from ..models import DataRequest, Visitor

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

RECEIPT_SALT = "visits.data-request-receipt"
RECEIPT_MAX_AGE = 60 * 60 * 24 * 7  # the receipt page can be reopened for a week
LIST_CLOSED = 50
PURPOSE = "data request"


def _public_hub(slug: str) -> Hub:
    if "\x00" in slug:
        raise Http404
    return get_object_or_404(Hub, slug=slug, is_active=True)


def receipt_token(data_request: DataRequest) -> str:
    return signing.dumps(data_request.pk, salt=RECEIPT_SALT)


@never_cache
@public
@visitor_language
@rate_limit("data-request", "DATA_REQUEST_RATE_LIMIT")
@require_http_methods(["GET", "POST"])
def data_request_view(request: HttpRequest, hub: str) -> HttpResponse:
    hub_obj = _public_hub(hub)
    form = DataRequestForm(request.POST if request.method == "POST" else None)
    context = {"hub": hub_obj, "form": form}
    if request.method != "POST":
        return render(request, "visits/data_request.html", context)
    if form.has_error("website"):
        # A bot filled the hidden field: it gets the usual thanks, nothing is kept.
        return render(request, "visits/data_request_sent.html", {"hub": hub_obj})
    if not form.is_valid():
        return render(request, "visits/data_request.html", context, status=400)
    language = translation.get_language()
    data_request = DataRequest.objects.create(
        hub=hub_obj,
        kind=form.cleaned_data["kind"],
        name=form.cleaned_data["name"],
        phone=form.cleaned_data["phone"],
        email=form.cleaned_data["email"],
        message=form.cleaned_data["message"],
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    return redirect(
        "visits:data_request_sent", hub=hub_obj.slug, signed=receipt_token(data_request)
    )


@never_cache
@public
@visitor_language
def data_request_sent(request: HttpRequest, hub: str, signed: str) -> HttpResponse:
    """The receipt: the reference and the date of the answer, nothing the visitor typed."""
    hub_obj = _public_hub(hub)
    try:
        pk = signing.loads(signed, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    data_request = DataRequest.objects.filter(pk=pk, hub=hub_obj).first()
    if data_request is None:
        raise Http404
    return render(
        request,
        "visits/data_request_sent.html",
        {"hub": hub_obj, "data_request": data_request},
    )


# The staff side


def _get_data_request_for_user(request: HttpRequest, hub: Hub, pk: int) -> DataRequest:
    """The hub comes from the permission decorator; a request of any other hub is 404."""
    return get_object_or_404(
        DataRequest.objects.select_related("visitor", "handled_by"), pk=pk, hub=hub
    )


@hub_permission_required(Perm.DATA_REQUEST_VIEW)
def data_request_list(request: HttpRequest, hub: Hub) -> HttpResponse:
    open_requests = list(DataRequest.objects.open().filter(hub=hub).order_by("due_on", "pk"))
    closed_requests = list(
        DataRequest.objects.closed()
        .filter(hub=hub)
        .select_related("handled_by")
        .order_by("-handled_at", "-pk")[:LIST_CLOSED]
    )
    log_person_access(
        request, hub=hub, subjects=[*open_requests, *closed_requests], purpose=PURPOSE
    )
    return render(
        request,
        "visits/data_request_list.html",
        {"hub": hub, "open_requests": open_requests, "closed_requests": closed_requests},
    )


def _possible_visitors(hub: Hub, data_request: DataRequest) -> list[Visitor]:
    """Records of this hub with the phone number or e-mail the visitor gave."""
    digits = "".join(ch for ch in data_request.phone if ch.isdigit())
    match = Q()
    if len(digits) >= 6:
        match |= Q(phone_digits=digits)
    if data_request.email:
        match |= Q(email__iexact=data_request.email)
    if not match:
        return []
    return list(
        Visitor.objects.filter(hub=hub).filter(match).exclude(pk=data_request.visitor_id)[:5]
    )


def _detail(
    request: HttpRequest,
    hub: Hub,
    data_request: DataRequest,
    *,
    link_form: DataRequestLinkForm | None = None,
    status_form: DataRequestStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    candidates = _possible_visitors(hub, data_request)
    subjects = [
        data_request,
        *([data_request.visitor] if data_request.visitor else []),
        *candidates,
    ]
    log_person_access(request, hub=hub, subjects=subjects, purpose=PURPOSE)
    link_form = link_form or DataRequestLinkForm(
        hub=hub, initial={"visitor": data_request.visitor_id}
    )
    if status_form is None and has_perm(request, Perm.DATA_REQUEST_MANAGE, hub):
        status_form = DataRequestStatusForm(
            initial={"status": data_request.status, "note": data_request.staff_note}
        )
    return render(
        request,
        "visits/data_request_detail.html",
        {
            "hub": hub,
            "data_request": data_request,
            "candidates": candidates,
            "link_form": link_form,
            "status_form": status_form,
            "can_erase": has_perm(request, Perm.VISITOR_ERASE, hub),
            "can_read_log": has_perm(request, Perm.ACCESS_LOG_VIEW, hub),
            "access_log_url": (
                f"{reverse('access_log', kwargs={'hub': hub.slug})}"
                f"?type=visits.visitor&id={data_request.visitor_id}"
            ),
        },
        status=status,
    )


@hub_permission_required(Perm.DATA_REQUEST_VIEW)
def data_request_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    return _detail(request, hub, _get_data_request_for_user(request, hub, pk))


@require_POST
@hub_permission_required(Perm.DATA_REQUEST_VIEW)
def data_request_link(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    data_request = _get_data_request_for_user(request, hub, pk)
    form = DataRequestLinkForm(request.POST, hub=hub)
    if not form.is_valid():
        return _detail(request, hub, data_request, link_form=form, status=400)
    data_request.visitor = form.cleaned_data["visitor"]
    data_request.save(update_fields=["visitor"])
    if data_request.visitor is None:
        messages.success(request, _("The link to the visitor record is removed."))
    else:
        messages.success(request, _("Linked to the visitor record."))
    return redirect("visits:data_request_detail", hub=hub.slug, pk=data_request.pk)


@require_POST
@hub_permission_required(Perm.DATA_REQUEST_MANAGE)
def data_request_status(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    data_request = _get_data_request_for_user(request, hub, pk)
    form = DataRequestStatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, hub, data_request, status_form=form, status=400)
    data_request.set_status(
        status=form.cleaned_data["status"], note=form.cleaned_data["note"], user=request.user
    )
    messages.success(request, _("Saved."))
    return redirect("visits:data_request_detail", hub=hub.slug, pk=data_request.pk)

"""Referrals to partners, and the partner's signed link that closes the loop without an account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kototori.access import Perm, hub_permission_required, public
from kototori.i18n import visitor_language
from kototori.ratelimit import rate_limit

from ..forms import ReferralForm, ReferralStatusForm
from ..models import Referral, Visit, Visitor
from ..services import (
    ReferralLinkClosed,
    ReferralLinkRevoked,
    referral_create,
    referral_from_token,
    referral_link_renew,
    referral_link_revoke,
    referral_token,
    referral_update,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


@hub_permission_required(Perm.REFERRAL_MANAGE)
def referral_list(request: HttpRequest, hub: Hub) -> HttpResponse:
    status = request.GET.get("status", "")
    referrals = Referral.objects.filter(hub=hub).select_related("partner", "service")
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    return render(
        request,
        "visits/referral_list.html",
        {
            "hub": hub,
            "referrals": referrals[:100],
            "status": status,
            "statuses": Referral.Status.choices,
        },
    )


@hub_permission_required(Perm.REFERRAL_MANAGE)
def referral_create_view(request: HttpRequest, hub: Hub) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    visit = visitor = None
    if str(source.get("visit", "")).isdecimal():
        visit = Visit.objects.filter(pk=source["visit"], hub=hub).first()
    if str(source.get("visitor", "")).isdecimal():
        visitor = Visitor.objects.filter(pk=source["visitor"], hub=hub).first()
    initial = {}
    if visit is not None:
        initial = {"topics": list(visit.topics.all()), "language": visit.language}
    form = ReferralForm(
        request.POST if request.method == "POST" else None, hub=hub, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        referral = referral_create(
            hub=hub,
            user=request.user,
            visit=visit,
            visitor=visitor or (visit.visitor if visit else None),
            **form.cleaned_data,
        )
        messages.success(
            request, _("Referral sent to %(partner)s.") % {"partner": referral.partner}
        )
        return redirect("visits:referral_detail", hub=hub.slug, pk=referral.pk)
    return render(
        request,
        "visits/referral_form.html",
        {"hub": hub, "form": form, "visit": visit, "visitor": visitor},
        status=400 if request.method == "POST" else 200,
    )


def _get_referral_for_user(hub: Hub, pk: int) -> Referral:
    """The hub comes from the permission decorator; a referral of any other hub is 404."""
    return get_object_or_404(
        Referral.objects.select_related(
            "partner", "service", "language", "created_by", "link_revoked_by"
        ),
        pk=pk,
        hub=hub,
    )


@hub_permission_required(Perm.REFERRAL_MANAGE)
def referral_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    referral = _get_referral_for_user(hub, pk)
    form = ReferralStatusForm(
        request.POST if request.method == "POST" else None,
        initial={"status": referral.status, "feedback": referral.partner_feedback},
    )
    if request.method == "POST" and form.is_valid():
        referral_update(
            referral=referral,
            status=form.cleaned_data["status"],
            feedback=form.cleaned_data["feedback"],
        )
        messages.success(request, _("Saved."))
        return redirect("visits:referral_detail", hub=hub.slug, pk=referral.pk)
    link_works = referral.link_revoked_at is None and not referral.is_closed
    return render(
        request,
        "visits/referral_detail.html",
        {
            "hub": hub,
            "referral": referral,
            "topics": list(referral.topics.all()),
            "form": form,
            # A dead link is not shown: nobody should copy it and send it on.
            "link": request.build_absolute_uri(
                reverse("visits:partner_referral", args=[referral_token(referral)])
            )
            if link_works
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@hub_permission_required(Perm.REFERRAL_MANAGE)
def referral_link_revoke_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    referral = referral_link_revoke(referral=_get_referral_for_user(hub, pk), user=request.user)
    messages.success(request, _("The partner's link no longer works."))
    return redirect("visits:referral_detail", hub=hub.slug, pk=referral.pk)


@require_POST
@hub_permission_required(Perm.REFERRAL_MANAGE)
def referral_link_new_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    referral = referral_link_renew(referral=_get_referral_for_user(hub, pk), user=request.user)
    if referral.partner.email:
        messages.success(
            request,
            _("A new link is ready and sent to %(email)s.") % {"email": referral.partner.email},
        )
    else:
        messages.success(request, _("A new link is ready: copy it and send it to the partner."))
    return redirect("visits:referral_detail", hub=hub.slug, pk=referral.pk)


def _link_not_working(request: HttpRequest, reason: str, *, status: int, **extra) -> HttpResponse:
    """The page a partner gets from a link that no longer opens the referral, in the partner's
    language (the link's ``?lang=``, else the browser's); it shows nothing of the referral."""
    return render(
        request, "visits/partner_link_invalid.html", {"reason": reason, **extra}, status=status
    )


@never_cache
@public
@visitor_language
@rate_limit("partner-link", "PARTNER_LINK_RATE_LIMIT")
def partner_referral(request: HttpRequest, token: str) -> HttpResponse:
    """What a partner sees from the link: this one referral's minimum data, and a status form."""
    try:
        referral = referral_from_token(token)
    except signing.SignatureExpired:
        return _link_not_working(request, "expired", status=410)
    except ReferralLinkRevoked:
        return _link_not_working(request, "revoked", status=410)
    except ReferralLinkClosed as closed:
        return _link_not_working(request, "closed", status=410, hub=closed.referral.hub)
    except signing.BadSignature:
        return _link_not_working(request, "invalid", status=404)
    form = ReferralStatusForm(
        request.POST if request.method == "POST" else None,
        initial={"status": referral.status, "feedback": referral.partner_feedback},
    )
    if request.method == "POST" and form.is_valid():
        referral_update(
            referral=referral,
            status=form.cleaned_data["status"],
            feedback=form.cleaned_data["feedback"],
            by_partner=True,
        )
        messages.success(request, _("Thank you. The hub can now see the update."))
        return redirect("visits:partner_referral", token=token)
    return render(
        request,
        "visits/partner_referral.html",
        {"referral": referral, "topics": list(referral.topics.all()), "form": form},
        status=400 if request.method == "POST" else 200,
    )

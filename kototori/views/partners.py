"""The partner directory: every staff role reads it; coordinators and hub managers edit it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kototori.access import Perm, hub_ids_with, hubs_with, permission_required
from kototori.forms import (
    PartnerContactFormSet,
    PartnerForm,
    PartnerSearchForm,
    PartnerServiceFormSet,
)
from kototori.models import PartnerOrganisation, translated_icontains
from kototori.services import partner_save

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def _partners_for(request: HttpRequest, perm: Perm):
    return PartnerOrganisation.objects.filter(
        hubs_served__in=hub_ids_with(request, perm)
    ).distinct()


def _get_partner_for_user(request: HttpRequest, pk: int, perm: Perm) -> PartnerOrganisation:
    partner = _partners_for(request, perm).filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


@permission_required(Perm.PARTNER_VIEW)
def partner_list(request: HttpRequest) -> HttpResponse:
    form = PartnerSearchForm(request.GET or None)
    partners = _partners_for(request, Perm.PARTNER_VIEW).prefetch_related("hubs_served", "services")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            partners = partners.filter(
                Q(name__icontains=q)
                | translated_icontains("services__name", q)
                | translated_icontains("description", q)
            ).distinct()
        if kind := form.cleaned_data["kind"]:
            partners = partners.filter(kind=kind)
    context = {
        "form": form,
        "partners": partners.order_by("name"),
        "can_edit": bool(hubs_with(request, Perm.PARTNER_MANAGE)),
    }
    template = (
        "kototori/partners/list.html#results" if request.htmx else "kototori/partners/list.html"
    )
    return render(request, template, context)


@permission_required(Perm.PARTNER_VIEW)
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _get_partner_for_user(request, pk, Perm.PARTNER_VIEW)
    can_edit = _partners_for(request, Perm.PARTNER_MANAGE).filter(pk=pk).exists()
    return render(
        request,
        "kototori/partners/detail.html",
        {
            "partner": partner,
            "services": partner.services.all(),
            "contacts": partner.contacts.all(),
            "hubs": partner.hubs_served.all(),
            "can_edit": can_edit,
        },
    )


@permission_required(Perm.PARTNER_MANAGE)
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    partner = _get_partner_for_user(request, pk, Perm.PARTNER_MANAGE) if pk else None
    hubs = hubs_with(request, Perm.PARTNER_MANAGE)
    if partner is None:
        initial_org = hubs[0].organisation_id
        partner = PartnerOrganisation(organisation_id=initial_org)
    data = request.POST if request.method == "POST" else None
    form = PartnerForm(data, instance=partner, hubs=hubs)
    formsets = [
        PartnerServiceFormSet(data, instance=partner, prefix="services"),
        PartnerContactFormSet(data, instance=partner, prefix="contacts"),
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        # Hubs this user does not coordinate keep their link to the partner.
        kept = (
            [h for h in partner.hubs_served.all() if h.pk not in {x.pk for x in hubs}]
            if partner.pk
            else []
        )
        saved = partner_save(form=form, formsets=formsets)
        if kept:
            saved.hubs_served.add(*kept)
        messages.success(request, _("Partner saved."))
        return redirect(saved)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "kototori/partners/edit.html",
        {"form": form, "formsets": formsets, "partner": partner},
        status=400 if request.method == "POST" else 200,
    )

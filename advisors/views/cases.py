"""The case pool, one case, and the moves on it (claim, note, follow-up, release, transfer,
escalate, close)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kototori.access import Perm, has_perm, hub_ids_with, hub_permission_required
from kototori.audit import log_person_access
from visits.forms import ReferralForm
from visits.models import Case, CaseNote
from visits.services import referral_create

from .. import services
from ..forms import CaseTextForm, CloseForm, EscalateForm, FollowUpForm, NoteForm, TransferForm
from ..queries import pool_for

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


# The case page holds several forms with fields of the same name (text, next_follow_up): each form
# gets its own ids, so that every label, error and help text points at its own field.
IDS = {
    "note_form": "id_note_%s",
    "follow_up_form": "id_follow_up_%s",
    "escalate_form": "id_escalate_%s",
    "handback_form": "id_handback_%s",
    "close_form": "id_close_%s",
    "transfer_form": "id_transfer_%s",
}


def _get_case_for_user(request: HttpRequest, hub: Hub, pk: int) -> Case:
    """Professionals open any case of their hub; an advisor only the cases they hold. Anything
    else is 404."""
    cases = Case.objects.filter(hub=hub).select_related("hub", "claimed_by", "visitor")
    if hub.pk in hub_ids_with(request, Perm.CASE_SUPERVISE):
        case = cases.filter(pk=pk).first()
    elif hub.pk in hub_ids_with(request, Perm.CASE_POOL):
        case = cases.filter(pk=pk, claimed_by=request.user).exclude(status=Case.Status.OPEN).first()
    else:
        case = None
    if case is None:
        raise Http404
    return case


@hub_permission_required(Perm.CASE_POOL)
def pool(request: HttpRequest, hub: Hub) -> HttpResponse:
    cases = list(pool_for(hub=hub, user=request.user)[:100])
    template = "advisors/pool.html#pool" if request.htmx else "advisors/pool.html"
    return render(request, template, {"hub": hub, "cases": cases})


@require_POST
@hub_permission_required(Perm.CASE_POOL)
def claim(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    if not Case.objects.filter(hub=hub, pk=pk).exists():
        raise Http404
    try:
        services.case_claim(case_id=pk, advisor=request.user)
    except services.CaseError as exc:
        messages.error(request, str(exc))
        return redirect("advisors:pool", hub=hub.slug)
    messages.success(request, _("The case is yours now."))
    return redirect("advisors:case", hub=hub.slug, pk=pk)


def _case_page(
    request: HttpRequest, hub: Hub, case: Case, status: int = 200, **forms
) -> HttpResponse:
    supervisor = has_perm(request, Perm.CASE_SUPERVISE, hub)
    holder = case.claimed_by_id == request.user.pk
    # Who the client is: only the holder and the hub's professionals get this far
    # (_get_case_for_user), and every showing is logged.
    visitor = case.visitor
    if visitor is not None:
        log_person_access(request, hub=hub, subjects=[visitor], purpose="case follow-up")
    can_refer = has_perm(request, Perm.REFERRAL_MANAGE, hub)
    context = {
        "hub": hub,
        "case": case,
        "referrals": list(case.referrals.select_related("partner", "service")),
        "can_refer": can_refer,
        "topics": list(case.topics.all()),
        "languages": list(case.languages.all()),
        "notes": CaseNote.objects.filter(case=case).select_related("author"),
        "visitor": visitor,
        "visitor_languages": list(visitor.languages.all()) if visitor else [],
        "is_holder": holder,
        "is_supervisor": supervisor,
        "can_act": case.status != Case.Status.CLOSED and (holder or supervisor),
        "can_close": case.status != Case.Status.CLOSED
        and (supervisor or (holder and case.status == Case.Status.CLAIMED)),
        "note_form": forms.get("note_form") or NoteForm(auto_id=IDS["note_form"]),
        "follow_up_form": forms.get("follow_up_form")
        or FollowUpForm(
            initial={"next_follow_up": case.next_follow_up}, auto_id=IDS["follow_up_form"]
        ),
        "escalate_form": forms.get("escalate_form") or EscalateForm(auto_id=IDS["escalate_form"]),
        "handback_form": forms.get("handback_form") or CaseTextForm(auto_id=IDS["handback_form"]),
        "close_form": forms.get("close_form") or CloseForm(auto_id=IDS["close_form"]),
        "transfer_form": forms.get("transfer_form")
        or TransferForm(hub=hub, exclude_user=case.claimed_by, auto_id=IDS["transfer_form"]),
    }
    context["needs_professional"] = any(t.needs_professional for t in context["topics"])
    if context["needs_professional"] and not supervisor:
        context["can_close"] = False  # the service refuses it too; don't offer what can't work
    return render(request, "advisors/case.html", context, status=status)


@hub_permission_required(Perm.CASE_POOL, Perm.CASE_SUPERVISE)
def case_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    return _case_page(request, hub, case)


def _act(request: HttpRequest, hub: Hub, case: Case, action, success: str) -> HttpResponse:
    try:
        action()
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("advisors:case", hub=hub.slug, pk=case.pk)


@require_POST
@hub_permission_required(Perm.CASE_POOL, Perm.CASE_SUPERVISE)
def case_note(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    form = NoteForm(request.POST, auto_id=IDS["note_form"])
    if not form.is_valid():
        return _case_page(request, hub, case, status=400, note_form=form)
    return _act(
        request,
        hub,
        case,
        lambda: services.case_note_add(case=case, author=request.user, **form.cleaned_data),
        _("Note saved."),
    )


@require_POST
@hub_permission_required(Perm.CASE_POOL, Perm.CASE_SUPERVISE)
def case_follow_up(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    form = FollowUpForm(request.POST, auto_id=IDS["follow_up_form"])
    if not form.is_valid():
        return _case_page(request, hub, case, status=400, follow_up_form=form)
    return _act(
        request,
        hub,
        case,
        lambda: services.case_follow_up_set(
            case=case, by=request.user, on=form.cleaned_data["next_follow_up"]
        ),
        _("Follow-up date saved."),
    )


@require_POST
@hub_permission_required(Perm.CASE_POOL, Perm.CASE_SUPERVISE)
def case_release(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    form = CaseTextForm(request.POST)
    if not form.is_valid():  # only a crafted post has a text here
        for error in form.errors["text"]:
            messages.error(request, error)
        return _case_page(request, hub, case, status=400)
    try:
        services.case_release(case=case, by=request.user, **form.cleaned_data)
    except services.CaseError as exc:
        messages.error(request, str(exc))
        return redirect("advisors:case", hub=hub.slug, pk=case.pk)
    messages.success(request, _("The case is back in the pool."))
    if has_perm(request, Perm.CASE_SUPERVISE, hub):
        return redirect("advisors:case", hub=hub.slug, pk=case.pk)
    return redirect("advisors:pool", hub=hub.slug)


@require_POST
@hub_permission_required(Perm.CASE_POOL, Perm.CASE_SUPERVISE)
def case_transfer(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    form = TransferForm(
        request.POST, hub=hub, exclude_user=case.claimed_by, auto_id=IDS["transfer_form"]
    )
    if not form.is_valid():
        return _case_page(request, hub, case, status=400, transfer_form=form)
    try:
        services.case_transfer(case=case, by=request.user, **form.cleaned_data)
    except services.CaseError as exc:
        messages.error(request, str(exc))
        return redirect("advisors:case", hub=hub.slug, pk=case.pk)
    messages.success(
        request, _("Transferred to %(name)s.") % {"name": form.cleaned_data["to"].get_full_name()}
    )
    if has_perm(request, Perm.CASE_SUPERVISE, hub):
        return redirect("advisors:case", hub=hub.slug, pk=case.pk)
    return redirect("advisors:home", hub=hub.slug)


@require_POST
@hub_permission_required(Perm.CASE_POOL, Perm.CASE_SUPERVISE)
def case_escalate(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    form = EscalateForm(request.POST, auto_id=IDS["escalate_form"])
    if not form.is_valid():
        return _case_page(request, hub, case, status=400, escalate_form=form)
    return _act(
        request,
        hub,
        case,
        lambda: services.case_escalate(case=case, by=request.user, **form.cleaned_data),
        _("Escalated. The hub's professionals were told."),
    )


@require_POST
@hub_permission_required(Perm.CASE_SUPERVISE)
def case_deescalate(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    form = CaseTextForm(request.POST, auto_id=IDS["handback_form"])
    if not form.is_valid():
        return _case_page(request, hub, case, status=400, handback_form=form)
    return _act(
        request,
        hub,
        case,
        lambda: services.case_deescalate(case=case, by=request.user, **form.cleaned_data),
        _("Handed back to the advisor."),
    )


@require_POST
@hub_permission_required(Perm.CASE_POOL, Perm.CASE_SUPERVISE)
def case_close(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, hub, pk)
    form = CloseForm(request.POST, auto_id=IDS["close_form"])
    if not form.is_valid():
        return _case_page(request, hub, case, status=400, close_form=form)
    return _act(
        request,
        hub,
        case,
        lambda: services.case_close(case=case, by=request.user, **form.cleaned_data),
        _("The case is closed. Thank you!"),
    )


@hub_permission_required(Perm.REFERRAL_MANAGE)
def case_refer(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    """Refer the case's client to a partner. Those who may refer (the policy's referral roles)
    and may open the case: the hub's professionals and its manager."""
    case = _get_case_for_user(request, hub, pk)
    languages = list(case.languages.all())
    initial = {"topics": list(case.topics.all()), "language": languages[0] if languages else None}
    form = ReferralForm(
        request.POST if request.method == "POST" else None, hub=hub, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        referral = referral_create(
            hub=hub, user=request.user, case=case, visitor=case.visitor, **form.cleaned_data
        )
        messages.success(
            request, _("Referral sent to %(partner)s.") % {"partner": referral.partner}
        )
        return redirect("advisors:case", hub=hub.slug, pk=case.pk)
    return render(
        request,
        "advisors/case_refer.html",
        {"hub": hub, "case": case, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@hub_permission_required(Perm.CASE_SUPERVISE)
def case_list(request: HttpRequest, hub: Hub) -> HttpResponse:
    status = request.GET.get("status", "")
    cases = Case.objects.filter(hub=hub).select_related("claimed_by").prefetch_related("topics")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    else:
        status = ""
        cases = cases.active()
    return render(
        request,
        "advisors/case_list.html",
        {
            "hub": hub,
            "cases": list(cases.order_by("-created_at")[:200]),
            "status": status,
            "statuses": Case.Status.choices,
        },
    )

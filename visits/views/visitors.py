"""Consented visitor records: record with consent, search, read (always logged), edit, merge."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kototori.access import Perm, has_perm, hub_ids_with, hub_permission_required
from kototori.audit import log_person_access

from ..forms import (
    ConsentForm,
    ConsentGiveForm,
    ConsentWithdrawForm,
    MergeForm,
    VisitorForm,
    VisitorSearchForm,
)
from ..models import CONSENT_TEXT_VERSION, Consent, Visit, Visitor
from ..services import (
    MergeError,
    consent_give,
    consent_withdraw,
    visitor_create,
    visitor_merge,
    visitor_update,
)

if TYPE_CHECKING:
    from datetime import datetime

    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub

SEARCH_LIMIT = 25

# What the staff member reads out or shows the visitor before recording them. Bump
# CONSENT_TEXT_VERSION in models.py whenever these change.
CONSENT_TEXTS = {
    Consent.Scope.RECORD: gettext_lazy(
        "We keep your first name, how to reach you and your languages so that we can help you "
        "again. Only the hub's staff and the advisor who helps you can see them. You can ask to "
        "see or delete them at any time."
    ),
    Consent.Scope.REMINDERS: gettext_lazy(
        "We may send you reminders about your appointments by text message or e-mail."
    ),
    Consent.Scope.REPORTING: gettext_lazy(
        "Your birth year, gender, residence status, year of arrival and municipality are used "
        "only in anonymous statistics."
    ),
}


def _get_visitor_for_user(request: HttpRequest, pk: int, perm: Perm = Perm.VISITOR_VIEW) -> Visitor:
    visitor = (
        Visitor.objects.filter(pk=pk, hub__in=hub_ids_with(request, perm))
        .select_related("hub", "created_by")
        .first()
    )
    if visitor is None:
        raise Http404
    return visitor


@hub_permission_required(Perm.VISITOR_VIEW)
def visitor_list(request: HttpRequest, hub: Hub) -> HttpResponse:
    """Search only: no list of everyone. Each person shown is written to the access log."""
    form = VisitorSearchForm(request.GET or None)
    results: list[Visitor] = []
    hub_ids = hub_ids_with(request, Perm.VISITOR_VIEW)
    if form.is_valid() and form.cleaned_data["q"]:
        # Within all of the user's hubs (this one first): a visitor may have been recorded
        # at another hub the user also works at.
        results = sorted(
            Visitor.objects.filter(hub__in=hub_ids)
            .search(form.cleaned_data["q"])
            .select_related("hub")
            .prefetch_related("languages")[:SEARCH_LIMIT],
            key=lambda v: (v.hub_id != hub.pk, v.first_name.lower(), v.pk),
        )
        for hub_id in {v.hub_id for v in results}:
            log_person_access(
                request,
                hub=hub_id,
                subjects=[v for v in results if v.hub_id == hub_id],
                purpose="search",
            )
    return render(
        request,
        "visits/visitor_list.html",
        {
            "hub": hub,
            "form": form,
            "results": results,
            "several_hubs": len(hub_ids) > 1,
            "can_manage": has_perm(request, Perm.VISITOR_MANAGE, hub),
        },
    )


@hub_permission_required(Perm.VISITOR_MANAGE)
def visitor_create_view(request: HttpRequest, hub: Hub) -> HttpResponse:
    visit = None
    visit_id = request.GET.get("visit") or request.POST.get("visit")
    if visit_id and str(visit_id).isdecimal():  # "²" is a digit, but not a number
        visit = Visit.objects.filter(pk=visit_id, hub=hub).first()
    form = VisitorForm(request.POST if request.method == "POST" else None, prefix="visitor")
    consent_form = ConsentForm(
        request.POST if request.method == "POST" else None,
        prefix="consent",
        initial={"language": get_language()},
    )
    form_valid = request.method == "POST" and form.is_valid()
    if request.method == "POST" and consent_form.is_valid() and form_valid:
        data = dict(form.cleaned_data)
        languages = data.pop("languages")
        visitor = visitor_create(
            hub=hub,
            user=request.user,
            consent_scopes=consent_form.cleaned_data["scopes"],
            consent_language=consent_form.cleaned_data["language"],
            languages=languages,
            visit=visit,
            **data,
        )
        messages.success(request, _("The visitor record was made, with their consent."))
        return redirect("visits:visitor_detail", hub=hub.slug, pk=visitor.pk)
    return render(
        request,
        "visits/visitor_form.html",
        {
            "hub": hub,
            "form": form,
            "consent_form": consent_form,
            "consent_texts": [(scope.label, CONSENT_TEXTS[scope]) for scope in Consent.Scope],
            "visit": visit,
            "visitor_languages": [
                {"code": code, "name_local": get_language_info(code)["name_local"]}
                for code in settings.VISITOR_LANGUAGES
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


# What withdrawing each consent does, shown before the staff member confirms.
WITHDRAWAL_EFFECTS = {
    Consent.Scope.RECORD: gettext_lazy(
        "Without this consent we keep no record: the visitor's other consents are withdrawn too, "
        "and the record is erased."
    ),
    Consent.Scope.REMINDERS: gettext_lazy(
        "No more reminders are sent to the visitor by text message or e-mail."
    ),
    Consent.Scope.REPORTING: gettext_lazy(
        "The visitor's birth year, gender, residence status, year of arrival and municipality are "
        "no longer used in anonymous statistics."
    ),
}


def _erasure_due(hub: Hub, withdrawn_at: datetime) -> datetime:
    """From when the retention job erases a record whose last consent was withdrawn at
    ``withdrawn_at``: the hub's withdrawn_consent_days later, at the job's first run after that."""
    from kototori.rights.models import RetentionPolicy

    return timezone.localtime(
        withdrawn_at + timedelta(days=RetentionPolicy.for_hub(hub).withdrawn_consent_days)
    )


def _scopes_to_give(consents: list[Consent]) -> list[Consent.Scope]:
    """What the visitor could agree to now: the record first; the rest only while it is kept."""
    active = {c.scope for c in consents if c.is_active}
    if Consent.Scope.RECORD not in active:
        return [Consent.Scope.RECORD]
    return [scope for scope in Consent.Scope if scope not in active]


@hub_permission_required(Perm.VISITOR_VIEW)
def visitor_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    visitor = _get_visitor_for_user(request, pk)
    if visitor.hub_id != hub.pk:
        raise Http404
    log_person_access(request, hub=visitor.hub, subjects=[visitor], purpose="record")
    consents = list(visitor.consents.select_related("recorded_by", "withdrawn_by"))
    visits = visitor.visits.select_related("language").prefetch_related("topics")[:20]
    return render(
        request,
        "visits/visitor_detail.html",
        {
            "hub": hub,
            "visitor": visitor,
            "languages": list(visitor.languages.all()),
            "consents": consents,
            "scopes_to_give": _scopes_to_give(consents),
            "erasure_due": (
                _erasure_due(hub, max(c.withdrawn_at for c in consents))
                if consents and not any(c.is_active for c in consents)
                else None
            ),
            "visits": visits,
            "referrals": visitor.referrals.select_related("partner", "service")[:20],
            "cases": visitor.cases.all()[:20],
            "can_manage": has_perm(request, Perm.VISITOR_MANAGE, hub),
            "can_erase": has_perm(request, Perm.VISITOR_ERASE, hub),
            "can_recruit": has_perm(request, Perm.ADVISOR_MANAGE, hub),
            "can_audit": has_perm(request, Perm.ACCESS_LOG_VIEW, hub),
            "merge_form": MergeForm(),
            # Numbers only: a hint to merge, without showing (and logging) another person.
            "possible_duplicates": list(
                Visitor.objects.filter(hub=hub, phone_digits=visitor.phone_digits)
                .exclude(pk=visitor.pk)
                .values_list("pk", flat=True)[:5]
            )
            if visitor.phone_digits
            else [],
        },
    )


@hub_permission_required(Perm.VISITOR_MANAGE)
def visitor_edit(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    visitor = _get_visitor_for_user(request, pk, Perm.VISITOR_MANAGE)
    if visitor.hub_id != hub.pk:
        raise Http404
    log_person_access(request, hub=hub, subjects=[visitor], purpose="edit")
    form = VisitorForm(
        request.POST if request.method == "POST" else None, instance=visitor, prefix="visitor"
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        languages = data.pop("languages")
        visitor_update(visitor=Visitor.objects.get(pk=visitor.pk), languages=languages, **data)
        messages.success(request, _("Saved."))
        return redirect("visits:visitor_detail", hub=hub.slug, pk=visitor.pk)
    return render(
        request,
        "visits/visitor_edit.html",
        {"hub": hub, "visitor": visitor, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@hub_permission_required(Perm.VISITOR_MANAGE)
def visitor_merge_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    keep = _get_visitor_for_user(request, pk, Perm.VISITOR_MANAGE)
    if keep.hub_id != hub.pk or request.method != "POST":
        raise Http404
    form = MergeForm(request.POST)
    duplicate = None
    if form.is_valid():
        duplicate = Visitor.objects.filter(hub=hub, pk=form.cleaned_data["duplicate"]).first()
    if duplicate is None or duplicate.pk == keep.pk:
        messages.error(request, _("No other record with that number in this hub."))
        return redirect("visits:visitor_detail", hub=hub.slug, pk=keep.pk)
    log_person_access(request, hub=hub, subjects=[keep, duplicate], purpose="merge")
    try:
        visitor_merge(keep=keep, duplicate=duplicate, by=request.user)
    except MergeError as exc:
        # Nothing was merged (the service is all or nothing); the reason is for the staff.
        messages.error(request, _("The records were not merged: %(reason)s") % {"reason": exc})
        return redirect("visits:visitor_detail", hub=hub.slug, pk=keep.pk)
    messages.success(request, _("The two records are now one."))
    return redirect("visits:visitor_detail", hub=hub.slug, pk=keep.pk)


@hub_permission_required(Perm.VISITOR_MANAGE)
@require_http_methods(["GET", "POST"])
def consent_withdraw_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    """The visitor withdraws one consent (GDPR art. 7(3)): GET asks to confirm, POST records it."""
    visitor = _get_visitor_for_user(request, pk, Perm.VISITOR_MANAGE)
    if visitor.hub_id != hub.pk:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    form = ConsentWithdrawForm(data, visitor=visitor)
    valid = form.is_valid()
    log_person_access(request, hub=hub, subjects=[visitor], purpose="consent withdrawal")
    if valid and form.consent is not None and not form.consent.is_active:
        messages.info(
            request,
            _("This consent was already withdrawn on %(date)s.")
            % {"date": timezone.localdate(form.consent.withdrawn_at).isoformat()},
        )
        return redirect("visits:visitor_detail", hub=hub.slug, pk=visitor.pk)
    if valid and request.method == "POST":
        consent_withdraw(consent=form.consent, by=request.user)
        if form.consent.scope == Consent.Scope.RECORD:
            messages.success(
                request,
                _(
                    "The consent to keep a record was withdrawn, and with it every other consent. "
                    "The record will be erased."
                ),
            )
        else:
            messages.success(
                request,
                _("Consent withdrawn: %(scope)s.") % {"scope": form.consent.get_scope_display()},
            )
        return redirect("visits:visitor_detail", hub=hub.slug, pk=visitor.pk)
    due = None
    if valid and form.consent.scope == Consent.Scope.RECORD:
        due = _erasure_due(hub, timezone.now())
    return render(
        request,
        "visits/consent_withdraw.html",
        {
            "hub": hub,
            "visitor": visitor,
            "form": form,
            "consent": form.consent if valid else None,
            "effect": WITHDRAWAL_EFFECTS[form.consent.scope] if valid else "",
            "erasure_due": due,
            "can_erase": has_perm(request, Perm.VISITOR_ERASE, hub),
        },
        status=200 if valid else 400,
    )


@hub_permission_required(Perm.VISITOR_MANAGE)
@require_http_methods(["GET", "POST"])
def consent_give_view(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    """The visitor gives a consent on a record that exists (after withdrawing it, or one they did
    not give at first): GET shows what they agree to, POST records it."""
    visitor = _get_visitor_for_user(request, pk, Perm.VISITOR_MANAGE)
    if visitor.hub_id != hub.pk:
        raise Http404
    if request.method == "POST":
        form = ConsentGiveForm(request.POST, visitor=visitor)
    else:  # the link names the scope; the language is chosen on the page
        initial = {"scope": request.GET.get("scope", ""), "language": visitor.message_language}
        form = ConsentGiveForm(initial, visitor=visitor)
    valid = form.is_valid()
    log_person_access(request, hub=hub, subjects=[visitor], purpose="consent")
    if valid and request.method == "POST":
        consent = consent_give(
            visitor=visitor,
            scope=form.cleaned_data["scope"],
            language=form.cleaned_data["language"],
            by=request.user,
        )
        messages.success(
            request, _("Consent recorded: %(scope)s.") % {"scope": consent.get_scope_display()}
        )
        return redirect("visits:visitor_detail", hub=hub.slug, pk=visitor.pk)
    scope = form.cleaned_data.get("scope")  # kept when only the language was wrong
    return render(
        request,
        "visits/consent_give.html",
        {
            "hub": hub,
            "visitor": visitor,
            "form": form,
            "scope_label": Consent.Scope(scope).label if scope else "",
            "consent_text": CONSENT_TEXTS[scope] if scope else "",
        },
        status=200 if valid else 400,
    )


@hub_permission_required(Perm.VISITOR_MANAGE)
def consent_text(request: HttpRequest, hub: Hub) -> HttpResponse:
    """The consent text in the visitor's language, to show them on the screen or print."""
    lang = request.GET.get("lang", "")
    if lang not in settings.VISITOR_LANGUAGES:
        raise Http404
    with translation.override(lang):
        return render(
            request,
            "visits/consent_text.html",
            {
                "hub": hub,
                "lang": lang,
                "texts": [(str(s.label), str(CONSENT_TEXTS[s])) for s in Consent.Scope],
                "version": CONSENT_TEXT_VERSION,
            },
        )

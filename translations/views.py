"""The reviewer's pages: visitor strings and event texts beside their Finnish source, approve or
correct; the overview and the ``.po`` download for managers, coordinators and reviewers; the
manager's choice of each reviewer's languages.

Every page is under ``/h/<hub>/`` and checks role and hub; a reviewer also sees only the languages
their membership in that hub names (any other language answers 404, as another hub's page would).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.models import Event, Status
from kototori.access import Perm, has_perm, hub_permission_required, roles_with
from kototori.models import Membership

from .catalogue import State, export_catalogue, find_row, visitor_rows
from .events import event_row
from .forms import (
    APPROVE,
    EventReviewForm,
    ReviewerLanguagesForm,
    StringFilterForm,
    StringReviewForm,
)
from .languages import catalogue_languages, language_name, languages_of, review_languages
from .services import (
    TextChanged,
    event_translation_review,
    reviewer_languages_set,
    string_review_save,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from kototori.models import Hub

PAGE_SIZE = 25


def _own_language(request: HttpRequest, hub: Hub, language: str) -> str:
    if language not in languages_of(request, hub.pk):
        raise Http404
    return language


def _events_to_review(hub: Hub) -> QuerySet[Event]:
    """Events a visitor can still read: not over, not cancelled; drafts too, so their translations
    can be checked before they are published."""
    return (
        Event.objects.filter(hub=hub, ends_at__gte=timezone.now())
        .exclude(status=Status.CANCELLED)
        .prefetch_related("translation_reviews")
        .order_by("starts_at", "pk")
    )


def _list_query(raw: str) -> str:
    """The list's own parameters (filter, search, page) from a posted ``next``: nothing else."""
    given = QueryDict(raw)
    kept = QueryDict(mutable=True)
    for name in ("show", "q", "page"):
        if given.get(name):
            kept[name] = given.get(name)[:100]
    return kept.urlencode()


def _counts(states: list[State]) -> dict[str, int]:
    approved = sum(state == State.APPROVED for state in states)
    return {"approved": approved, "total": len(states), "drafts": len(states) - approved}


@hub_permission_required(Perm.TRANSLATION_STATUS)
def overview(request: HttpRequest, hub: Hub) -> HttpResponse:
    """How far the review is, per language: visitor strings (all hubs) and this hub's events."""
    mine = set(languages_of(request, hub.pk))
    reviewing = has_perm(request, Perm.TRANSLATION_REVIEW, hub)
    codes = [code for code, _name in review_languages() if not reviewing or code in mine]
    events = list(_events_to_review(hub))
    catalogue = set(catalogue_languages())
    rows = []
    for code in codes:
        strings = _counts([row.state for row in visitor_rows(code)]) if code in catalogue else None
        states = [event_row(event, code).state for event in events]
        rows.append(
            {
                "code": code,
                "name": language_name(code),
                "strings": strings,
                "events": _counts([s for s in states if s != State.MISSING]),
                "reviews": code in mine,
            }
        )
    return render(
        request,
        "translations/overview.html",
        {
            "hub": hub,
            "rows": rows,
            "reviewing": reviewing,
            "no_languages": reviewing and not mine,
            "can_manage": has_perm(request, Perm.HUB_MANAGE, hub),
        },
    )


@hub_permission_required(Perm.TRANSLATION_REVIEW)
def strings(request: HttpRequest, hub: Hub, language: str) -> HttpResponse:
    """The visitor strings of one language, Finnish source beside the draft, 25 a page."""
    _own_language(request, hub, language)
    if language not in catalogue_languages():
        raise Http404
    rows = visitor_rows(language)
    filters = StringFilterForm(request.GET or None)
    shown = filters.rows(rows)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"row": row, "form": StringReviewForm(row=row, language=language)} for row in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "translations/strings.html",
        {
            "hub": hub,
            "language": language,
            "language_name": language_name(language),
            "filters": filters,
            "page": page,
            "items": items,
            "counts": _counts([row.state for row in rows]),
            "query": query.urlencode(),
            "next": _list_query(request.GET.urlencode()),
        },
    )


@require_POST
@hub_permission_required(Perm.TRANSLATION_REVIEW)
def string_review(request: HttpRequest, hub: Hub, language: str, key: str) -> HttpResponse:
    """Approve or correct one string; htmx swaps the string's card, a plain form goes back to the
    list where it was."""
    _own_language(request, hub, language)
    row = find_row(language, key) if language in catalogue_languages() else None
    if row is None:
        raise Http404
    form = StringReviewForm(request.POST, row=row, language=language)
    back = _list_query(request.POST.get("next", ""))
    note, status = "", 400
    if form.is_valid():
        approve = form.cleaned_data["action"] == APPROVE
        try:
            string_review_save(
                language=language,
                row=row,
                text=form.cleaned_data["text"],
                seen=form.cleaned_data["seen"],
                approve=approve,
                reviewer=request.user,
            )
        except TextChanged:
            note = _("The text changed while you were reading it: look again.")
        else:
            note = _("Approved.") if approve else _("Saved as a draft.")
        if not request.htmx:
            messages.info(request, note)
            url = reverse("translations:strings", kwargs={"hub": hub.slug, "language": language})
            return redirect(url + (f"?{back}" if back else ""))
        row = find_row(language, key)
        form = StringReviewForm(row=row, language=language)
        status = 200
    template = "translations/strings.html#string" if request.htmx else "translations/string.html"
    return render(
        request,
        template,
        {
            "hub": hub,
            "language": language,
            "language_name": language_name(language),
            "item": {"row": row, "form": form, "note": note},
            "query": back,
            "next": back,
        },
        status=status,
    )


@hub_permission_required(Perm.TRANSLATION_STATUS)
def export(request: HttpRequest, hub: Hub, language: str) -> HttpResponse:
    """The catalogue of ``language`` with the approved texts in it, to commit to the repository."""
    if language not in catalogue_languages():
        raise Http404
    text, _changed = export_catalogue(language)
    response = HttpResponse(text, content_type="text/x-gettext-translation; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{language}.po"'
    return response


@hub_permission_required(Perm.TRANSLATION_REVIEW)
def events(request: HttpRequest, hub: Hub, language: str) -> HttpResponse:
    _own_language(request, hub, language)
    rows = [event_row(event, language) for event in _events_to_review(hub)]
    return render(
        request,
        "translations/events.html",
        {
            "hub": hub,
            "language": language,
            "language_name": language_name(language),
            "rows": [row for row in rows if row.state != State.MISSING],
            "untranslated": [row.event for row in rows if row.state == State.MISSING],
        },
    )


@hub_permission_required(Perm.TRANSLATION_REVIEW)
def event_review(request: HttpRequest, hub: Hub, pk: int, language: str) -> HttpResponse:
    """One event's texts in one language, beside the Finnish; the reviewer corrects and approves."""
    _own_language(request, hub, language)
    event = get_object_or_404(_events_to_review(hub), pk=pk)
    row = event_row(event, language)
    form = EventReviewForm(request.POST or None, row=row)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["action"] == APPROVE
        try:
            event_translation_review(
                event=event,
                language=language,
                texts=form.texts,
                seen=form.cleaned_data["seen"],
                approve=approve,
                reviewer=request.user,
            )
        except TextChanged:
            messages.warning(
                request, _("The event was edited while you were reading it: look again.")
            )
            return redirect("translations:event", hub=hub.slug, pk=event.pk, language=language)
        messages.success(request, _("Approved.") if approve else _("Saved as a draft."))
        return redirect("translations:events", hub=hub.slug, language=language)
    return render(
        request,
        "translations/event.html",
        {
            "hub": hub,
            "event": event,
            "row": row,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "public_url": f"{event.get_absolute_url()}?lang={language}",
        },
        status=400 if request.method == "POST" else 200,
    )


def _reviewers(hub: Hub) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(hub=hub, role__in=roles_with(Perm.TRANSLATION_REVIEW))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@hub_permission_required(Perm.HUB_MANAGE)
def reviewers(request: HttpRequest, hub: Hub) -> HttpResponse:
    """The hub manager's list of reviewers, each with the languages they check."""
    members = [
        {
            "membership": membership,
            "form": ReviewerLanguagesForm(
                initial={"languages": membership.review_languages},
                prefix=f"m{membership.pk}",
            ),
        }
        for membership in _reviewers(hub)
    ]
    return render(request, "translations/reviewers.html", {"hub": hub, "members": members})


@require_POST
@hub_permission_required(Perm.HUB_MANAGE)
def reviewer_languages(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    membership = get_object_or_404(_reviewers(hub), pk=pk)
    form = ReviewerLanguagesForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        reviewer_languages_set(membership=membership, languages=form.cleaned_data["languages"])
        messages.success(
            request,
            _("%(name)s reviews: %(languages)s")
            % {
                "name": membership.user,
                "languages": ", ".join(language_name(c) for c in membership.review_languages)
                or "—",
            },
        )
    else:
        messages.error(request, _("Choose languages from the list."))
    return redirect("translations:reviewers", hub=hub.slug)

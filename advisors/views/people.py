"""Advisors on the pathway, trainings and supervision sessions: the professional's side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kototori.access import Perm, has_perm, hub_permission_required
from kototori.audit import log_person_access
from visits.models import Visitor

from .. import services
from ..forms import (
    AdvisorForm,
    CandidateFromVisitorForm,
    CompletionForm,
    DateTimeInput,
    MoveForm,
    OutcomeForm,
    SupervisionSessionForm,
)
from ..models import (
    AdvisorLanguage,
    AdvisorProfile,
    Stage,
    SupervisionSession,
    Training,
    TrainingCompletion,
    TrainingSession,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


def _get_advisor_for_user(request: HttpRequest, hub: Hub, pk: int) -> AdvisorProfile:
    advisor = (
        AdvisorProfile.objects.in_hub(hub)
        .filter(pk=pk)
        .select_related("user", "supervisor")
        .first()
    )
    if advisor is None:
        raise Http404
    return advisor


@hub_permission_required(Perm.ADVISOR_MANAGE)
def advisor_list(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = AdvisorForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        advisor = services.advisor_create(
            hub=hub,
            by=request.user,
            name=data["name"],
            user=data["user"],
            supervisor=data["supervisor"],
            topics=data["topics"],
            languages=data["languages"],
            note=data["note"],
        )
        messages.success(request, _("%(name)s is on the pathway.") % {"name": advisor.name})
        return redirect("advisors:advisor", hub=hub.slug, pk=advisor.pk)
    stage = request.GET.get("stage", "")
    advisors = (
        AdvisorProfile.objects.in_hub(hub)
        .select_related("supervisor")
        .prefetch_related(
            Prefetch("languages", queryset=AdvisorLanguage.objects.select_related("language"))
        )
    )
    if stage in Stage.values:
        advisors = advisors.filter(stage=stage)
    return render(
        request,
        "advisors/advisor_list.html",
        {
            "hub": hub,
            "advisors": list(advisors),
            "form": form,
            "stage": stage,
            "stages": Stage.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


@hub_permission_required(Perm.ADVISOR_MANAGE)
def advisor_from_visitor(request: HttpRequest, hub: Hub, visitor: int) -> HttpResponse:
    """A visitor who wants to volunteer becomes a candidate, so the pathway can be traced back."""
    if not has_perm(request, Perm.VISITOR_VIEW, hub):
        raise Http404
    record = Visitor.objects.filter(hub=hub, pk=visitor).prefetch_related("languages").first()
    if record is None:
        raise Http404
    existing = AdvisorProfile.objects.filter(visitor=record).first()
    if existing is not None:
        messages.info(request, _("This visitor is already on the pathway."))
        return redirect("advisors:advisor", hub=hub.slug, pk=existing.pk)
    log_person_access(request, hub=hub, subjects=[record], purpose="advisor candidate")
    form = CandidateFromVisitorForm(request.POST or None, initial={"name": record.first_name})
    if request.method == "POST" and form.is_valid():
        advisor = services.advisor_from_visitor(
            visitor=record,
            by=request.user,
            name=form.cleaned_data["name"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("%(name)s is on the pathway.") % {"name": advisor.name})
        return redirect("advisors:advisor", hub=hub.slug, pk=advisor.pk)
    return render(
        request,
        "advisors/advisor_from_visitor.html",
        {"hub": hub, "visitor": record, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _advisor_page(request, hub, advisor, status=200, **forms_):
    languages = [
        (al.language.code, al.level) for al in advisor.languages.select_related("language")
    ]
    initial = {
        "supervisor": advisor.supervisor,
        "topics": list(advisor.topics.all()),
        "languages": ", ".join(f"{code}:{level}" for code, level in languages),
    }
    context = {
        "hub": hub,
        "advisor": advisor,
        "steps": advisor.steps.select_related("by"),
        "outcomes": advisor.outcomes.all(),
        "advisor_languages": advisor.languages.select_related("language"),
        "completions": TrainingCompletion.objects.filter(user=advisor.user).select_related(
            "training"
        )
        if advisor.user_id
        else [],
        "can_view_visitor": has_perm(request, Perm.VISITOR_VIEW, hub),
        "move_form": forms_.get("move_form") or MoveForm(),
        "edit_form": forms_.get("edit_form") or AdvisorForm(hub=hub, editing=True, initial=initial),
        "outcome_form": forms_.get("outcome_form") or OutcomeForm(),
        "completion_form": forms_.get("completion_form") or CompletionForm(),
    }
    return render(request, "advisors/advisor_detail.html", context, status=status)


@hub_permission_required(Perm.ADVISOR_MANAGE)
def advisor_detail(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    return _advisor_page(request, hub, _get_advisor_for_user(request, hub, pk))


@require_POST
@hub_permission_required(Perm.ADVISOR_MANAGE)
def advisor_move(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    advisor = _get_advisor_for_user(request, hub, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _advisor_page(request, hub, advisor, status=400, move_form=form)
    services.advisor_move(advisor=advisor, by=request.user, **form.cleaned_data)
    messages.success(request, _("Moved to: %(stage)s") % {"stage": advisor.get_stage_display()})
    return redirect("advisors:advisor", hub=hub.slug, pk=advisor.pk)


@require_POST
@hub_permission_required(Perm.ADVISOR_MANAGE)
def advisor_edit(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    advisor = _get_advisor_for_user(request, hub, pk)
    form = AdvisorForm(request.POST, hub=hub, editing=True)
    if not form.is_valid():
        return _advisor_page(request, hub, advisor, status=400, edit_form=form)
    services.advisor_update(advisor=advisor, **form.cleaned_data)
    messages.success(request, _("Saved."))
    return redirect("advisors:advisor", hub=hub.slug, pk=advisor.pk)


@require_POST
@hub_permission_required(Perm.ADVISOR_MANAGE)
def advisor_outcome(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    advisor = _get_advisor_for_user(request, hub, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _advisor_page(request, hub, advisor, status=400, outcome_form=form)
    services.pathway_outcome_record(advisor=advisor, by=request.user, **form.cleaned_data)
    messages.success(request, _("Outcome recorded."))
    return redirect("advisors:advisor", hub=hub.slug, pk=advisor.pk)


@require_POST
@hub_permission_required(Perm.ADVISOR_MANAGE)
def advisor_completion(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    advisor = _get_advisor_for_user(request, hub, pk)
    form = CompletionForm(request.POST)
    if not form.is_valid() or advisor.user_id is None:
        if advisor.user_id is None:
            form.add_error(None, _("Link a login to this advisor first."))
        return _advisor_page(request, hub, advisor, status=400, completion_form=form)
    services.training_completion_record(user=advisor.user, **form.cleaned_data)
    messages.success(request, _("Training recorded."))
    return redirect("advisors:advisor", hub=hub.slug, pk=advisor.pk)


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["training", "starts_at", "place", "trainer"]
        widgets = {"starts_at": DateTimeInput}


class AttendanceForm(forms.Form):
    advisors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Who completed it"),
        queryset=AdvisorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisors"].queryset = AdvisorProfile.objects.in_hub(hub).filter(
            user__isnull=False
        )


@hub_permission_required(Perm.ADVISOR_MANAGE)
def trainings(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = SessionForm(request.POST or None)
    form.fields["training"].queryset = Training.objects.filter(is_active=True)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.hub = hub
        session.save()
        messages.success(request, _("Session added."))
        return redirect("advisors:training_session", hub=hub.slug, pk=session.pk)
    catalogue = Training.objects.filter(is_active=True).annotate(
        completed=Count("completions__user", distinct=True)
    )
    sessions = TrainingSession.objects.filter(hub=hub).select_related("training")[:50]
    return render(
        request,
        "advisors/trainings.html",
        {"hub": hub, "catalogue": list(catalogue), "sessions": list(sessions), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@hub_permission_required(Perm.ADVISOR_MANAGE)
def training_session(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    session = TrainingSession.objects.filter(hub=hub, pk=pk).select_related("training").first()
    if session is None:
        raise Http404
    form = AttendanceForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        for advisor in form.cleaned_data["advisors"]:
            services.training_completion_record(
                user=advisor.user,
                training=session.training,
                completed_on=timezone.localtime(session.starts_at).date(),
                session=session,
            )
        messages.success(request, _("Completions recorded."))
        return redirect("advisors:training_session", hub=hub.slug, pk=session.pk)
    return render(
        request,
        "advisors/training_session.html",
        {
            "hub": hub,
            "session": session,
            "form": form,
            "completions": session.completions.select_related("user"),
        },
        status=400 if request.method == "POST" else 200,
    )


@hub_permission_required(Perm.ADVISOR_MANAGE)
def supervision_sessions(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = SupervisionSessionForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.hub = hub
        session.supervisor = request.user
        session.save()
        form.save_m2m()
        messages.success(request, _("Supervision session logged."))
        return redirect("advisors:supervision_sessions", hub=hub.slug)
    sessions = (
        SupervisionSession.objects.filter(hub=hub)
        .select_related("supervisor")
        .prefetch_related("advisors")[:100]
    )
    return render(
        request,
        "advisors/supervision_sessions.html",
        {"hub": hub, "sessions": list(sessions), "form": form},
        status=400 if request.method == "POST" else 200,
    )

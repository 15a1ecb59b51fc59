"""Each hub's retention periods: set by the hub manager, previewed as a dry run, applied nightly,
and a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kototori.models import Role
from kototori.rights.models import RetentionPolicy
from kototori.rights.retention import retention_apply, retention_preview
from kototori.rights.tasks import apply_retention_policies
from tests.advisors.factories import CaseFactory
from tests.factories import topic
from tests.visits.factories import VisitFactory, VisitorFactory
from visits.models import Case, CaseNote, Consent, Visit, Visitor

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=800)


@pytest.fixture
def records(hub):
    """An old visitor without recent visits, a recent one, a withdrawn one, an old closed case."""
    old = VisitorFactory(hub=hub, first_name="Old", created_at=LONG_AGO)
    VisitFactory(hub=hub, visitor=old, visited_at=LONG_AGO, topics=[topic("housing")])
    recent = VisitorFactory(hub=hub, first_name="Recent", created_at=LONG_AGO)
    VisitFactory(hub=hub, visitor=recent)
    withdrawn = VisitorFactory(hub=hub, first_name="Withdrawn")
    Consent.objects.filter(visitor=withdrawn).update(
        withdrawn_at=timezone.now() - timedelta(days=40)
    )
    case = CaseFactory(
        hub=hub,
        summary="Old summary",
        status=Case.Status.CLOSED,
        closed_at=LONG_AGO,
        outcome=Case.Outcome.RESOLVED,
        topics=[topic("housing")],
    )
    CaseNote.objects.create(case=case, text="Old note")
    return {"old": old, "recent": recent, "withdrawn": withdrawn, "case": case}


def _counts(hub):
    return {category.key: count for category, count in retention_preview(hub=hub)}


def test_the_dry_run_counts_without_changing_anything(hub, records):
    counts = _counts(hub)
    assert counts["inactive-visitors"] == 1
    assert counts["withdrawn-visitors"] == 1
    assert counts["closed-case-text"] == 1
    assert Visitor.objects.count() == 3
    assert Case.objects.get().summary == "Old summary"


def test_applying_erases_what_is_due_keeps_counts_and_a_second_run_changes_nothing(hub, records):
    done = retention_apply(hub=hub)
    assert done["inactive-visitors"] == 1 and done["withdrawn-visitors"] == 1
    assert list(Visitor.objects.values_list("first_name", flat=True)) == ["Recent"]
    assert Visit.objects.count() == 2  # the visits stay, anonymous
    case = Case.objects.get()
    assert case.summary == "" and case.outcome == "resolved"
    assert not CaseNote.objects.exclude(text="").exists()
    assert set(retention_apply(hub=hub).values()) == {0}
    assert {
        c: n for c, n in _counts(hub).items() if c not in ("registrant-contacts", "access-log")
    } == {
        "inactive-visitors": 0,
        "withdrawn-visitors": 0,
        "withdrawn-consents": 0,
        "closed-case-text": 0,
        "visit-notes": 0,
        "referral-notes": 0,
        "former-members": 0,
    }


def test_a_longer_period_set_by_the_manager_keeps_the_old_record(hub, records):
    RetentionPolicy.objects.create(hub=hub, inactive_visitor_months=60)
    retention_apply(hub=hub)
    assert Visitor.objects.filter(first_name="Old").exists()


def test_one_hubs_policy_never_touches_another_hub(hub, other_hub, records):
    elsewhere = VisitorFactory(hub=other_hub, first_name="Elsewhere", created_at=LONG_AGO)
    retention_apply(hub=hub)
    assert Visitor.objects.filter(pk=elsewhere.pk).exists()


def test_the_nightly_job_applies_every_hub(hub, records, settings):
    apply_retention_policies.delay()
    assert not Visitor.objects.filter(first_name="Old").exists()
    beat = settings.CELERY_BEAT_SCHEDULE["rights-retention"]
    assert beat["task"] == "kototori.rights.tasks.apply_retention_policies"


def test_the_manager_sets_periods_and_sees_the_preview(client_for, hub, records):
    manager = client_for(Role.MANAGER, hub)
    url = reverse("rights:retention", kwargs={"hub": hub.slug})
    page = manager.get(url)
    assert page.status_code == 200
    assert "Tonight" in page.content.decode()
    saved = manager.post(
        url,
        {
            "inactive_visitor_months": 36,
            "withdrawn_consent_days": 14,
            "closed_case_months": 6,
            "former_member_months": 24,
        },
    )
    assert saved.status_code == 302
    assert RetentionPolicy.objects.get(hub=hub).inactive_visitor_months == 36


def test_an_impossible_period_is_refused_and_kept_in_the_form(client_for, hub):
    manager = client_for(Role.MANAGER, hub)
    url = reverse("rights:retention", kwargs={"hub": hub.slug})
    response = manager.post(
        url,
        {"inactive_visitor_months": 0, "withdrawn_consent_days": "x", "closed_case_months": 999},
    )
    assert response.status_code == 400
    assert not RetentionPolicy.objects.exists()
    assert 'value="999"' in response.content.decode()


def test_only_the_hub_manager_sees_the_retention_page(client_for, hub, other_hub):
    url = reverse("rights:retention", kwargs={"hub": hub.slug})
    assert client_for(Role.PROFESSIONAL, hub).get(url).status_code == 404
    assert client_for(Role.MANAGER, other_hub).get(url).status_code == 404


def test_old_visit_and_referral_notes_lose_their_text_but_keep_the_figures(hub):
    from kototori.models import PartnerOrganisation
    from visits.models import Referral

    old = Visit.objects.create(
        hub=hub, visited_at=LONG_AGO, note="Asked about her husband's permit", outcome="referred"
    )
    recent = Visit.objects.create(hub=hub, note="Fresh note")
    partner = PartnerOrganisation.objects.create(
        organisation=hub.organisation, name="Kela", kind="social_insurance"
    )
    referral = Referral.objects.create(
        hub=hub,
        partner=partner,
        note="Needs an interpreter",
        partner_feedback="Came",
        status="completed",
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=LONG_AGO)
    assert _counts(hub)["visit-notes"] == 1
    done = retention_apply(hub=hub)
    assert done["visit-notes"] == 1 and done["referral-notes"] == 1
    old.refresh_from_db()
    referral.refresh_from_db()
    recent.refresh_from_db()
    assert (old.note, old.outcome) == ("", "referred")
    assert (referral.note, referral.partner_feedback, referral.status) == ("", "", "completed")
    assert recent.note == "Fresh note"
    assert retention_apply(hub=hub)["visit-notes"] == 0

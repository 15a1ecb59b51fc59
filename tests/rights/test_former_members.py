"""Staff and volunteers who left: the team page records when a role ended; after the hub's
``former_member_months`` the retention job anonymises the person, and the figures stay."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisors.models import (
    AdvisorProfile,
    HoursEntry,
    PathwayOutcome,
    PathwayStep,
    Training,
    TrainingCompletion,
)
from kototori.models import AccessLog, Membership, Role, User
from kototori.rights.models import RetentionPolicy
from kototori.rights.retention import retention_apply, retention_preview
from kototori.rights.tasks import apply_retention_policies
from tests.advisors.factories import AdvisorProfileFactory
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MONTH = timedelta(days=31)


def _volunteer(hub, *, left_months_ago: float | None, email: str) -> User:
    """An advisor with a profile, notes, hours, a training, a login and a second factor, whose
    role in ``hub`` ended ``left_months_ago`` (None: still active)."""
    user = UserFactory(email=email, full_name="Amina Volunteer", phone="+358 40 1234567")
    membership = MembershipFactory(user=user, hub=hub, role=Role.ADVISOR)
    if left_months_ago is not None:
        membership.is_active = False
        membership.ended_at = timezone.now() - left_months_ago * MONTH
        membership.save()
    profile = AdvisorProfileFactory(user=user, name="Amina Volunteer", hubs=[hub], speaks=["ar"])
    PathwayStep.objects.create(advisor=profile, stage="active", note="Paused: her mother was ill")
    PathwayOutcome.objects.create(
        advisor=profile, kind="employment", started_on=date(2024, 3, 1), note="Job at Kela"
    )
    HoursEntry.objects.create(user=user, hub=hub, hours=Decimal("3.5"), description="Amina's desk")
    TrainingCompletion.objects.create(
        user=user, training=Training.objects.first(), completed_on=date(2024, 5, 1)
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def _counts(hub):
    return {category.key: count for category, count in retention_preview(hub=hub)}


def _hub_hours(hub):
    return HoursEntry.objects.filter(hub=hub).aggregate(h=Sum("hours"))["h"]


def test_a_volunteer_who_left_25_months_ago_is_anonymised_and_the_figures_stay(hub):
    gone = _volunteer(hub, left_months_ago=25, email="amina@example.org")
    signed_in = Client()
    signed_in.force_login(gone)
    AccessLog.objects.create(
        user=gone,
        hub=hub,
        subject_type="visits.visitor",
        subject_id=1,
        view="visits:visitor",
        purpose="follow-up",
    )
    hours_before = _hub_hours(hub)

    done = retention_apply(hub=hub)

    assert done["former-members"] == 1
    gone.refresh_from_db()
    assert gone.full_name == "" and gone.phone == ""
    assert gone.email == f"former-{gone.pk}@invalid.invalid"
    assert not gone.is_active and not gone.has_usable_password()
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert not Authenticator.objects.filter(user=gone).exists()
    assert not Client().login(username="amina@example.org", password=PASSWORD)
    assert not Session.objects.exists()
    assert signed_in.get(reverse("home")).status_code == 302  # sent to the login page
    profile = AdvisorProfile.objects.get(user=gone)
    assert "Amina" not in profile.name
    assert profile.languages.count() == 1  # links kept: the figures by language still add up
    assert not PathwayStep.objects.exclude(note="").exists()
    assert not PathwayOutcome.objects.exclude(note="").exists()
    assert PathwayOutcome.objects.get().kind == "employment"
    assert HoursEntry.objects.get().description == ""
    assert _hub_hours(hub) == hours_before == Decimal("3.5")
    assert TrainingCompletion.objects.filter(user=gone).count() == 1
    assert AccessLog.objects.filter(user=gone).count() == 1  # the log has its own rule


def test_someone_who_left_23_months_ago_or_still_helps_in_another_hub_is_untouched(hub, other_hub):
    recent = _volunteer(hub, left_months_ago=23, email="recent@example.org")
    elsewhere = _volunteer(hub, left_months_ago=30, email="elsewhere@example.org")
    MembershipFactory(user=elsewhere, hub=other_hub, role=Role.FRONT_DESK)
    here = _volunteer(hub, left_months_ago=None, email="here@example.org")

    assert retention_apply(hub=hub)["former-members"] == 0
    assert retention_apply(hub=other_hub)["former-members"] == 0
    for user in (recent, elsewhere, here):
        user.refresh_from_db()
        assert user.full_name == "Amina Volunteer" and user.is_active
    assert Client().login(username="recent@example.org", password=PASSWORD)
    assert PathwayStep.objects.exclude(note="").count() == 3


def test_the_longest_period_of_the_hubs_someone_was_in_wins(hub, other_hub):
    both = _volunteer(hub, left_months_ago=30, email="both@example.org")
    MembershipFactory(
        user=both,
        hub=other_hub,
        role=Role.ADVISOR,
        is_active=False,
        ended_at=timezone.now() - 30 * MONTH,
    )
    RetentionPolicy.objects.create(hub=other_hub, former_member_months=36)
    assert _counts(hub)["former-members"] == 0
    assert retention_apply(hub=hub)["former-members"] == 0
    RetentionPolicy.objects.filter(hub=other_hub).update(former_member_months=24)
    assert retention_apply(hub=hub)["former-members"] == 1


def test_a_role_whose_end_is_unknown_or_an_admin_account_is_never_anonymised(hub):
    unknown = _volunteer(hub, left_months_ago=30, email="unknown@example.org")
    Membership.objects.filter(user=unknown).update(ended_at=None)
    admin = _volunteer(hub, left_months_ago=30, email="admin@example.org")
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    assert retention_apply(hub=hub)["former-members"] == 0


def test_a_second_run_changes_nothing(hub):
    gone = _volunteer(hub, left_months_ago=25, email="twice@example.org")
    retention_apply(hub=hub)
    gone.refresh_from_db()
    before = (gone.email, gone.password, gone.full_name)
    assert retention_apply(hub=hub)["former-members"] == 0
    assert _counts(hub)["former-members"] == 0
    gone.refresh_from_db()
    assert (gone.email, gone.password, gone.full_name) == before


def test_the_dry_run_counts_them_without_changing_anything(hub):
    _volunteer(hub, left_months_ago=25, email="one@example.org")
    _volunteer(hub, left_months_ago=40, email="two@example.org")
    _volunteer(hub, left_months_ago=2, email="three@example.org")
    assert _counts(hub)["former-members"] == 2
    assert User.objects.filter(full_name="Amina Volunteer", is_active=True).count() == 3
    assert EmailAddress.objects.count() == 3


def test_the_nightly_job_anonymises_former_members(hub):
    gone = _volunteer(hub, left_months_ago=25, email="nightly@example.org")
    apply_retention_policies.delay()
    gone.refresh_from_db()
    assert gone.full_name == "" and not gone.is_active


def test_the_manager_sets_the_months_and_the_preview_shows_the_category(client_for, hub):
    _volunteer(hub, left_months_ago=25, email="shown@example.org")
    manager = client_for(Role.MANAGER, hub)
    url = reverse("rights:retention", kwargs={"hub": hub.slug})
    page = manager.get(url).content.decode()
    assert "Staff and volunteers whose every role ended" in page
    assert 'name="former_member_months"' in page
    saved = manager.post(
        url,
        {
            "inactive_visitor_months": 24,
            "withdrawn_consent_days": 30,
            "closed_case_months": 12,
            "former_member_months": 36,
        },
    )
    assert saved.status_code == 302
    assert RetentionPolicy.objects.get(hub=hub).former_member_months == 36
    assert _counts(hub)["former-members"] == 0


@pytest.mark.parametrize("months", ["3", "61", "soon"])
def test_an_impossible_period_for_former_members_is_refused_and_nothing_saved(
    client_for, hub, months
):
    manager = client_for(Role.MANAGER, hub)
    response = manager.post(
        reverse("rights:retention", kwargs={"hub": hub.slug}),
        {
            "inactive_visitor_months": 24,
            "withdrawn_consent_days": 30,
            "closed_case_months": 12,
            "former_member_months": months,
        },
    )
    assert response.status_code == 400
    assert not RetentionPolicy.objects.exists()
    body = response.content.decode()
    assert 'id="id_former_member_months_error"' in body
    assert f'value="{months}"' in body


def test_removing_someone_on_the_team_page_records_when_the_role_ended(client_for, hub):
    manager = client_for(Role.MANAGER, hub)
    membership = MembershipFactory(hub=hub, role=Role.ADVISOR)
    response = manager.post(reverse("team_remove", kwargs={"hub": hub.slug, "pk": membership.pk}))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert timezone.now() - membership.ended_at < timedelta(minutes=1)


def test_inviting_someone_back_clears_the_end(client_for, hub, django_capture_on_commit_callbacks):
    manager = client_for(Role.MANAGER, hub)
    membership = MembershipFactory(
        hub=hub, role=Role.ADVISOR, is_active=False, ended_at=timezone.now() - 30 * MONTH
    )
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            reverse("team", kwargs={"hub": hub.slug}),
            {
                "email": membership.user.email,
                "full_name": "Back Again",
                "role": Role.ADVISOR,
                "preferred_language": "fi",
            },
        )
    membership.refresh_from_db()
    assert membership.is_active and membership.ended_at is None
    assert _counts(hub)["former-members"] == 0

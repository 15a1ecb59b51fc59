from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors import services
from advisors.models import HoursEntry, Shift, ShiftSignup
from kototori.models import OutboundMessage, Role
from tests.advisors.factories import ShiftFactory

pytestmark = pytest.mark.django_db


def url(name, hub, **kwargs):
    return reverse(f"advisors:{name}", kwargs={"hub": hub.slug, **kwargs})


def test_a_coordinator_plans_a_shift_and_an_advisor_signs_up(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    start = (timezone.localtime() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    response = coordinator.post(
        url("shifts", hub),
        {
            "title": "Front desk",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 1,
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get()
    advisor = client_for(Role.ADVISOR, hub)
    advisor.post(url("shift_signup", hub, pk=shift.pk))
    assert ShiftSignup.objects.filter(shift=shift, user=advisor.user).exists()
    home = advisor.get(url("home", hub))
    assert home.context["next_shift"] == shift
    second = client_for(Role.ADVISOR, hub)
    full = second.post(url("shift_signup", hub, pk=shift.pk), follow=True)
    assert "This shift is full." in full.content.decode()
    advisor.post(url("shift_cancel", hub, pk=shift.pk))
    assert not ShiftSignup.objects.exists()


def test_a_shift_that_ends_before_it_starts_is_refused(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    response = coordinator.post(
        url("shifts", hub),
        {
            "title": "Oops",
            "starts_at": "2031-01-01T12:00",
            "ends_at": "2031-01-01T10:00",
            "capacity": 1,
        },
    )
    assert response.status_code == 400
    assert "The shift must end after it starts." in response.content.decode()


def test_an_advisor_cannot_plan_shifts(client_for, hub):
    advisor = client_for(Role.ADVISOR, hub)
    response = advisor.post(
        url("shifts", hub),
        {
            "title": "x",
            "starts_at": "2031-01-01T10:00",
            "ends_at": "2031-01-01T12:00",
            "capacity": 1,
        },
    )
    assert response.status_code == 404
    assert not Shift.objects.exists()


def test_shift_sign_up_is_for_advisors_of_the_hub_only(client_for, hub, other_hub):
    shift = ShiftFactory(hub=hub)
    assert (
        client_for(Role.ADVISOR, other_hub)
        .post(url("shift_signup", other_hub, pk=shift.pk))
        .status_code
        == 404
    )
    assert (
        client_for(Role.COORDINATOR, hub).post(url("shift_signup", hub, pk=shift.pk)).status_code
        == 404
    )
    assert client_for(Role.FRONT_DESK, hub).get(url("shifts", hub)).status_code == 404


def test_hours_add_up_shifts_and_manual_entries_by_month(client_for, hub):
    advisor = client_for(Role.ADVISOR, hub)
    now = timezone.now()
    past = ShiftFactory(
        hub=hub, starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=1)
    )
    ShiftSignup.objects.create(shift=past, user=advisor.user)
    response = advisor.post(
        url("hours", hub), {"on": timezone.localdate(), "hours": "1.5", "description": "Calls"}
    )
    assert response.status_code == 302
    page = advisor.get(url("hours", hub))
    this_month = page.context["months"][0]
    assert this_month["shift_hours"] == Decimal("4.0")
    assert this_month["manual_hours"] == Decimal("1.5")
    assert this_month["total"] == Decimal("5.5")
    home = advisor.get(url("home", hub))
    assert home.context["hours"] == Decimal("5.5")


def test_hours_in_the_future_are_refused_and_the_text_kept(client_for, hub):
    advisor = client_for(Role.ADVISOR, hub)
    response = advisor.post(
        url("hours", hub),
        {"on": timezone.localdate() + timedelta(days=2), "hours": "2", "description": "Keep this"},
    )
    assert response.status_code == 400
    assert "Keep this" in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_the_shift_reminder_goes_out_once(client_for, hub):
    advisor = client_for(Role.ADVISOR, hub)
    soon = ShiftFactory(hub=hub, starts_at=timezone.now() + timedelta(hours=20))
    later = ShiftFactory(hub=hub, starts_at=timezone.now() + timedelta(days=5))
    ShiftSignup.objects.create(shift=soon, user=advisor.user)
    ShiftSignup.objects.create(shift=later, user=advisor.user)
    services.shift_reminders_send()
    services.shift_reminders_send()
    assert OutboundMessage.objects.filter(key__startswith="shift-remind:").count() == 1


@pytest.mark.parametrize(
    ("language", "when"), [("fi", "5.10.2026 14.30"), ("en", "10/05/2026 2:30 p.m.")]
)
def test_the_shift_reminder_writes_the_time_as_the_recipients_language_does(
    client_for, hub, language, when
):
    from datetime import datetime

    advisor = client_for(Role.ADVISOR, hub, preferred_language=language)
    starts = timezone.make_aware(datetime(2026, 10, 5, 14, 30))
    ShiftSignup.objects.create(shift=ShiftFactory(hub=hub, starts_at=starts), user=advisor.user)
    services.shift_reminders_send(now=starts - timedelta(hours=3))
    assert when in OutboundMessage.objects.get(key__startswith="shift-remind:").body


def test_the_shift_plan_runs_a_fixed_number_of_queries(
    client_for, hub, django_assert_max_num_queries
):
    coordinator = client_for(Role.COORDINATOR, hub)
    advisor = client_for(Role.ADVISOR, hub)
    ShiftSignup.objects.create(shift=ShiftFactory(hub=hub), user=advisor.user)
    with django_assert_max_num_queries(30) as captured:
        coordinator.get(url("shifts", hub))
    baseline = len(captured)
    for _i in range(8):
        ShiftSignup.objects.create(shift=ShiftFactory(hub=hub), user=advisor.user)
    with django_assert_max_num_queries(baseline):
        coordinator.get(url("shifts", hub))

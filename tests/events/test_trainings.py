"""Advisor trainings are events for advisors; checking an advisor in records the training."""

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors.models import Training, TrainingCompletion
from events.models import Audience
from kototori.models import Role
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(db):
    return Training.objects.create(key="community-coaching-test", name="Yhteisövalmennus")


@pytest.fixture
def training_event(hub, training):
    return EventFactory(
        hub=hub, audience=Audience.ADVISORS, training=training, kind="training", capacity=None
    )


def test_checking_an_advisor_in_records_the_training_once(
    client_for, make_member, hub, training, training_event
):
    advisor = make_member(Role.ADVISOR, hub)
    coordinator = client_for(Role.COORDINATOR, hub)
    target = reverse("events:advisor_attended", kwargs={"hub": hub.slug, "pk": training_event.pk})
    assert coordinator.post(target, {"user": advisor.pk}).status_code == 302
    assert coordinator.post(target, {"user": advisor.pk}).status_code == 302
    completion = TrainingCompletion.objects.get(user=advisor, training=training)
    assert completion.event_id == training_event.pk
    assert completion.completed_on == timezone.localtime(training_event.starts_at).date()
    assert training_event.registrations.filter(user=advisor).count() == 1


def test_a_registered_advisor_checked_in_from_the_list_completes_the_training(
    client_for, make_member, hub, training, training_event
):
    advisor = make_member(Role.ADVISOR, hub)
    registration = RegistrationFactory(event=training_event, user=advisor, name="Advisor")
    desk = client_for(Role.FRONT_DESK, hub)
    desk.post(
        reverse(
            "events:checkin_mark",
            kwargs={"hub": hub.slug, "pk": training_event.pk, "rid": registration.pk},
        ),
        {"attendance": "came"},
    )
    assert TrainingCompletion.objects.filter(user=advisor, training=training).count() == 1


def test_only_advisors_of_the_hub_can_be_added(
    client_for, make_member, hub, other_hub, training_event
):
    outsider = make_member(Role.ADVISOR, other_hub)
    coordinator = client_for(Role.COORDINATOR, hub)
    target = reverse("events:advisor_attended", kwargs={"hub": hub.slug, "pk": training_event.pk})
    assert coordinator.post(target, {"user": outsider.pk}).status_code == 400
    assert not TrainingCompletion.objects.exists()


def test_advisor_trainings_stay_off_the_public_calendar(client, hub, training_event):
    assert client.get(training_event.get_absolute_url()).status_code == 404

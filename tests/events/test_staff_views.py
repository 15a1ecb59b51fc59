import pytest
from django.urls import reverse

from events.models import Event, Registration, Status
from events.services import SignUp, registration_create
from kototori.models import AccessLog, OutboundMessage, Role
from tests.events.factories import EventFactory, FeedbackFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def url(name, hub, **kwargs):
    return reverse(f"events:{name}", kwargs={"hub": hub.slug, **kwargs})


def event_form_data(**overrides):
    data = {
        "kind": "language_cafe",
        "audience": "everyone",
        "starts_at": "2031-03-02T17:00",
        "ends_at": "2031-03-02T19:00",
        "place": "Kirjasto",
        "capacity": "12",
        "registration_required": "on",
        "title_fi": "Kielikahvila",
        "summary_fi": "Puhutaan suomea yhdessä.",
        "title_ar": "مقهى اللغة",
        "summary_ar": "نتحدث الفنلندية معًا.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", ["dashboard", "create", "feedback"])
def test_event_pages_are_for_coordinators_and_managers_of_the_hub(
    client, client_for, hub, other_hub, name
):
    assert client_for(Role.COORDINATOR, hub).get(url(name, hub)).status_code == 200
    assert client_for(Role.MANAGER, hub).get(url(name, hub)).status_code == 200
    assert client_for(Role.FRONT_DESK, hub).get(url(name, hub)).status_code == 404
    assert client_for(Role.ADVISOR, hub).get(url(name, hub)).status_code == 404
    assert client_for(Role.COORDINATOR, other_hub).get(url(name, hub)).status_code == 404
    anonymous = client.get(url(name, hub))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_the_coordinators_home_is_the_events_dashboard(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    response = coordinator.get(reverse("home"))
    assert response["Location"] == url("dashboard", hub)


def test_a_coordinator_creates_an_event_in_finnish_and_arabic_and_publishes_it(
    client_for, hub, client
):
    coordinator = client_for(Role.COORDINATOR, hub)
    response = coordinator.post(url("create", hub), event_form_data())
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.status == Status.DRAFT
    assert event.title_ar == "مقهى اللغة"
    assert client.get(event.get_absolute_url()).status_code == 404  # a draft is not public
    coordinator.post(url("publish", hub, pk=event.pk))
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    page = client.get(event.get_absolute_url() + "?lang=ar").content.decode()
    assert "مقهى اللغة" in page


def test_the_form_shows_which_translations_are_missing(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    event = EventFactory(hub=hub, title_fi="Retki", title_en="Excursion")
    page = coordinator.get(url("edit", hub, pk=event.pk)).content.decode()
    assert 'data-lang="ar"' in page
    arabic = page.split('data-lang="ar"', 1)[1].split("</summary>", 1)[0]
    assert "Missing" in arabic
    english = page.split('data-lang="en"', 1)[1].split("</summary>", 1)[0]
    assert "Translated" in english


def test_a_bad_event_form_keeps_what_was_typed_and_saves_nothing(client_for, hub):
    coordinator = client_for(Role.COORDINATOR, hub)
    data = event_form_data(ends_at="2031-03-02T16:00", title_fi="", summary_so="Qoraal")
    response = coordinator.post(url("create", hub), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The event must end after it starts." in page
    assert "Add a title in this language" in page
    assert "مقهى اللغة" in page
    assert Event.objects.count() == 0


def test_a_coordinator_cannot_open_another_hubs_event(client_for, hub, other_hub):
    theirs = EventFactory(hub=other_hub)
    coordinator = client_for(Role.COORDINATOR, hub)
    assert coordinator.get(url("detail", hub, pk=theirs.pk)).status_code == 404
    assert coordinator.get(url("detail", other_hub, pk=theirs.pk)).status_code == 404
    assert coordinator.post(url("cancel", hub, pk=theirs.pk)).status_code == 404


def test_the_event_page_lists_registrants_and_logs_who_saw_them(client_for, hub):
    event = EventFactory(hub=hub, capacity=1)
    RegistrationFactory(event=event, name="Leila")
    RegistrationFactory(event=event, name="Waiting Wanda", status="waiting")
    coordinator = client_for(Role.COORDINATOR, hub)
    page = coordinator.get(url("detail", hub, pk=event.pk)).content.decode()
    assert "Leila" in page and "Waiting Wanda" in page
    assert AccessLog.objects.filter(user=coordinator.user, subject_type="events.registration")
    assert AccessLog.objects.count() == 2


def test_the_event_page_has_a_whatsapp_share_text_in_the_chosen_languages(client_for, hub):
    event = EventFactory(hub=hub, title_fi="Kielikahvila", title_ar="مقهى اللغة")
    coordinator = client_for(Role.COORDINATOR, hub)
    page = coordinator.get(
        url("detail", hub, pk=event.pk), {"languages": ["fi", "ar"]}
    ).content.decode()
    assert "https://wa.me/?text=" in page
    text = page.split('id="share-text"', 1)[1].split("</textarea>", 1)[0]
    assert "Kielikahvila" in text and "مقهى اللغة" in text
    assert "?lang=ar" in text


def test_cancelling_an_event_notifies_the_people_signed_up(client_for, hub):
    event = EventFactory(hub=hub)
    registration_create(event=event, signup=SignUp(name="A", email="a@example.org"))
    coordinator = client_for(Role.COORDINATOR, hub)
    coordinator.post(url("cancel", hub, pk=event.pk))
    event.refresh_from_db()
    assert event.status == Status.CANCELLED
    assert OutboundMessage.objects.filter(key__startswith="event-event_cancelled:").count() == 1


def test_staff_cancel_a_sign_up_and_the_next_one_moves_up(client_for, hub):
    event = EventFactory(hub=hub, capacity=1)
    first = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waiting")
    coordinator = client_for(Role.COORDINATOR, hub)
    coordinator.post(url("registration_cancel", hub, pk=event.pk, rid=first.pk))
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.COORDINATOR, Role.MANAGER])
def test_front_desk_and_coordinators_check_people_in(client_for, hub, role):
    event = EventFactory(hub=hub)
    registration = RegistrationFactory(event=event, name="Hassan", group="newcomer")
    staff = client_for(role, hub)
    page = staff.get(url("checkin", hub, pk=event.pk)).content.decode()
    assert "Hassan" in page
    response = staff.post(
        url("checkin_mark", hub, pk=event.pk, rid=registration.pk),
        {"attendance": "came"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "checkin-row came" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance == "came"
    assert registration.checked_in_at is not None


def test_check_in_is_closed_to_other_roles_and_hubs(client, client_for, hub, other_hub):
    event = EventFactory(hub=hub)
    target = url("checkin", hub, pk=event.pk)
    assert client_for(Role.ADVISOR, hub).get(target).status_code == 404
    assert client_for(Role.FUNDER, hub).get(target).status_code == 404
    assert client_for(Role.FRONT_DESK, other_hub).get(target).status_code == 404
    assert client.get(target).status_code == 302
    assert client_for(Role.FRONT_DESK, hub).get(url("detail", hub, pk=event.pk)).status_code == 404


def test_walk_ins_and_a_head_count_give_the_two_way_integration_figure(client_for, hub):
    event = EventFactory(hub=hub, capacity=1)
    RegistrationFactory(event=event)
    desk = client_for(Role.FRONT_DESK, hub)
    desk.post(
        url("walk_in", hub, pk=event.pk), {"name": "Door", "party_size": 2, "group": "resident"}
    )
    desk.post(url("head_count", hub, pk=event.pk), {"newcomers": 4, "residents": 1})
    page = desk.get(url("checkin", hub, pk=event.pk)).content.decode()
    assert "7 here · newcomers 4 · long-term residents 3" in page
    walk_in = event.registrations.get(walk_in=True)
    assert walk_in.status == "confirmed" and walk_in.attendance == "came"
    bad = desk.post(url("head_count", hub, pk=event.pk), {"newcomers": -1, "residents": "x"})
    assert bad.status_code == 400


def test_no_shows_are_marked_after_the_event(client_for, hub):
    event = EventFactory(hub=hub)
    came = RegistrationFactory(event=event, attendance="came")
    absent = RegistrationFactory(event=event)
    client_for(Role.FRONT_DESK, hub).post(url("no_shows", hub, pk=event.pk))
    absent.refresh_from_db()
    came.refresh_from_db()
    assert absent.attendance == Registration.Attendance.NO_SHOW
    assert came.attendance == "came"


def test_the_dashboard_shows_places_waiting_lists_translations_and_feedback(
    client_for, hub, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(5):
        event = EventFactory(hub=hub, capacity=1, title_fi="Tuleva", title_en="")
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, status="waiting")
    start = timezone.now() - timedelta(days=3)
    past = EventFactory(hub=hub, title_en="Past one", starts_at=start, ends_at=start)
    FeedbackFactory(event=past, enjoyed=3)
    FeedbackFactory(event=past, enjoyed=2)
    coordinator = client_for(Role.COORDINATOR, hub)
    with django_assert_max_num_queries(20):
        page = coordinator.get(url("dashboard", hub)).content.decode()
    assert "Tuleva" in page and "Past one" in page
    assert "1 / 1" in page
    assert "2.5 / 3" in page


def test_feedback_by_kind(client_for, hub):
    FeedbackFactory(event=EventFactory(hub=hub, kind="cooking"), enjoyed=1)
    FeedbackFactory(event=EventFactory(hub=hub, kind="cafe"), enjoyed=3)
    page = client_for(Role.COORDINATOR, hub).get(url("feedback", hub)).content.decode()
    assert "Cooking group" in page and "Café" in page

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Audience, Event, Kind, Registration, Status
from events.services import SignUp, cancel_token, registration_create
from kototori.models import Language, OutboundMessage
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "name": "Amina",
        "party_size": "1",
        "group": "newcomer",
        "email": "",
        "phone": "",
        "language": "ar",
        "token": str(uuid.uuid4()),
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_calendar_shows_published_events_of_the_hub_only(client, hub, other_hub):
    EventFactory(hub=hub, title_fi="Kielikahvila", kind=Kind.LANGUAGE_CAFE)
    EventFactory(hub=hub, title_fi="Luonnos", status=Status.DRAFT)
    EventFactory(hub=hub, title_fi="Vain neuvojille", audience=Audience.ADVISORS)
    EventFactory(hub=other_hub, title_fi="Kontulan retki")
    response = client.get(reverse("events:calendar", kwargs={"hub": hub.slug}) + "?lang=fi")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kielikahvila" in page
    assert "Luonnos" not in page
    assert "Vain neuvojille" not in page
    assert "Kontulan retki" not in page


def test_the_calendar_filters_by_kind_and_by_the_language_spoken(client, hub):
    arabic = Language.objects.get(code="ar")
    cafe = EventFactory(hub=hub, title_fi="Arabiankielinen kahvila", kind=Kind.CAFE)
    cafe.languages.add(arabic)
    EventFactory(hub=hub, title_fi="Syyrialaiset mezet", kind=Kind.COOKING)
    url = reverse("events:calendar", kwargs={"hub": hub.slug})
    by_kind = client.get(url, {"kind": "cooking", "lang": "fi"}).content.decode()
    assert "Syyrialaiset mezet" in by_kind and "Arabiankielinen" not in by_kind
    by_language = client.get(url, {"language": "ar", "lang": "fi"}).content.decode()
    assert "Arabiankielinen" in by_language and "Syyrialaiset mezet" not in by_language


def test_the_calendar_is_cached_and_a_saved_event_shows_at_once(
    client, hub, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for i in range(15):
        EventFactory(hub=hub, title_fi=f"Tapahtuma {i}")
    url = reverse("events:calendar", kwargs={"hub": hub.slug}) + "?lang=fi"
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(1):  # the hub; the rest comes from the cache
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(hub=hub, title_fi="Ihan uusi")
    assert "Ihan uusi" in client.get(url).content.decode()


def test_a_new_sign_up_updates_the_places_left_on_the_cached_event_page(
    client, hub, django_capture_on_commit_callbacks
):
    event = EventFactory(hub=hub, capacity=5)
    url = event.get_absolute_url() + "?lang=en"
    assert '<dd class="places-left">5</dd>' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(event=event, signup=SignUp(name="A", party_size=2))
    assert '<dd class="places-left">3</dd>' in client.get(url).content.decode()


def test_the_calendar_speaks_the_visitors_language_right_to_left(client, hub):
    EventFactory(hub=hub, title_fi="Kahvila", title_ar="مقهى")
    response = client.get(reverse("events:calendar", kwargs={"hub": hub.slug}) + "?lang=ar")
    page = response.content.decode()
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "مقهى" in page
    # The choice sticks without login: the next page comes in Arabic without ?lang=.
    assert response.cookies["kototori_language"].value == "ar"
    again = client.get(reverse("events:calendar", kwargs={"hub": hub.slug})).content.decode()
    assert 'dir="rtl"' in again


def test_an_untranslated_event_falls_back_to_finnish_and_says_so(client, hub):
    event = EventFactory(hub=hub, title_fi="Asuntoinfo", title_en="")
    page = client.get(event.get_absolute_url() + "?lang=so").content.decode()
    assert "Asuntoinfo" in page
    assert "translation-missing" in page
    translated = client.get(event.get_absolute_url() + "?lang=fi").content.decode()
    assert "translation-missing" not in translated


def test_an_untranslated_description_inside_an_arabic_page_is_marked_finnish_with_a_note(
    client, hub
):
    event = EventFactory(
        hub=hub,
        title_fi="Asuntoinfo",
        title_ar="معلومات السكن",
        summary_fi="Vuokrasopimukset tutuiksi.",
        summary_ar="تعرف على عقود الإيجار.",
        description_fi="Tule kysymään vuokrasopimuksista.",
    )
    page = client.get(event.get_absolute_url() + "?lang=ar").content.decode()
    # The translated parts are the page's own language; the one shown in Finnish says so.
    assert "<h1>معلومات السكن</h1>" in page
    assert '<p class="lead">تعرف على عقود الإيجار.</p>' in page
    assert '<div class="event-description" lang="fi" dir="ltr">' in page
    assert "Tule kysymään vuokrasopimuksista." in page
    note = re.search(r'<p class="[^"]*translation-missing[^"]*"[^>]*>(.*?)</p>', page, re.S)
    assert note and "العربيّة" in note.group(1)  # Arabic, in Arabic
    assert 'lang="fi"' not in note.group(0)  # the note is in the visitor's language
    translated = client.get(event.get_absolute_url() + "?lang=fi").content.decode()
    assert "translation-missing" not in translated
    assert '<div class="event-description">' in translated


@pytest.mark.parametrize(
    "page", ["calendar", "event", "register", "registration", "cancel", "poster", "feedback"]
)
def test_every_public_page_marks_an_event_title_shown_in_another_language(client, hub, page):
    start = timezone.now() - timedelta(hours=1) if page == "feedback" else None
    event = EventFactory(
        hub=hub,
        title_fi="Asuntoinfo",
        title_en="",
        **({"starts_at": start, "ends_at": start + timedelta(hours=3)} if start else {}),
    )
    registration, _ = registration_create(event=event, signup=SignUp(name="Amina"))
    urls = {
        "calendar": reverse("events:calendar", kwargs={"hub": hub.slug}),
        "event": event.get_absolute_url(),
        "register": reverse("events:register", kwargs={"hub": hub.slug, "pk": event.pk}),
        "registration": reverse(
            "events:registration", kwargs={"signed": cancel_token(registration)}
        ),
        "cancel": reverse(
            "events:cancel_registration", kwargs={"signed": cancel_token(registration)}
        ),
        "poster": reverse("events:poster", kwargs={"hub": hub.slug, "pk": event.pk}),
        "feedback": reverse("events:feedback_form", kwargs={"hub": hub.slug, "pk": event.pk}),
    }
    html = client.get(urls[page] + "?lang=so").content.decode()
    assert re.search(r'lang="fi" dir="ltr">(<a [^>]*>)?Asuntoinfo<', html), html
    assert "translation-missing" in html


def test_the_event_page_has_open_graph_tags_for_a_shared_link(client, hub):
    event = EventFactory(hub=hub, title_fi="Kielikahvila", summary_fi="Puhutaan suomea.")
    page = client.get(event.get_absolute_url() + "?lang=fi").content.decode()
    assert '<meta property="og:title" content="Kielikahvila">' in page
    assert 'property="og:description"' in page and "Puhutaan suomea." in page
    assert f'content="http://testserver{event.get_absolute_url()}' in page or (
        'property="og:url"' in page
    )


def test_the_event_page_runs_a_bounded_number_of_queries(
    client, hub, django_assert_max_num_queries
):
    event = EventFactory(hub=hub)
    url = event.get_absolute_url() + "?lang=fi"
    client.get(url)
    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200


def test_drafts_and_other_hubs_events_are_not_found(client, hub, other_hub):
    draft = EventFactory(hub=hub, status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    theirs = EventFactory(hub=other_hub)
    wrong_hub = reverse("events:public_event", kwargs={"hub": hub.slug, "pk": theirs.pk})
    assert client.get(wrong_hub).status_code == 404


def test_a_visitor_signs_up_and_sees_their_place(client, hub):
    event = EventFactory(hub=hub, capacity=5)
    url = reverse("events:register", kwargs={"hub": hub.slug, "pk": event.pk})
    response = client.post(url + "?lang=ar", signup_data(email="amina@example.org"), follow=True)
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    assert registration.language == "ar"
    assert registration.group == "newcomer"
    assert 'dir="rtl"' in response.content.decode()
    assert OutboundMessage.objects.filter(key=f"event-confirmed:{registration.pk}").exists()


def test_a_double_click_registers_once(client, hub):
    event = EventFactory(hub=hub, capacity=5)
    url = reverse("events:register", kwargs={"hub": hub.slug, "pk": event.pk})
    data = signup_data()
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Please write your name."),
        ({"party_size": "0"}, "party_size", "At least one person."),
        ({"party_size": "40"}, "party_size", "At most 10 people in one sign-up."),
        ({"email": "not-an-address"}, "email", "Please check the e-mail address."),
        ({"phone": "call me"}, "phone", "Please write the phone number with digits only"),
        ({"remind": "on"}, "remind", "For a reminder, please give an e-mail address"),
        ({"website": "http://spam"}, "website", "Please leave this field empty."),
    ],
)
def test_bad_sign_ups_are_refused_with_a_clear_message_and_keep_what_was_typed(
    client, hub, overrides, field, message
):
    event = EventFactory(hub=hub, capacity=5)
    url = reverse("events:register", kwargs={"hub": hub.slug, "pk": event.pk})
    data = signup_data(**{"name": "Typed Name", **overrides})
    response = client.post(url + "?lang=en", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert Registration.objects.count() == 0
    if field != "name":
        assert 'value="Typed Name"' in page


def test_sign_ups_are_rate_limited(client, hub, settings):
    settings.EVENT_SIGNUP_RATE_LIMIT = "10/10m"  # per event and address (kototori.ratelimit)
    event = EventFactory(hub=hub, capacity=100)
    url = reverse("events:register", kwargs={"hub": hub.slug, "pk": event.pk})
    codes = [client.post(url, signup_data()).status_code for _ in range(11)]
    assert codes[:10] == [302] * 10
    assert codes[10] == 429


def test_the_signed_link_cancels_and_promotes_the_next_person(client, hub):
    event = EventFactory(hub=hub, capacity=1)
    first, _ = registration_create(event=event, signup=SignUp(name="First"))
    waiting, _ = registration_create(
        event=event, signup=SignUp(name="Second", email="s@example.org")
    )
    url = reverse("events:cancel_registration", kwargs={"signed": cancel_token(first)})
    assert "First" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == "cancelled"
    assert waiting.status == "confirmed"
    assert OutboundMessage.objects.filter(key=f"event-promoted:{waiting.pk}").count() == 1
    forged = reverse("events:cancel_registration", kwargs={"signed": "x" + cancel_token(first)})
    assert client.get(forged).status_code == 404


def test_the_pages_behind_a_signed_link_name_the_person_and_are_never_cached(client, hub):
    event = EventFactory(hub=hub)
    registration, _ = registration_create(event=event, signup=SignUp(name="Pirkko"))
    signed = cancel_token(registration)
    for name in ("events:registration", "events:cancel_registration"):
        response = client.get(reverse(name, kwargs={"signed": signed}))
        assert "Pirkko" in response.content.decode()
        assert "no-store" in response["Cache-Control"], name


@pytest.mark.parametrize("name", ["events:registration", "events:cancel_registration"])
def test_after_the_event_its_signed_links_say_it_is_over_and_name_nobody(client, hub, name):
    event = EventFactory(hub=hub, title_en="Language café")
    registration, _ = registration_create(
        event=event, signup=SignUp(name="Pirkko", email="pirkko@example.org")
    )
    url = reverse(name, kwargs={"signed": cancel_token(registration)}) + "?lang=en"
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(minutes=1)
    )
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This event is over" in html and "Language café" in html
    assert "Pirkko" not in html and "pirkko@example.org" not in html
    assert "no-store" in response["Cache-Control"]
    assert client.post(url).status_code == 410
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # nothing changes after the event


def test_the_waiting_page_tells_the_place_in_line(client, hub):
    event = EventFactory(hub=hub, capacity=1)
    registration_create(event=event, signup=SignUp(name="A"))
    registration_create(event=event, signup=SignUp(name="B"))
    third, _ = registration_create(event=event, signup=SignUp(name="C"))
    url = reverse("events:registration", kwargs={"signed": cancel_token(third)})
    page = client.get(url + "?lang=en").content.decode()
    assert "number 2 on the waiting list" in page


def test_the_poster_carries_a_qr_code_to_the_event(client, hub):
    event = EventFactory(hub=hub, title_fi="Retki")
    page = client.get(reverse("events:poster", kwargs={"hub": hub.slug, "pk": event.pk}))
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert "Retki" in html


def test_feedback_is_anonymous_and_opens_when_the_event_has_started(client, hub):
    start = timezone.now() - timedelta(hours=3)
    past = EventFactory(hub=hub, starts_at=start, ends_at=start + timedelta(hours=2))
    future = EventFactory(hub=hub)
    url = reverse("events:feedback_form", kwargs={"hub": hub.slug, "pk": past.pk})
    data = {
        "enjoyed": "3",
        "met_people": "2",
        "come_again": "3",
        "token": str(uuid.uuid4()),
        "website": "",
    }
    assert client.post(url + "?lang=uk", data).status_code == 200
    assert client.post(url + "?lang=uk", data).status_code == 200  # double-click
    feedback = past.feedback.get()
    assert (feedback.enjoyed, feedback.met_people, feedback.come_again) == (3, 2, 3)
    assert feedback.language == "uk"
    missing = client.post(url + "?lang=en", {**data, "token": str(uuid.uuid4()), "enjoyed": ""})
    assert missing.status_code == 400
    assert "Please choose a face." in missing.content.decode()
    closed = reverse("events:feedback_form", kwargs={"hub": hub.slug, "pk": future.pk})
    assert (
        "form" not in client.get(closed).content.decode().split("<main", 1)[1].split("</main>")[0]
        or future.feedback.count() == 0
    )


def test_the_public_pages_link_to_asking_for_ones_data_in_the_same_language(client, hub):
    calendar = client.get(reverse("events:calendar", kwargs={"hub": hub.slug}), {"lang": "ar"})
    link = reverse("visits:data_request", kwargs={"hub": hub.slug}) + "?lang=ar"
    assert f'href="{link}"' in calendar.content.decode()
    form = client.get(link)
    assert form.status_code == 200 and 'dir="rtl"' in form.content.decode()

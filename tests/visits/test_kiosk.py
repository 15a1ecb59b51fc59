import pytest
from django.urls import reverse
from django.utils.translation import get_language_info

from tests.factories import topic
from visits.models import QueueEntry

pytestmark = pytest.mark.django_db


def checkin_url(hub, lang):
    return reverse("visits:kiosk_checkin", kwargs={"token": hub.kiosk_token, "lang": lang})


def test_the_kiosk_lists_every_visitor_language_in_its_own_name(client, hub, settings):
    html = client.get(reverse("visits:kiosk", kwargs={"token": hub.kiosk_token})).content.decode()
    for code in settings.VISITOR_LANGUAGES:
        assert get_language_info(code)["name_local"] in html
    assert "Soomaali" in html and "ትግርኛ" in html


def test_the_kiosk_speaks_the_visitors_language_right_to_left(client, hub):
    html = client.get(checkin_url(hub, "ar")).content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "السكن" in html  # "Housing"
    assert "<svg" in html


@pytest.mark.parametrize(
    ("lang", "direction"),
    [("fa", "rtl"), ("prs", "rtl"), ("ckb", "rtl"), ("so", "ltr"), ("ti", "ltr"), ("uk", "ltr")],
)
def test_every_visitor_language_gets_its_own_direction(client, hub, lang, direction):
    html = client.get(checkin_url(hub, lang)).content.decode()
    assert f'lang="{lang}" dir="{direction}"' in html


def test_a_visitor_takes_a_ticket_that_appears_in_the_queue(client, hub):
    response = client.post(
        checkin_url(hub, "so"),
        {"topics": [topic("housing").pk], "first_name": "Hodan", "key": "k"},
    )
    assert response.status_code == 200
    entry = QueueEntry.objects.get()
    assert entry.source == "kiosk" and entry.language.code == "so"
    assert entry.first_name == "Hodan"
    assert f'id="ticket-number">{entry.number}<' in response.content.decode()


def test_a_resent_kiosk_form_gives_no_second_ticket(client, hub):
    data = {"topics": [topic("housing").pk], "key": "same"}
    client.post(checkin_url(hub, "fi"), data)
    client.post(checkin_url(hub, "fi"), data)
    assert QueueEntry.objects.count() == 1


def test_the_ticket_page_shows_no_one_elses_data(client, hub):
    client.post(checkin_url(hub, "fi"), {"first_name": "Secretname", "key": "a"})
    html = client.post(checkin_url(hub, "fi"), {"first_name": "", "key": "b"}).content.decode()
    assert "Secretname" not in html


def test_a_switched_off_kiosk_or_a_wrong_token_is_404(client, hub):
    assert client.get(reverse("visits:kiosk", kwargs={"token": "wrong"})).status_code == 404
    hub.kiosk_enabled = False
    hub.save()
    assert client.get(reverse("visits:kiosk", kwargs={"token": hub.kiosk_token})).status_code == 404
    assert client.post(checkin_url(hub, "fi"), {}).status_code == 404
    assert not QueueEntry.objects.exists()


def test_an_unknown_language_is_404(client, hub):
    assert client.get(checkin_url(hub, "xx")).status_code == 404


def test_a_bot_filling_the_honeypot_gets_no_ticket(client, hub):
    response = client.post(checkin_url(hub, "fi"), {"website": "http://spam", "key": "x"})
    assert response.status_code == 400
    assert not QueueEntry.objects.exists()


def test_the_kiosk_is_rate_limited(client, hub, settings):
    for i in range(20):
        client.post(checkin_url(hub, "fi"), {"key": f"k{i}"})
    assert client.post(checkin_url(hub, "fi"), {"key": "last"}).status_code == 429
    assert QueueEntry.objects.count() == 20
    too_many = client.post(checkin_url(hub, "ar"), {"key": "ar"})
    assert too_many.status_code == 429
    assert 'lang="ar" dir="rtl"' in too_many.content.decode()


@pytest.mark.parametrize("lang", ["ar", "fi", "ti"])
def test_the_check_in_page_has_one_h1_that_asks_what_the_visitor_needs(client, hub, lang):
    import re

    from django.utils import translation

    html = client.get(checkin_url(hub, lang)).content.decode()
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    assert len(headings) == 1
    with translation.override(lang):
        assert str(translation.gettext("What do you need help with?")) in headings[0]


@pytest.mark.parametrize("lang", ["ar", "so", "uk"])
def test_pictogram_tooltips_are_in_the_visitors_language(client, hub, lang):
    import re
    from html import unescape

    from django.utils import translation

    from kototori.models import Topic

    html = client.get(checkin_url(hub, lang)).content.decode()
    titles = [unescape(t) for t in re.findall(r"<svg[^>]*><title>(.*?)</title>", html)]
    with translation.override(lang):
        names = {t.name for t in Topic.objects.all()}
    assert titles, "the pictograms have no tooltip"
    assert set(titles) <= names, f"tooltips not in {lang}: {set(titles) - names}"
    assert len(titles) == Topic.objects.count()  # one per pictogram
    assert "<title>Home</title>" not in html and "<title>More</title>" not in html

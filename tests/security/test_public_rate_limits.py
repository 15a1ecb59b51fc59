"""Rate limits of the public forms behind the documented reverse proxy (issue 12.3).

The limits see the client's own address (the one our proxy reports in X-Forwarded-For, as the login
limits do), count only submissions that were accepted, and count event sign-ups per event and
address, so one hub's shared Wi-Fi can sign up a whole group for one event while one address
flooding many events is still stopped.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.urls import get_resolver, reverse

from events.models import Registration
from kototori import ratelimit
from kototori.ratelimit import parse_rate
from tests.events.factories import EventFactory
from tests.kototori.test_settings import README, SETTINGS, readme_settings_table, settings_variables

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the reverse proxy, as Kototori sees it (REMOTE_ADDR)
HUB_WIFI = "203.0.113.20"  # one hub's public address: everyone on its Wi-Fi shares it


def signup(**overrides) -> dict:
    return {
        "name": "Amina",
        "party_size": "1",
        "group": "newcomer",
        "email": "",
        "phone": "",
        "language": "ar",
        "token": str(uuid.uuid4()),
        "website": "",
        **overrides,
    }


def register_url(event) -> str:
    return reverse("events:register", kwargs={"hub": event.hub.slug, "pk": event.pk})


def limit_of(name: str) -> int:
    return parse_rate(getattr(django_settings, name))[0]


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_thirty_people_behind_one_proxy_can_all_sign_up(client, hub, settings, behind_one_proxy):
    # Small limits, so that a limit keyed on the proxy's address would stop the eleventh person.
    settings.EVENT_SIGNUP_RATE_LIMIT = "5/10m"
    settings.EVENT_SIGNUP_ADDRESS_RATE_LIMIT = "10/10m"
    event = EventFactory(hub=hub, capacity=100)
    codes = [
        client.post(
            register_url(event),
            signup(name=f"Person {i}"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i + 1}",
        ).status_code
        for i in range(30)
    ]
    assert codes == [302] * 30
    assert Registration.objects.filter(event=event).count() == 30


def test_a_single_client_behind_the_proxy_is_still_limited(client, hub, settings, behind_one_proxy):
    settings.EVENT_SIGNUP_RATE_LIMIT = "5/10m"
    event = EventFactory(hub=hub, capacity=100)

    def post(client_address: str) -> int:
        return client.post(
            register_url(event),
            signup(),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_address,
        ).status_code

    assert [post("198.51.100.7") for _ in range(6)] == [302] * 5 + [429]
    # A client cannot pick another address: the proxy appends the one it saw last.
    assert post("192.0.2.1, 198.51.100.7") == 429
    assert post("198.51.100.8") == 302


def test_the_limit_page_says_when_to_try_again(client, hub, settings):
    settings.EVENT_SIGNUP_RATE_LIMIT = "1/10m"
    event = EventFactory(hub=hub, capacity=100)
    client.post(register_url(event), signup())
    response = client.post(register_url(event) + "?lang=en", signup())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600


def test_a_submission_refused_by_form_validation_does_not_use_up_the_allowance(
    client, hub, settings
):
    settings.EVENT_SIGNUP_RATE_LIMIT = "2/10m"
    event = EventFactory(hub=hub, capacity=100)
    for _ in range(5):  # a visitor who keeps forgetting their name
        assert client.post(register_url(event), signup(name="")).status_code == 400
    assert client.post(register_url(event), signup()).status_code == 302
    assert client.post(register_url(event), signup()).status_code == 302
    assert client.post(register_url(event), signup()).status_code == 429
    assert Registration.objects.filter(event=event).count() == 2


def test_one_hub_wifi_address_signs_up_a_whole_group_for_one_event_but_a_flood_across_events_is_capped(
    client, hub
):
    per_event = limit_of("EVENT_SIGNUP_RATE_LIMIT")
    per_address = limit_of("EVENT_SIGNUP_ADDRESS_RATE_LIMIT")
    assert per_event >= 30, "a group at the hub's info session must fit"
    assert per_address > per_event

    course = EventFactory(hub=hub, capacity=200)
    codes = [
        client.post(register_url(course), signup(), REMOTE_ADDR=HUB_WIFI).status_code
        for _ in range(30)
    ]
    assert codes == [302] * 30

    # A bot on one address, spread over many events: stopped at the address's ceiling.
    accepted = 30
    events = [EventFactory(hub=hub, capacity=200) for _ in range(per_address // per_event + 2)]
    codes = []
    for event in events:
        for _ in range(per_event):
            codes.append(
                client.post(register_url(event), signup(), REMOTE_ADDR=HUB_WIFI).status_code
            )
    assert codes.count(302) == per_address - accepted
    assert codes[-1] == 429
    assert Registration.objects.count() == per_address
    # Another address is not affected.
    assert (
        client.post(register_url(events[-1]), signup(), REMOTE_ADDR="198.51.100.9").status_code
        == 302
    )


def test_every_public_rate_limit_is_read_from_a_documented_setting():
    get_resolver().url_patterns  # noqa: B018 - imports every view, which registers its limits
    used = ratelimit.registered_settings()
    assert {
        "KIOSK_RATE_LIMIT",
        "PARTNER_LINK_RATE_LIMIT",
        "DATA_REQUEST_RATE_LIMIT",
        "EVENT_SIGNUP_RATE_LIMIT",
        "EVENT_SIGNUP_ADDRESS_RATE_LIMIT",
        "EVENT_FEEDBACK_RATE_LIMIT",
        "EVENT_FEEDBACK_ADDRESS_RATE_LIMIT",
    } <= used
    documented = readme_settings_table()
    from_environment = settings_variables()
    for name in used:
        parse_rate(getattr(django_settings, name))
        assert name in from_environment, f"{name} is not read from the environment"
        assert name in documented, f"{name} is missing from the README's settings table"
    # The view modules hold no rate of their own: every decorator names a setting.
    for path in ("events/views/public.py", "visits/views/kiosk.py", "visits/views/referrals.py"):
        source = (README.parent / path).read_text()
        for line in re.findall(r"@rate_limit\((.*)\)", source):
            assert not re.search(r"[\"']\d+/", line), f"{path}: a literal rate in {line}"
    assert SETTINGS.exists()


def test_a_changed_setting_takes_effect_without_a_restart(client, hub, settings):
    settings.EVENT_SIGNUP_RATE_LIMIT = "1/h"
    event = EventFactory(hub=hub, capacity=100)
    assert client.post(register_url(event), signup()).status_code == 302
    assert client.post(register_url(event), signup()).status_code == 429
    settings.EVENT_SIGNUP_RATE_LIMIT = "3/h"
    assert client.post(register_url(event), signup()).status_code == 302

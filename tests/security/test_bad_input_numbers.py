"""Values in addresses and query parameters that Python or PostgreSQL read otherwise than they
look: a year of twenty digits, a superscript "²" that counts as a digit but is no number, a null
character in an address. No server error."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kototori.models import Role
from kototori.reports import periods

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize("value", [f"{HUGE}-01", f"{HUGE}-Q1", f"2026-{HUGE}", f"{HUGE}"])
def test_a_period_with_a_twenty_digit_number_is_an_impossible_date_not_a_crash(
    client_for, hub, value
):
    with pytest.raises(ValueError):
        periods.parse(value)
    manager = client_for(Role.MANAGER, hub, preferred_language="en")
    for url in (reverse("reports:report"), reverse("reports:export", kwargs={"fmt": "csv"})):
        assert manager.get(url, {"period": value}).status_code < 500, url


@pytest.mark.parametrize("value", ["²", "¹²", "٣", HUGE, "0" * 40, "-1", "1e3"])
@pytest.mark.parametrize(
    "name", ["visits:referral_create", "visits:case_create", "visits:visitor_create"]
)
def test_a_visit_or_visitor_number_that_is_no_number_opens_the_empty_form(
    client_for, hub, name, value
):
    desk = client_for(Role.FRONT_DESK, hub, preferred_language="en")
    url = reverse(name, kwargs={"hub": hub.slug})
    for key in ("visit", "visitor"):
        response = desk.get(url, {key: value})
        assert response.status_code == 200, (key, value)
        assert response.context["visit"] is None
        assert desk.post(url, {key: value}).status_code == 400, (key, value)


@pytest.mark.parametrize("path", ["/kiosk/{token}/", "/kiosk/{token}/ar/"])
@pytest.mark.parametrize("token", ["%00", "a%00b"])
def test_a_kiosk_address_with_a_null_character_is_not_found(hub, path, token):
    client = Client()
    assert client.get(path.format(token=token)).status_code == 404
    assert client.post(path.format(token=token), {"first_name": "Aino"}).status_code == 404

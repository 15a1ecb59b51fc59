"""A form whose CSRF check fails (a kiosk left open overnight, a page kept in a tab) answers with our
own page in the person's language, under our Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.kototori.test_translations import compiled_locale, translated, translations

pytestmark = pytest.mark.django_db

__all__ = ["compiled_locale", "translated"]  # fixtures


@pytest.mark.parametrize("lang", ["so", "ar", "fi"])
def test_a_stale_kiosk_form_gets_our_page_in_the_visitors_language(translated, hub, lang):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    url = reverse("visits:kiosk_checkin", kwargs={"token": hub.kiosk_token, "lang": lang})
    response = client.post(url, {"topics": "housing"})
    assert response.status_code == 403
    html = response.content.decode()
    expired = translations(lang)["This page has expired"].msgstr[0]
    assert expired in html
    assert "CSRF verification failed" not in html  # Django's own page, in English
    assert "<style" not in html  # nothing the CSP would block
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_stale_staff_form_gets_the_same_page_and_saves_nothing(client_for, hub):
    from visits.models import Visit

    desk = client_for("frontdesk", hub, preferred_language="en")
    stale = Client(enforce_csrf_checks=True)
    stale.cookies = desk.cookies
    response = stale.post(reverse("visits:log_visit", kwargs={"hub": hub.slug}), {})
    assert response.status_code == 403
    assert "This page has expired" in response.content.decode()
    assert not Visit.objects.exists()

"""The leak canary itself, and a first use: the access log and task arguments carry ids only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kototori.models import Role, User

from .canary import assert_no_canary, canary_marker

pytestmark = pytest.mark.django_db


def test_the_canary_finds_a_marker_in_any_case_and_in_bytes():
    marker = canary_marker()
    with pytest.raises(AssertionError):
        assert_no_canary(marker, "nothing", f"Name: {marker.upper()}".encode())
    assert_no_canary(marker, "nothing here")


@pytest.mark.urls("tests.security.urls")
def test_showing_a_person_logs_ids_only(
    client_for, hub, caplog, django_capture_on_commit_callbacks
):
    from kototori.models import AccessLog

    marker = canary_marker()
    person = User.objects.create(email=f"{marker}@example.org", full_name=f"Aino {marker}")
    client: Client = client_for(Role.FRONT_DESK, hub)
    response = client.get(f"/test/h/{hub.slug}/person/{person.pk}/")
    assert marker in response.text  # shown to the right person…
    rows = json.dumps(list(AccessLog.objects.values()), default=str)
    assert_no_canary(marker, rows, caplog.text)  # …but never written to the log

"""The visitor's copy of their data says who used it (role, organisation and hub), when and why, in
the visitor's language (GDPR art. 15(1)(c); the Finnish client-data act's right to know who has used
or received one's data). It names roles, not staff members (see docs/dpia.md)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kototori.models import AccessLog, Membership, Role
from tests.factories import PartnerFactory
from tests.visits.factories import ReferralFactory, VisitorFactory
from visits.models import DataRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(hub):
    return VisitorFactory(hub=hub, first_name="Amal", message_language="ar")


def _open_record(client, visitor):
    url = reverse("visits:visitor_detail", kwargs={"hub": visitor.hub.slug, "pk": visitor.pk})
    assert client.get(url).status_code == 200


def _copy(client, visitor) -> dict:
    url = reverse("rights:visitor_data_json", kwargs={"hub": visitor.hub.slug, "pk": visitor.pk})
    return json.loads(client.get(url).content)


def _in(code: str, text: str) -> str:
    with translation.override(code):
        return str(translation.gettext(text))


def test_the_copy_says_which_role_of_which_organisation_used_the_record_in_their_language(
    client_for, hub, visitor
):
    desk = client_for(Role.FRONT_DESK, hub, full_name="Maija Meikäläinen")
    professional = client_for(Role.PROFESSIONAL, hub, full_name="Pekka Virtanen")
    _open_record(desk, visitor)
    _open_record(professional, visitor)
    manager = client_for(Role.MANAGER, hub, full_name="Liisa Laine")
    used = _copy(manager, visitor)["used_by"]

    front_desk_ar = _in("ar", "Front-desk staff")
    professional_ar = _in("ar", "A professional (social worker or counsellor)")
    assert front_desk_ar != "Front-desk staff"  # there is an Arabic text to find
    opened_ar = _in("ar", "Opened your record")
    rows = [(row["who"], row["why"]) for row in used]
    assert (front_desk_ar, opened_ar) in rows
    assert (professional_ar, opened_ar) in rows
    assert all(row["organisation"] == hub.organisation.name for row in used)
    assert all(row["hub"] == hub.name for row in used)
    assert all(row["when"] for row in used)
    # Roles, not people: the staff members' names are not in the copy.
    text = json.dumps(used, ensure_ascii=False)
    for name in ("Maija", "Pekka", "Liisa"):
        assert name not in text


def test_the_page_and_the_pdf_list_who_used_the_data_in_the_visitors_language(
    client_for, hub, visitor
):
    from io import BytesIO

    from pypdf import PdfReader

    _open_record(client_for(Role.FRONT_DESK, hub), visitor)
    manager = client_for(Role.MANAGER, hub)
    kwargs = {"hub": hub.slug, "pk": visitor.pk}
    page = manager.get(reverse("rights:visitor_data", kwargs=kwargs)).content.decode()
    assert _in("ar", "Who has used your data") in page
    assert _in("ar", "Front-desk staff") in page
    assert "Front-desk staff" not in page
    pdf = manager.get(reverse("rights:visitor_data_pdf", kwargs=kwargs)).content
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert hub.organisation.name in text


def test_a_staff_member_with_two_roles_is_shown_with_both(client_for, hub, visitor):
    desk = client_for(Role.FRONT_DESK, hub)
    Membership.objects.create(user=desk.user, hub=hub, role=Role.MANAGER)
    _open_record(desk, visitor)
    used = _copy(client_for(Role.MANAGER, hub), visitor)["used_by"]
    first = used[0]
    assert _in("ar", "Front-desk staff") in first["who"]
    assert _in("ar", "The hub manager") in first["who"]


def test_the_role_is_the_one_held_at_the_time_not_today(client_for, hub, visitor):
    desk = client_for(Role.FRONT_DESK, hub)
    _open_record(desk, visitor)
    Membership.objects.filter(user=desk.user).update(role=Role.COORDINATOR)
    used = _copy(client_for(Role.MANAGER, hub), visitor)["used_by"]
    assert used[0]["who"] == _in("ar", "Front-desk staff")


def test_rows_logged_before_roles_were_recorded_take_the_role_the_person_held_then(
    make_member, client_for, hub, visitor
):
    professional = make_member(Role.PROFESSIONAL, hub)
    AccessLog.objects.create(
        user=professional,
        hub=hub,
        subject_type="visits.visitor",
        subject_id=visitor.pk,
        view="visits:visitor_detail",
        purpose="record",
        at=timezone.now() + timedelta(seconds=1),
    )
    used = _copy(client_for(Role.MANAGER, hub), visitor)["used_by"]
    assert _in("ar", "A professional (social worker or counsellor)") in [r["who"] for r in used]


def test_reads_of_their_data_requests_and_the_partners_who_received_their_data_are_listed(
    client_for, hub, visitor
):
    request = DataRequest.objects.create(hub=hub, kind="copy", visitor=visitor)
    url = reverse("visits:data_request_detail", kwargs={"hub": hub.slug, "pk": request.pk})
    client_for(Role.FRONT_DESK, hub).get(url)
    partner = PartnerFactory(hubs_served=[hub], name="Tampere Mental Health Association")
    ReferralFactory(hub=hub, partner=partner, visitor=visitor)
    used = _copy(client_for(Role.MANAGER, hub), visitor)["used_by"]
    assert _in("ar", "Handled your request about your data") in [r["why"] for r in used]
    received = [r for r in used if r["who"] == partner.name]
    assert received and received[0]["why"] == _in("ar", "Received a referral about you")

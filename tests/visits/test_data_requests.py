from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kototori.models import AccessLog, OutboundMessage, Role
from kototori.retention import retention_run
from kototori.sms import LocmemBackend
from tests.visits.factories import VisitorFactory
from visits.models import DataRequest
from visits.views.data_requests import receipt_token

pytestmark = pytest.mark.django_db


def form_url(hub, **query) -> str:
    url = reverse("visits:data_request", kwargs={"hub": hub.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def list_url(hub) -> str:
    return reverse("visits:data_requests", kwargs={"hub": hub.slug})


def detail_url(hub, data_request) -> str:
    return reverse("visits:data_request_detail", kwargs={"hub": hub.slug, "pk": data_request.pk})


def status_url(hub, data_request) -> str:
    return reverse("visits:data_request_status", kwargs={"hub": hub.slug, "pk": data_request.pk})


def link_url(hub, data_request) -> str:
    return reverse("visits:data_request_link", kwargs={"hub": hub.slug, "pk": data_request.pk})


def answer(**overrides) -> dict:
    return {
        "kind": DataRequest.Kind.COPY,
        "name": "Amina",
        "phone": "+358 40 765 4321",
        "email": "",
        "message": "I visited in spring.",
        "website": "",
        **overrides,
    }


def make_request(hub, **fields) -> DataRequest:
    values = {"kind": DataRequest.Kind.COPY, "name": "Amina", "phone": "+358407654321"}
    return DataRequest.objects.create(hub=hub, **(values | fields))


# The visitor's form


def test_a_visitor_sends_a_request_and_gets_a_reference_and_the_due_date(client, hub):
    page = client.get(form_url(hub, lang="en"))
    assert page.status_code == 200
    assert "We answer within one month." in page.content.decode()

    response = client.post(form_url(hub), answer(), follow=True)

    assert response.status_code == 200
    data_request = DataRequest.objects.get()
    assert (data_request.hub, data_request.name, data_request.phone) == (
        hub,
        "Amina",
        "+358407654321",
    )
    assert data_request.status == DataRequest.Status.NEW
    assert data_request.due_on == timezone.localdate() + timedelta(days=30)
    html = response.content.decode()
    assert data_request.reference in html
    assert "We answer by" in html
    due = data_request.due_on
    assert f'<dd id="due-on">{due.day}.{due.month}.{due.year}</dd>' in html
    assert "Amina" not in html  # the receipt repeats nothing the visitor typed


def test_the_form_sends_nothing_to_the_contact_given(client, hub):
    client.post(form_url(hub), answer(email="someone.else@example.org"))
    assert DataRequest.objects.count() == 1
    assert mail.outbox == []
    assert LocmemBackend.outbox == []
    assert not OutboundMessage.objects.exists()


def test_a_request_in_arabic_is_answered_in_arabic_and_the_receipt_reads_right_to_left(client, hub):
    response = client.post(form_url(hub, lang="ar"), answer(kind="erase"), follow=True)
    data_request = DataRequest.objects.get()
    assert data_request.language == "ar"
    assert data_request.kind == DataRequest.Kind.ERASE
    assert 'lang="ar" dir="rtl"' in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "", "email": ""}, "Please give a phone number or an e-mail address"),
        ({"message": "x" * 10_000}, "at most 2000 characters"),
        ({"name": "Ami\x00na"}, "Null characters are not allowed."),
        ({"kind": "everything"}, "Select a valid choice."),
        ({"phone": "call me"}, "Please write the phone number with digits only"),
    ],
)
def test_bad_input_is_refused_keeps_what_was_typed_and_saves_nothing(client, hub, changes, message):
    response = client.post(form_url(hub, lang="en"), answer(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "I visited in spring." in html or "x" * 100 in html
    assert not DataRequest.objects.exists()


def test_a_refusal_is_shown_in_the_visitors_language(client, hub):
    response = client.post(form_url(hub, lang="ar"), answer(phone="", email=""))
    assert response.status_code == 400
    assert 'lang="ar" dir="rtl"' in response.content.decode()
    assert 'value="Amina"' in response.content.decode()


def test_a_bot_filling_the_hidden_field_gets_a_normal_answer_and_nothing_is_saved(client, hub):
    response = client.post(form_url(hub, lang="en"), answer(website="http://spam.example"))
    assert response.status_code == 200
    assert "Thank you. We have your request." in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_form_is_rate_limited_per_address(client, hub):
    for _i in range(5):
        assert client.post(form_url(hub), answer(), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(form_url(hub), answer(), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(form_url(hub), answer(), REMOTE_ADDR="10.0.0.2").status_code == 302
    assert DataRequest.objects.count() == 6


def test_an_inactive_or_unknown_hub_has_no_form(client, hub):
    assert client.get(form_url(hub).replace(hub.slug, "nowhere")).status_code == 404
    hub.is_active = False
    hub.save()
    assert client.get(form_url(hub)).status_code == 404
    assert client.post(form_url(hub), answer()).status_code == 404
    assert not DataRequest.objects.exists()


def test_a_tampered_receipt_link_or_another_hubs_receipt_is_404(client, hub, other_hub):
    data_request = make_request(hub)
    signed = receipt_token(data_request)
    ok = reverse("visits:data_request_sent", kwargs={"hub": hub.slug, "signed": signed})
    assert client.get(ok).status_code == 200
    tampered = reverse(
        "visits:data_request_sent", kwargs={"hub": hub.slug, "signed": signed[:-2] + "xx"}
    )
    assert client.get(tampered).status_code == 404
    other = reverse("visits:data_request_sent", kwargs={"hub": other_hub.slug, "signed": signed})
    assert client.get(other).status_code == 404


# The staff queue


def test_front_desk_sees_open_requests_first_with_overdue_ones_marked(client_for, hub):
    desk = client_for(Role.FRONT_DESK, hub)
    late = make_request(hub, name="Late Lina")
    DataRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    make_request(hub, name="Fresh Farah")
    make_request(hub, name="Done Dawit", status=DataRequest.Status.DONE, handled_at=timezone.now())

    html = desk.get(list_url(hub)).content.decode()

    assert html.index("Late Lina") < html.index("Fresh Farah") < html.index("Done Dawit")
    assert "Overdue" in html


def test_the_list_logs_each_person_it_shows(client_for, hub, other_hub):
    manager = client_for(Role.MANAGER, hub)
    shown = [make_request(hub), make_request(hub, name="Second")]
    make_request(other_hub, name="Elsewhere")
    manager.get(list_url(hub))
    logged = AccessLog.objects.filter(subject_type="visits.datarequest", purpose="data request")
    assert sorted(logged.values_list("subject_id", flat=True)) == sorted(r.pk for r in shown)


def test_the_list_costs_a_fixed_number_of_queries(client_for, hub, django_assert_max_num_queries):
    manager = client_for(Role.MANAGER, hub)
    for i in range(15):
        make_request(hub, name=f"Person {i}")
        make_request(
            hub,
            name=f"Answered {i}",
            status=DataRequest.Status.DONE,
            handled_at=timezone.now(),
            handled_by=manager.user,
        )
    with django_assert_max_num_queries(8):  # session, user, savepoints, memberships, 2 lists, log
        response = manager.get(list_url(hub))
    assert response.status_code == 200
    assert "Answered 14" in response.content.decode()


def test_a_request_page_costs_a_fixed_number_of_queries(
    client_for, hub, django_assert_max_num_queries
):
    manager = client_for(Role.MANAGER, hub)
    linked = VisitorFactory(hub=hub, phone="+358 40 765 4321")
    for _i in range(3):  # records with the same number, offered for linking
        VisitorFactory(hub=hub, phone="+358 40 765 4321")
    data_request = make_request(hub, visitor=linked)
    with django_assert_max_num_queries(8):
        response = manager.get(detail_url(hub, data_request))
    assert response.status_code == 200
    assert response.content.decode().count("Link this record") == 3


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.EXPERT, Role.COORDINATOR, Role.FUNDER])
def test_other_roles_cannot_open_the_queue(client_for, hub, role):
    data_request = make_request(hub)
    staff = client_for(role, hub)
    assert staff.get(list_url(hub)).status_code == 404
    assert staff.get(detail_url(hub, data_request)).status_code == 404


def test_staff_of_another_hub_get_404(client_for, hub, other_hub):
    data_request = make_request(hub)
    theirs = client_for(Role.MANAGER, other_hub)
    assert theirs.get(list_url(hub)).status_code == 404
    assert theirs.get(detail_url(hub, data_request)).status_code == 404
    # and their own hub's address with our request's number
    assert theirs.get(detail_url(other_hub, data_request)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, hub):
    data_request = make_request(hub)
    for url in (list_url(hub), detail_url(hub, data_request)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_showing_a_request_logs_the_request_and_its_visitor(client_for, hub):
    desk = client_for(Role.FRONT_DESK, hub)
    visitor = VisitorFactory(hub=hub, first_name="Amina")
    data_request = make_request(hub, visitor=visitor)
    response = desk.get(detail_url(hub, data_request))
    assert response.status_code == 200
    logged = set(
        AccessLog.objects.filter(user=desk.user, purpose="data request").values_list(
            "subject_type", "subject_id"
        )
    )
    assert logged == {("visits.datarequest", data_request.pk), ("visits.visitor", visitor.pk)}


def test_front_desk_links_the_visitor_record_and_sees_the_tools_but_not_erasure(client_for, hub):
    desk = client_for(Role.FRONT_DESK, hub)
    visitor = VisitorFactory(hub=hub, phone="+358 40 765 4321")
    data_request = make_request(hub)

    page = desk.get(detail_url(hub, data_request)).content.decode()
    assert reverse("visits:visitor_detail", kwargs={"hub": hub.slug, "pk": visitor.pk}) in page

    response = desk.post(link_url(hub, data_request), {"visitor": visitor.pk})
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.visitor == visitor

    page = desk.get(detail_url(hub, data_request)).content.decode()
    assert reverse("rights:visitor_data", kwargs={"hub": hub.slug, "pk": visitor.pk}) in page
    assert reverse("rights:visitor_erase", kwargs={"hub": hub.slug, "pk": visitor.pk}) not in page
    assert (
        reverse("visits:data_request_status", kwargs={"hub": hub.slug, "pk": data_request.pk})
        not in page
    )


def test_a_visitor_of_another_hub_cannot_be_linked(client_for, hub, other_hub):
    desk = client_for(Role.FRONT_DESK, hub)
    stranger = VisitorFactory(hub=other_hub)
    data_request = make_request(hub)
    response = desk.post(link_url(hub, data_request), {"visitor": stranger.pk})
    assert response.status_code == 400
    assert "This hub has no visitor record with that number." in response.content.decode()
    data_request.refresh_from_db()
    assert data_request.visitor is None


def test_front_desk_cannot_mark_a_request_done(client_for, hub):
    desk = client_for(Role.FRONT_DESK, hub)
    data_request = make_request(hub)
    response = desk.post(status_url(hub, data_request), {"status": "done", "note": "x"})
    assert response.status_code == 404
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.NEW


def test_a_manager_sees_every_tool_for_a_linked_visitor(client_for, hub):
    manager = client_for(Role.MANAGER, hub)
    visitor = VisitorFactory(hub=hub)
    data_request = make_request(hub, visitor=visitor, kind=DataRequest.Kind.ACCESS_LOG)
    page = manager.get(detail_url(hub, data_request)).content.decode()
    assert reverse("rights:visitor_erase", kwargs={"hub": hub.slug, "pk": visitor.pk}) in page
    assert f"type=visits.visitor&amp;id={visitor.pk}" in page


@pytest.mark.parametrize("role", [Role.MANAGER, Role.PROFESSIONAL])
def test_a_manager_or_professional_marks_a_request_done_with_a_note(client_for, hub, role):
    staff = client_for(role, hub)
    data_request = make_request(hub)

    staff.post(status_url(hub, data_request), {"status": "in_progress", "note": ""})
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.IN_PROGRESS
    assert data_request.handled_at is None

    response = staff.post(status_url(hub, data_request), {"status": "done", "note": "Copy given."})
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.DONE
    assert data_request.staff_note == "Copy given."
    assert data_request.handled_by == staff.user
    assert data_request.handled_at is not None


def test_refusing_needs_a_reason(client_for, hub):
    manager = client_for(Role.MANAGER, hub)
    data_request = make_request(hub)
    response = manager.post(status_url(hub, data_request), {"status": "refused", "note": ""})
    assert response.status_code == 400
    assert "Write why the request is refused" in response.content.decode()
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.NEW


def test_a_status_change_for_another_hubs_request_is_404(client_for, hub, other_hub):
    theirs = client_for(Role.MANAGER, other_hub)
    data_request = make_request(hub)
    response = theirs.post(status_url(other_hub, data_request), {"status": "done", "note": ""})
    assert response.status_code == 404
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.NEW


# Retention


def test_a_handled_request_loses_who_asked_after_a_year_but_keeps_its_figures(hub):
    visitor = VisitorFactory(hub=hub)
    old = make_request(
        hub,
        email="a@example.org",
        message="m",
        staff_note="n",
        visitor=visitor,
        status=DataRequest.Status.DONE,
        handled_at=timezone.now() - timedelta(days=400),
    )
    recent = make_request(
        hub, status=DataRequest.Status.REFUSED, handled_at=timezone.now() - timedelta(days=300)
    )
    still_open = make_request(hub)
    DataRequest.objects.filter(pk=still_open.pk).update(
        created_at=timezone.now() - timedelta(days=800)
    )

    assert retention_run()["data-request-contents"] == 1
    assert retention_run()["data-request-contents"] == 0

    old.refresh_from_db()
    assert (old.name, old.phone, old.email, old.message, old.staff_note, old.visitor) == (
        "",
        "",
        "",
        "",
        "",
        None,
    )
    assert (old.kind, old.status) == (DataRequest.Kind.COPY, DataRequest.Status.DONE)
    assert DataRequest.objects.get(pk=recent.pk).name == "Amina"
    assert DataRequest.objects.get(pk=still_open.pk).name == "Amina"

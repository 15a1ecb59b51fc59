"""A visitor's copy of their data, and erasure that leaves counts but no trace of the person."""

from __future__ import annotations

import json
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from advisors.models import AdvisorProfile
from kototori.messaging import message_enqueue
from kototori.models import AccessLog, Channel, OutboundMessage, Role
from kototori.rights.models import ErasureLedger
from kototori.rights.services import visitor_erase
from tests.advisors.factories import CaseFactory
from tests.factories import PartnerFactory, UserFactory, topic
from tests.security.canary import canary_marker, database_dump
from tests.visits.factories import ReferralFactory, VisitFactory, VisitorFactory
from visits.models import Case, CaseNote, Consent, DataRequest, Referral, Visit, Visitor
from visits.services import referral_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def marker():
    return canary_marker()


@pytest.fixture
def person(hub, marker):
    """A visitor with a visit, a referral, a case with a note, a volunteer candidacy and a
    message: the marker is in every place their name could be."""
    visitor = VisitorFactory(
        hub=hub,
        first_name=f"Aino{marker}",
        phone="+358 40 765 4321",
        email=f"{marker}@example.org",
        municipality=f"Town{marker}",
        message_language="ar",
    )
    visit = VisitFactory(
        hub=hub, visitor=visitor, note=f"asked for {marker}", topics=[topic("housing")]
    )
    ReferralFactory(
        hub=hub,
        partner=PartnerFactory(hubs_served=[hub]),
        visitor=visitor,
        visit=visit,
        note=f"for {marker}",
        partner_feedback=f"{marker} came",
    )
    case = CaseFactory(
        hub=hub, visitor=visitor, summary=f"{marker} housing", topics=[topic("housing")]
    )
    CaseNote.objects.create(case=case, text=f"phoned {marker}")
    AdvisorProfile.objects.create(name=f"Aino{marker}", visitor=visitor)
    DataRequest.objects.create(
        hub=hub,
        kind=DataRequest.Kind.COPY,
        name=f"Aino{marker}",
        phone="+358 40 765 4321",
        message=f"please send {marker} my data",
        visitor=visitor,
    )
    message_enqueue(
        key=f"test-reminder:{visitor.pk}",
        channel=Channel.SMS,
        to="+358407654321",
        body=f"Hei Aino{marker}, muistutus",
        language="fi",
        hub=hub,
        about=visitor,  # a reminder to them: erasure finds it through this, not through the text
    )
    return visitor


def test_the_copy_of_their_data_is_in_their_language_and_logged(client_for, hub, person, marker):
    desk = client_for(Role.FRONT_DESK, hub)
    page = desk.get(reverse("rights:visitor_data", kwargs={"hub": hub.slug, "pk": person.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Aino{marker}" in text
    assert f"phoned {marker}" in text  # the case notes, through the case
    assert 'lang="ar"' in text and 'dir="rtl"' in text
    assert AccessLog.objects.filter(subject_type="visits.visitor", subject_id=person.pk).exists()


def test_the_json_export_holds_every_section(client_for, hub, person, marker):
    desk = client_for(Role.FRONT_DESK, hub)
    response = desk.get(
        reverse("rights:visitor_data_json", kwargs={"hub": hub.slug, "pk": person.pk})
    )
    data = json.loads(response.content)
    assert data["record"]["first_name"] == f"Aino{marker}"
    assert len(data["visits"]) == 1 and len(data["referrals"]) == 1
    assert data["cases"][0]["notes"][0]["text"] == f"phoned {marker}"
    assert data["volunteering"] and data["consents"]
    assert data["data_requests"][0]["message"] == f"please send {marker} my data"


def test_the_pdf_export_is_a_pdf_with_their_name(client_for, hub, person, marker):
    from pypdf import PdfReader

    desk = client_for(Role.FRONT_DESK, hub)
    response = desk.get(
        reverse("rights:visitor_data_pdf", kwargs={"hub": hub.slug, "pk": person.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert marker in text


def test_erasure_keeps_the_counts_and_drops_the_person(hub, person, marker):
    visitor_erase(visitor=person)
    assert not Visitor.objects.filter(pk=person.pk).exists()
    assert not Consent.objects.filter(visitor_id=person.pk).exists()
    visit = Visit.objects.get()
    assert visit.visitor is None and visit.note == ""
    assert list(visit.topics.values_list("key", flat=True)) == ["housing"]
    referral = Referral.objects.get()
    assert referral.visitor is None and referral.status == "sent" and referral.partner_id
    case = Case.objects.get()
    assert case.visitor is None and case.summary == ""
    assert list(case.topics.values_list("key", flat=True)) == ["housing"]
    assert not CaseNote.objects.exclude(text="").exists()
    assert AdvisorProfile.objects.get().name != f"Aino{marker}"
    message = OutboundMessage.objects.get()
    assert message.to == "" and message.body == ""
    request = DataRequest.objects.get()  # kept as proof it was answered, without who asked
    assert request.visitor is None and request.kind == "copy"
    assert (request.name, request.phone, request.message) == ("", "", "")


def test_erasure_also_empties_requests_nobody_linked_that_came_from_their_phone_or_email(
    hub, other_hub, person, marker
):
    def request(hub, **contact):
        return DataRequest.objects.create(
            hub=hub, kind=DataRequest.Kind.ERASE, name=f"A{marker}", **contact
        )

    national = request(hub, phone="040 765 4321")
    by_email = request(hub, email=f"{marker.upper()}@example.org")
    someone_else = request(hub, phone="040 111 2222")
    other_hubs = request(other_hub, phone="040 765 4321")
    visitor_erase(visitor=person)
    emptied = {r.pk for r in DataRequest.objects.filter(name="")}
    assert {national.pk, by_email.pk} <= emptied
    assert not {someone_else.pk, other_hubs.pk} & emptied


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.MANAGER], ids=str)
def test_the_erase_page_needs_the_record_number_and_then_erases(client_for, hub, person, role):
    staff = client_for(role, hub)
    url = reverse("rights:visitor_erase", kwargs={"hub": hub.slug, "pk": person.pk})
    wrong = staff.post(url, {"confirm": "12345678"})
    assert wrong.status_code == 400
    assert Visitor.objects.filter(pk=person.pk).exists()
    done = staff.post(url, {"confirm": str(person.pk)})
    assert done.status_code == 302
    assert not Visitor.objects.filter(pk=person.pk).exists()
    # Who erased whom stays in the access log (ids only).
    assert AccessLog.objects.filter(
        user=staff.user, subject_type="visits.visitor", subject_id=person.pk, purpose="erasure"
    ).exists()


def test_the_front_desk_cannot_erase_a_record_even_with_the_right_number(client_for, hub, person):
    desk = client_for(Role.FRONT_DESK, hub)
    url = reverse("rights:visitor_erase", kwargs={"hub": hub.slug, "pk": person.pk})
    assert desk.get(url).status_code == 404
    assert desk.post(url, {"confirm": str(person.pk)}).status_code == 404
    assert Visitor.objects.filter(pk=person.pk).exists()
    assert Consent.objects.filter(visitor=person).exists()
    assert Visit.objects.filter(visitor=person).exclude(note="").exists()
    assert not ErasureLedger.objects.exists()


def test_the_record_page_shows_erase_only_to_those_who_may_and_tells_the_desk_whom_to_ask(
    client_for, hub, person
):
    erase = reverse("rights:visitor_erase", kwargs={"hub": hub.slug, "pk": person.pk})
    detail = reverse("visits:visitor_detail", kwargs={"hub": hub.slug, "pk": person.pk})
    desk_page = client_for(Role.FRONT_DESK, hub).get(detail).content.decode()
    assert erase not in desk_page
    assert "ask your hub manager to erase this record" in desk_page
    for role in (Role.PROFESSIONAL, Role.MANAGER):
        page = client_for(role, hub).get(detail).content.decode()
        assert erase in page
        assert "ask your hub manager to erase this record" not in page


def test_another_hubs_staff_can_neither_read_nor_erase(client_for, other_hub, hub, person):
    outsider = client_for(Role.MANAGER, other_hub)
    for name in ("visitor_data", "visitor_data_pdf", "visitor_data_json", "visitor_erase"):
        kwargs = {"hub": hub.slug, "pk": person.pk}
        assert outsider.get(reverse(f"rights:{name}", kwargs=kwargs)).status_code == 404
        kwargs["hub"] = other_hub.slug
        assert outsider.get(reverse(f"rights:{name}", kwargs=kwargs)).status_code == 404
    outsider.post(
        reverse("rights:visitor_erase", kwargs={"hub": other_hub.slug, "pk": person.pk}),
        {"confirm": str(person.pk)},
    )
    assert Visitor.objects.filter(pk=person.pk).exists()


def test_the_ledger_holds_keyed_hashes_only(hub, person, marker):
    visitor_erase(visitor=person)
    rows = json.dumps(list(ErasureLedger.objects.values()), default=str)
    assert ErasureLedger.objects.count() == 3  # record, phone, e-mail
    assert (
        marker not in rows.lower()
        and "7654321" not in rows
        and str(person.pk) not in rows.split('"digest"')[0]
    )


def _restore_row(person_values: dict, languages=()) -> Visitor:
    """Put a row back as a restore of an older backup would."""
    visitor = Visitor.objects.create(**person_values)
    Consent.objects.create(visitor=visitor, scope=Consent.Scope.RECORD, language="fi")
    return visitor


def test_reapply_erasures_after_a_restore_erases_them_again(hub, person, marker):
    values = {f.attname: getattr(person, f.attname) for f in Visitor._meta.concrete_fields}
    pk = person.pk
    visitor_erase(visitor=person)
    _restore_row(values)
    bystander = VisitorFactory(hub=hub, first_name="Someone", created_at=timezone.now())
    assert Visitor.objects.filter(pk=pk).exists()
    out = StringIO()
    call_command("reapply_erasures", stdout=out)
    assert "1 erased again" in out.getvalue()
    assert not Visitor.objects.filter(pk=pk).exists()
    assert Visitor.objects.filter(pk=bystander.pk).exists()
    call_command("reapply_erasures", stdout=out)  # idempotent
    assert "0 erased again" in out.getvalue()


def test_an_older_backup_that_lost_the_ledger_too_is_cleaned_from_the_ledger_file(
    hub, person, settings, tmp_path, django_capture_on_commit_callbacks
):
    """A backup older than the erasure has neither the erasure nor its ledger rows: the file,
    kept outside the backups, still knows."""
    settings.ERASURE_LEDGER_FILE = str(tmp_path / "ledger.jsonl")
    values = {f.attname: getattr(person, f.attname) for f in Visitor._meta.concrete_fields}
    with django_capture_on_commit_callbacks(execute=True):
        visitor_erase(visitor=person)
    lines = (tmp_path / "ledger.jsonl").read_text().splitlines()
    assert lines and all(person.first_name not in line for line in lines)
    ErasureLedger.objects.all().delete()  # the restored database predates the erasure
    _restore_row(values)
    out = StringIO()
    call_command("reapply_erasures", stdout=out)
    assert "1 erased again" in out.getvalue()
    assert not Visitor.objects.filter(pk=values["id"]).exists()
    assert ErasureLedger.objects.exists()  # the table is whole again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_after_erasure_a_database_dump_holds_no_trace_of_them(hub, marker):
    person = VisitorFactory(
        hub=hub, first_name=f"Aino{marker}", phone="+358 40 999 8877", email=f"{marker}@example.org"
    )
    VisitFactory(hub=hub, visitor=person, note=f"asked for {marker}")
    case = CaseFactory(hub=hub, visitor=person, summary=f"{marker} housing")
    CaseNote.objects.create(case=case, text=f"phoned {marker}")
    DataRequest.objects.create(
        hub=hub, kind="erase", name=f"Aino{marker}", phone="040 999 8877", message=f"{marker}"
    )
    message_enqueue(
        key=f"test-reminder:{person.pk}",
        channel=Channel.SMS,
        to="+358409998877",
        body=f"Hei Aino{marker}",
        language="fi",
        hub=hub,
        about=person,
    )
    # The partner's e-mail carries the referral note (special-category text) for 30 days.
    referral_create(
        hub=hub,
        user=UserFactory(),
        partner=PartnerFactory(hubs_served=[hub], email="partner@example.org"),
        visitor=person,
        note=f"{marker}: needs a doctor",
    )
    assert marker in _dump().lower()  # the dump does see it before: the test can fail
    visitor_erase(visitor=person)
    dump = _dump().lower()
    assert marker not in dump
    assert "9998877" not in dump


def _dump() -> str:
    return database_dump()


def test_the_copy_of_their_data_names_choices_in_the_visitors_language(client_for, hub, person):
    from django.utils import translation

    from visits.models import VisitChannel

    desk = client_for(Role.FRONT_DESK, hub)  # the staff member reads English
    body = desk.get(
        reverse("rights:visitor_data_json", kwargs={"hub": hub.slug, "pk": person.pk})
    ).content.decode()
    channel = Visit.objects.get(visitor=person).get_channel_display
    with translation.override("ar"):
        arabic = str(VisitChannel(Visit.objects.get(visitor=person).channel).label)
    with translation.override("en"):
        english = str(VisitChannel(Visit.objects.get(visitor=person).channel).label)
    assert arabic != english and channel
    assert arabic in body
    assert english not in body

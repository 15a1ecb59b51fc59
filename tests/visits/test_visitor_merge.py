"""Merging two records of one person: every relation to a visitor moves to the record kept.

The relations are found by walking the models (as the rights inventory does), and so is the test's
data: the duplicate gets one row of every model that points at a visitor, whatever model that is.
A relation added next year makes these tests fail until the merge knows what to do with it.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from kototori.audit import subject_type
from kototori.messaging import message_enqueue
from kototori.models import AccessLog, Channel, Hub, Role
from kototori.rights import inventory
from kototori.rights.models import VisitorMerge
from kototori.rights.services import visitor_erase, visitor_export
from tests.factories import UserFactory, language
from tests.visits.factories import VisitFactory, VisitorFactory
from visits.models import Visitor
from visits.services import MergeError, visitor_merge

pytestmark = pytest.mark.django_db

_counter = itertools.count(1)


def _value(field: models.Field, visitor: Visitor):
    """A value for a required field of a row made by the walk (any model, any field)."""
    if field.is_relation:
        target = field.related_model
        if target is Visitor:
            return visitor
        if target is Hub:
            return visitor.hub
        existing = target._default_manager.first()
        return existing if existing is not None else _row(target, visitor)
    if field.choices:
        return field.choices[0][0]
    n = next(_counter)
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return timezone.now()
    if kind == "DateField":
        return timezone.localdate()
    if kind == "EmailField":
        return f"merge{n}@example.org"
    if kind in ("CharField", "TextField", "SlugField"):
        return f"merge-{n}"[: field.max_length or 40]
    if kind == "BooleanField":
        return False
    if kind == "DecimalField":
        return Decimal(1)
    if "Integer" in kind:
        return n
    raise AssertionError(f"the test cannot fill {field.model._meta.label}.{field.name} ({kind})")


def _row(model: type[models.Model], owner: Visitor, /, **given) -> models.Model:
    """One saved row of ``model``: given values, then a value for every required field."""
    values = dict(given)
    for field in model._meta.concrete_fields:
        if field.auto_created or field.name in values or field.attname in values:
            continue
        if field.null or field.has_default() or (field.blank and not field.is_relation):
            continue
        if isinstance(field, (models.DateField,)) and (field.auto_now or field.auto_now_add):
            continue
        values[field.name] = _value(field, owner)
    row = model(**values)
    row.save()
    return row


def _relations() -> list[tuple[str, models.Field]]:
    return inventory.visitor_relation_fields()


def _link(visitor: Visitor) -> dict[str, object]:
    """One row of every model that points at ``visitor`` (and one of every model Visitor's own
    many-to-many fields point at); returns relation label → the row linked."""
    made: dict[str, object] = {}
    for label, field in _relations():
        if field.model is Visitor and field.many_to_many:
            target = field.related_model
            used = set(getattr(visitor, field.name).values_list("pk", flat=True))
            other = target._default_manager.exclude(pk__in=used).first() or _row(target, visitor)
            getattr(visitor, field.name).add(other)
            made[label] = other
        elif field.model is Visitor:
            continue  # the record's own links (hub, who recorded it): the kept record's stay
        elif field.many_to_many:
            row = _row(field.model, visitor)
            getattr(row, field.name).add(visitor)
            made[label] = row
        else:
            made[label] = _row(field.model, visitor, **{field.name: visitor})
    return made


def _points_at(label: str, field: models.Field, row, visitor: Visitor) -> bool:
    if field.model is Visitor and field.many_to_many:
        return getattr(visitor, field.name).filter(pk=row.pk).exists()
    if field.many_to_many:
        return (
            getattr(type(row)._default_manager.get(pk=row.pk), field.name)
            .filter(pk=visitor.pk)
            .exists()
        )
    return type(row)._default_manager.filter(pk=row.pk, **{field.name: visitor.pk}).exists()


@pytest.fixture
def pair(hub):
    keep = VisitorFactory(hub=hub, first_name="Amal", email="", municipality="")
    duplicate = VisitorFactory(
        hub=hub, first_name="Amal K.", email="amal@example.org", municipality="Tampere"
    )
    return keep, duplicate


def test_the_walk_finds_every_kind_of_relation_the_merge_must_handle():
    labels = {label for label, _field in _relations()}
    # If the walk broke, the test below would pass with nothing to merge.
    assert {
        "visits.Visit.visitor",
        "visits.Consent.visitor",
        "visits.DataRequest.visitor",
        "advisors.AdvisorProfile.visitor",
        "visits.Visitor.languages",
    } <= labels


def test_every_relation_to_a_visitor_has_a_merge_rule():
    found = {label for label, _field in _relations()} | set(inventory.ID_REFERENCES)
    assert not found - set(inventory.MERGE), f"no merge rule for: {found - set(inventory.MERGE)}"
    assert not set(inventory.MERGE) - found, "merge rules for relations that no longer exist"


def test_merging_moves_one_row_of_every_model_that_points_at_the_duplicate(pair):
    keep, duplicate = pair
    kept_rows = _link(keep)
    moved_rows = _link(duplicate)
    assert set(moved_rows) == {label for label, f in _relations() if f.model is not Visitor} | {
        label for label, f in _relations() if f.model is Visitor and f.many_to_many
    }
    fields = dict(_relations())

    visitor_merge(keep=keep, duplicate=duplicate)

    assert not Visitor.objects.filter(pk=duplicate.pk).exists()
    for label, row in moved_rows.items():
        field = fields[label]
        assert _points_at(label, field, row, keep), f"{label}: the duplicate's row was not moved"
    for label, row in kept_rows.items():
        assert _points_at(label, fields[label], row, keep), f"{label}: the kept row was lost"
    for label, field in _relations():
        if field.model is not Visitor and not field.many_to_many:
            assert not field.model._default_manager.filter(**{field.name: duplicate.pk}).exists(), (
                f"{label} still points at the deleted record"
            )


def test_the_access_log_is_not_rewritten_and_the_copy_still_lists_reads_of_the_old_record(
    pair, hub
):
    keep, duplicate = pair
    staff = UserFactory()
    old = AccessLog.objects.create(
        user=staff,
        hub=hub,
        subject_type=subject_type(duplicate),
        subject_id=duplicate.pk,
        view="visits:visitor_detail",
        purpose="record",
    )
    visitor_merge(keep=keep, duplicate=duplicate, by=staff)
    old.refresh_from_db()
    assert old.subject_id == duplicate.pk  # the log is append-only: the merge is recorded instead
    merge = VisitorMerge.objects.get(into=keep)
    assert merge.merged_id == duplicate.pk and merge.by == staff
    export = visitor_export(visitor=keep)
    assert any(row["when"] == old.at.isoformat() for row in export["used_by"])
    assert [m["number"] for m in export["merged_records"]] == [duplicate.pk]


def test_messages_about_the_duplicate_follow_it_to_the_kept_record(pair):
    keep, duplicate = pair
    message, _created = message_enqueue(
        key=f"test-reminder:{duplicate.pk}",
        channel=Channel.SMS,
        to=duplicate.phone,
        body="Muistutus",
        language="fi",
        hub=duplicate.hub,
        about=duplicate,
    )
    visitor_merge(keep=keep, duplicate=duplicate)
    message.refresh_from_db()
    assert (message.about_type, message.about_id) == ("visits.visitor", keep.pk)


def test_a_record_merged_twice_keeps_both_merges(hub):
    first, second, third = (VisitorFactory(hub=hub) for _ in range(3))
    visitor_merge(keep=second, duplicate=first)
    visitor_merge(keep=third, duplicate=second)
    assert sorted(VisitorMerge.objects.filter(into=third).values_list("merged_id", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_empty_fields_are_filled_from_the_duplicate_and_the_kept_values_win(pair):
    keep, duplicate = pair
    keep.languages.set([language("ar")])
    duplicate.languages.set([language("fi")])
    visitor_merge(keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.first_name == "Amal"
    assert (keep.email, keep.municipality) == ("amal@example.org", "Tampere")
    assert set(keep.languages.values_list("code", flat=True)) == {"ar", "fi"}


def test_after_a_restore_the_merged_record_is_erased_too(pair, settings, tmp_path):
    """A backup taken before the merge holds the duplicate as a record of its own: erasing the kept
    record must put the duplicate's key in the ledger too, or a restore would bring it back."""
    from django.core.management import call_command

    settings.ERASURE_LEDGER_FILE = str(tmp_path / "ledger.jsonl")
    keep, duplicate = pair
    values = {f.attname: getattr(duplicate, f.attname) for f in Visitor._meta.concrete_fields}
    visitor_merge(keep=keep, duplicate=duplicate)
    visitor_erase(visitor=keep)
    Visitor.objects.create(**values)  # the restore brings the duplicate back
    call_command("reapply_erasures", stdout=StringIO())
    assert not Visitor.objects.filter(pk=duplicate.pk).exists()


# A relation the merge does not know


@pytest.fixture
def next_years_relation():
    """A model added later that points at visitors, registered for this test only."""
    attrs = {
        "__module__": "visits.models",
        "visitor": models.ForeignKey("visits.Visitor", on_delete=models.CASCADE, related_name="+"),
        "Meta": type("Meta", (), {"app_label": "visits"}),
    }
    model = type("NextYearsRecord", (models.Model,), attrs)
    yield model
    del apps.all_models["visits"]["nextyearsrecord"]
    apps.clear_cache()


def test_a_relation_the_merge_does_not_know_stops_the_merge_before_anything_moves(
    pair, next_years_relation
):
    keep, duplicate = pair
    visit = VisitFactory(hub=keep.hub, visitor=duplicate)
    with pytest.raises(MergeError, match=r"visits\.NextYearsRecord\.visitor"):
        visitor_merge(keep=keep, duplicate=duplicate)
    visit.refresh_from_db()
    assert visit.visitor_id == duplicate.pk
    assert Visitor.objects.filter(pk=duplicate.pk).exists()


def test_a_relation_the_merge_does_not_know_fails_the_inventory_test(next_years_relation):
    found = {label for label, _field in _relations()}
    assert "visits.NextYearsRecord.visitor" in found - set(inventory.MERGE)


# The page


def _merge(client, keep, duplicate):
    url = reverse("visits:visitor_merge", kwargs={"hub": keep.hub.slug, "pk": keep.pk})
    return client.post(url, {"duplicate": duplicate.pk})


def test_the_merge_page_moves_data_requests_and_volunteering_and_logs_both_records(
    client_for, pair, hub
):
    from advisors.models import AdvisorProfile
    from visits.models import DataRequest

    keep, duplicate = pair
    request = DataRequest.objects.create(hub=hub, kind="copy", visitor=duplicate)
    profile = AdvisorProfile.objects.create(name="Amal K.", visitor=duplicate)
    desk = client_for(Role.FRONT_DESK, hub)
    assert _merge(desk, keep, duplicate).status_code == 302
    request.refresh_from_db()
    profile.refresh_from_db()
    assert request.visitor_id == keep.pk and profile.visitor_id == keep.pk
    logged = set(
        AccessLog.objects.filter(user=desk.user, purpose="merge").values_list(
            "subject_id", flat=True
        )
    )
    assert logged == {keep.pk, duplicate.pk}
    assert VisitorMerge.objects.get(into=keep).by == desk.user


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.COORDINATOR, Role.FUNDER], ids=str)
def test_roles_that_do_not_manage_visitors_cannot_merge(client_for, pair, hub, role):
    keep, duplicate = pair
    assert _merge(client_for(role, hub), keep, duplicate).status_code == 404
    assert Visitor.objects.filter(pk=duplicate.pk).exists()


def test_the_front_desk_of_another_hub_cannot_merge(client_for, pair, other_hub):
    keep, duplicate = pair
    assert _merge(client_for(Role.FRONT_DESK, other_hub), keep, duplicate).status_code == 404
    assert Visitor.objects.filter(pk=duplicate.pk).exists()


def test_a_merge_that_fails_half_way_leaves_both_records_as_they_were(
    client_for, pair, hub, monkeypatch
):
    keep, duplicate = pair
    visit = VisitFactory(hub=hub, visitor=duplicate)
    original = Visitor.delete

    def broken_delete(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Visitor, "delete", broken_delete)
    with pytest.raises(RuntimeError):
        visitor_merge(keep=keep, duplicate=duplicate)
    monkeypatch.setattr(Visitor, "delete", original)
    visit.refresh_from_db()
    assert visit.visitor_id == duplicate.pk
    assert not VisitorMerge.objects.exists()


def test_a_merge_stays_within_a_bounded_number_of_queries(pair, hub, django_assert_max_num_queries):
    keep, duplicate = pair
    for _ in range(10):
        VisitFactory(hub=hub, visitor=duplicate)
    with django_assert_max_num_queries(40):
        visitor_merge(keep=keep, duplicate=duplicate)

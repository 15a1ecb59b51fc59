"""Every relation to a visitor is either in the export and the erasure, or excluded with a reason."""

from __future__ import annotations

import pytest

from kototori.rights.inventory import EXCLUDED, HANDLED, visitor_relations
from kototori.rights.services import visitor_export
from tests.visits.factories import VisitorFactory

pytestmark = pytest.mark.django_db


def test_every_relation_to_a_visitor_is_exported_and_erased_or_excluded_with_a_reason():
    found = visitor_relations()
    unhandled = found - set(HANDLED) - set(EXCLUDED)
    assert not unhandled, f"relations to visits.Visitor the rights code doesn't cover: {unhandled}"
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_walk_finds_the_known_relations():
    # If the walk itself broke (found nothing), the test above would pass vacuously.
    assert {"visits.Visit.visitor", "visits.Case.visitor", "visits.Consent.visitor"} <= (
        visitor_relations()
    )


def test_the_export_has_a_section_for_every_handled_relation(hub):
    data = visitor_export(visitor=VisitorFactory(hub=hub))
    sections = {section for section, _erasure in HANDLED.values()}
    assert sections <= set(data), sections - set(data)
    assert "used_by" in data  # the access log's rows about them, and who received their data


def test_no_relation_is_both_handled_and_excluded():
    assert not set(HANDLED) & set(EXCLUDED)

"""Everything in the database that is about one visitor, found by walking the models.

``visitor_relations()`` lists every relation that touches ``visits.Visitor`` (foreign keys, one-to-
one and many-to-many fields in any model pointing at it, and Visitor's own relations). Each must be
in ``HANDLED`` with what the export and the erasure do with it, or in ``EXCLUDED`` with a reason;
and each, with the references by id, must have a rule in ``MERGE`` for joining two records of one
person. tests/rights/test_inventory.py and tests/visits/test_visitor_merge.py fail on a relation
that is missing, and ``visits.services.visitor_merge`` refuses to run, so a new link to a person
can't escape the right of access, erasure or a merge unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.apps import apps

if TYPE_CHECKING:
    from django.db.models import Field

VISITOR = "visits.Visitor"

# relation label → (what the export shows, what the erasure does)
HANDLED: dict[str, tuple[str, str]] = {
    "visits.Visitor.languages": ("languages", "deleted with the record"),
    "visits.Consent.visitor": ("consents", "deleted with the record"),
    "visits.Visit.visitor": ("visits", "kept as an anonymous visit, note cleared"),
    "visits.Referral.visitor": ("referrals", "kept with partner and status, free text cleared"),
    "visits.Case.visitor": (
        "cases",
        "kept with topics and outcome, summary and every note's text cleared",
    ),
    "visits.DataRequest.visitor": (
        "data_requests",
        "kept with kind, dates and status as proof it was answered; who asked, contact, message "
        "and staff note cleared, and unlinked",
    ),
    "advisors.AdvisorProfile.visitor": (
        "volunteering",
        "unlinked; a candidate without a login loses the name",
    ),
    "rights.VisitorMerge.into": (
        "merged_records",
        "deleted with the record; the merged records' keys go into the erasure ledger too",
    ),
}

EXCLUDED: dict[str, str] = {
    "visits.Visitor.hub": "the hub the record belongs to, not data about the person",
    "visits.Visitor.created_by": "the staff member who recorded it (their data, not the visitor's)",
}


@dataclass(frozen=True)
class IdReference:
    """A reference by ``(record type, id)`` instead of a foreign key (no relation to walk)."""

    type_field: str
    export: str
    erasure: str


# References by id that are not relations (no foreign key): listed by hand. They name the visitor
# ("visits.visitor", pk) or a row linked to them ("visits.referral", pk).
ID_REFERENCES: dict[str, IdReference] = {
    "kototori.AccessLog.subject_id": IdReference(
        "subject_type", "used_by", "kept (ids only; the client-data act requires two years)"
    ),
    "kototori.OutboundMessage.about_id": IdReference(
        "about_type",
        "-",
        "text and recipient emptied, pending ones cancelled; the copies the e-mail and SMS"
        " backends stored are removed",
    ),
}


class Merge(StrEnum):
    MOVE = "move"  # the row points at the record kept
    UNION = "union"  # many-to-many: the record kept gets both sets
    OWN = "own"  # the record's own link (its hub, who recorded it): the kept record's stays
    # Not rewritten (the access log is append-only): the merge is recorded in rights.VisitorMerge,
    # and the copy of the kept record's data lists the reads of both.
    RECORD = "record"


# What joining a duplicate record into the one kept does with each relation. A one-to-one relation
# marked MOVE is moved only when the kept record has none: when both have one, the merge stops and
# says so (two volunteer profiles, say, need a person to decide which is right; neither is dropped).
MERGE: dict[str, Merge] = {
    "visits.Visitor.languages": Merge.UNION,
    "visits.Visitor.hub": Merge.OWN,
    "visits.Visitor.created_by": Merge.OWN,
    # Both records' consents are kept: each is the proof of what was agreed when (art. 7(1)).
    "visits.Consent.visitor": Merge.MOVE,
    "visits.Visit.visitor": Merge.MOVE,
    "visits.Referral.visitor": Merge.MOVE,
    "visits.Case.visitor": Merge.MOVE,
    "visits.DataRequest.visitor": Merge.MOVE,
    "advisors.AdvisorProfile.visitor": Merge.MOVE,
    "rights.VisitorMerge.into": Merge.MOVE,
    "kototori.AccessLog.subject_id": Merge.RECORD,
    "kototori.OutboundMessage.about_id": Merge.MOVE,
}


def visitor_relation_fields() -> list[tuple[str, Field]]:
    """``(label, field)`` for every relation that touches a visitor, by label. Hidden reverse
    relations (``related_name="+"``) too: ``Visitor._meta.related_objects`` leaves them out."""
    visitor = apps.get_model(VISITOR)
    found: dict[str, Field] = {}
    for model in apps.get_models(include_auto_created=False):
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created:
                continue
            if model is visitor:
                found[f"{VISITOR}.{field.name}"] = field
            elif field.related_model is visitor:
                found[f"{model._meta.label}.{field.name}"] = field
    return sorted(found.items())


def visitor_relations() -> set[str]:
    return {label for label, _field in visitor_relation_fields()}

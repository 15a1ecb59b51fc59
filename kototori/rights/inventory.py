"""Everything in the database that is about one visitor, found by walking the models.

``visitor_relations()`` lists every relation that touches ``visits.Visitor`` (foreign keys, one-to-
one and many-to-many fields in any model pointing at it, and Visitor's own relations). Each must be
in ``HANDLED`` with what the export and the erasure do with it, or in ``EXCLUDED`` with a reason;
tests/rights/test_inventory.py fails on a relation in neither, so a new link to a person can't
escape the right of access or erasure unnoticed.
"""

from __future__ import annotations

from django.apps import apps

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
}

EXCLUDED: dict[str, str] = {
    "visits.Visitor.hub": "the hub the record belongs to, not data about the person",
    "visits.Visitor.created_by": "the staff member who recorded it (their data, not the visitor's)",
}

# References by id that are not relations (no foreign key): listed by hand.
ID_REFERENCES: dict[str, tuple[str, str]] = {
    "kototori.AccessLog.subject_id": (
        "access_log",
        "kept (ids only; the client-data act requires two years)",
    ),
    "kototori.OutboundMessage.to": ("-", "messages to their phone or e-mail are blanked"),
}


def visitor_relations() -> set[str]:
    visitor = apps.get_model(VISITOR)
    found: set[str] = set()
    for model in apps.get_models(include_auto_created=False):
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created:
                continue
            if model is visitor:
                found.add(f"{VISITOR}.{field.name}")
            elif field.related_model is visitor:
                found.add(f"{model._meta.label}.{field.name}")
    return found

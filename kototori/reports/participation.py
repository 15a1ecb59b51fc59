"""The three dimensions of participation used in Finnish integration evaluation, and the indicators
that feed each. This is the one documented place that defines them; the report and its exports read
it from here.

- Participation in one's own life: getting the help one came for, and taking the next step.
- Participation in communities: meeting others, in events and groups, as a newcomer or a resident.
- Participation in the common good: giving back, as a volunteer advisor or an experience expert.

Each indicator names a table and a row of the report (``table_key``, ``row_key``; an empty row key
means the table's total).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    table_key: str
    row_key: str
    label: str


DIMENSIONS: list[tuple[str, str, list[Indicator]]] = [
    (
        "own_life",
        _("Participation in one's own life"),
        [
            Indicator("visit_outcomes", "advice", _("Visits where advice was given at the desk")),
            Indicator("referral_results", "completed", _("Referrals completed by a partner")),
            Indicator("case_flow", "closed", _("Follow-up cases closed")),
            Indicator("pathway_outcomes", "", _("Pathway outcomes: work, studies, training")),
        ],
    ),
    (
        "communities",
        _("Participation in communities"),
        [
            Indicator("event_participants", "", _("Event participants")),
            Indicator("event_participants", "newcomer", _("Newcomers at events")),
            Indicator("event_participants", "resident", _("Long-term residents at events")),
        ],
    ),
    (
        "common_good",
        _("Participation in the common good"),
        [
            Indicator("advisors_by_stage", "active", _("Active community advisors")),
            Indicator("volunteer_hours", "", _("Volunteer hours")),
            Indicator("expert_assignments", "", _("Experience-expert assignments done")),
            Indicator("expert_audience", "audience", _("People reached by experience experts")),
        ],
    ),
]

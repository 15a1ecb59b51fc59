"""One set of records per hub, shared by the matrix, the leak canaries and the rights tests.

Two hubs (``a`` and ``b``) hold the same kinds of objects, and each has one staff member per role,
so every URL can be asked for with an object of the asker's own hub or of the other hub.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from advisors.models import AssignmentOffer, Training, TrainingSession
from events.models import Registration
from kototori.models import Membership, Role
from tests.advisors.factories import (
    AdvisorProfileFactory,
    AssignmentFactory,
    CaseFactory,
    ExpertProfileFactory,
    ShiftFactory,
)
from tests.events.factories import EventFactory, FeedbackFactory, RegistrationFactory
from tests.factories import HubFactory, MembershipFactory, PartnerFactory, UserFactory, topic
from tests.visits.factories import QueueEntryFactory, ReferralFactory, VisitFactory, VisitorFactory
from visits.models import Case, CaseNote

STAFF_ROLES = [
    Role.FRONT_DESK,
    Role.ADVISOR,
    Role.EXPERT,
    Role.PROFESSIONAL,
    Role.COORDINATOR,
    Role.MANAGER,
    Role.FUNDER,
]


@dataclass
class HubWorld:
    hub: object
    users: dict = field(default_factory=dict)  # role → user
    objects: dict = field(default_factory=dict)  # kind → object
    canary: str = ""


def build_hub(slug: str, name: str, *, canary: str) -> HubWorld:
    """Staff for every role and one of each record. ``canary`` goes into every person's name and
    free text, so a leak of this hub's people shows up as that string anywhere."""
    hub = HubFactory(slug=slug, name=name)
    world = HubWorld(hub=hub, canary=canary)
    for role in STAFF_ROLES:
        user = UserFactory(email=f"{role}-{slug}@example.org", full_name=f"{role.title()} {name}")
        MembershipFactory(user=user, hub=hub, role=role)
        world.users[role] = user
    # A second advisor who holds no claim: sees the pool, not the clients.
    other_advisor = UserFactory(email=f"advisor2-{slug}@example.org", full_name=f"Other {name}")
    MembershipFactory(user=other_advisor, hub=hub, role=Role.ADVISOR)
    world.users["advisor2"] = other_advisor
    for user in (world.users[Role.ADVISOR], other_advisor):
        AdvisorProfileFactory(user=user, name=user.full_name, hubs=[hub], speaks=["fi"])

    o = world.objects
    partner = PartnerFactory(hubs_served=[hub], name=f"Partner {name}")
    visitor = VisitorFactory(
        hub=hub,
        first_name=f"{canary}-Visitor",
        phone="+358 40 " + str(uuid.uuid4().int)[:7],
        email=f"{canary.lower()}@example.org",
        municipality=f"{canary}-Town",
    )
    visit = VisitFactory(hub=hub, visitor=visitor, note="", topics=[topic("housing")])
    o.update(partner=partner, visitor=visitor, visit=visit)
    o["queue_entry"] = QueueEntryFactory(hub=hub, first_name=f"{canary}-Q"[:40])
    o["referral"] = ReferralFactory(
        hub=hub, partner=partner, visitor=visitor, visit=visit, note=f"{canary}-referral note"
    )
    o["case"] = CaseFactory(hub=hub, summary="Needs help with a form", topics=[topic("housing")])
    claimed = CaseFactory(
        hub=hub,
        summary="Housing application",
        visitor=visitor,
        status=Case.Status.CLAIMED,
        claimed_by=world.users[Role.ADVISOR],
        claimed_at=timezone.now(),
        topics=[topic("housing")],
    )
    CaseNote.objects.create(
        case=claimed, author=world.users[Role.ADVISOR], text=f"Called {canary}-Visitor back"
    )
    o["claimed_case"] = claimed
    o["candidate"] = AdvisorProfileFactory(
        name=f"{canary}-Candidate", hubs=[hub], stage="interested", visitor=visitor
    )
    o["advisor_profile"] = world.users[Role.ADVISOR].advisor_profile
    o["shift"] = ShiftFactory(hub=hub)
    expert = world.users[Role.EXPERT]
    ExpertProfileFactory(user=expert, hubs=[hub], speaks=["fi"])
    assignment = AssignmentFactory(hub=hub)
    o["assignment"] = assignment
    o["offer"] = AssignmentOffer.objects.create(assignment=assignment, expert=expert)
    o["expert_assignment"] = AssignmentFactory(hub=hub, expert=expert)
    o["training_session"] = TrainingSession.objects.create(
        training=Training.objects.first(), hub=hub, starts_at=timezone.now() + timedelta(days=5)
    )
    event = EventFactory(hub=hub, capacity=20)
    o["event"] = event
    o["past_event"] = EventFactory(
        hub=hub,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    o["registration"] = RegistrationFactory(
        event=event,
        name=f"{canary}-Registrant",
        phone="+358 50 1234567",
        email=f"reg-{canary.lower()}@example.org",
        status=Registration.Status.CONFIRMED,
    )
    FeedbackFactory(event=o["past_event"])
    o["membership"] = Membership.objects.get(user=world.users[Role.FRONT_DESK], hub=hub)
    return world


def build_world(canary_a: str | None = None, canary_b: str | None = None) -> dict[str, HubWorld]:
    return {
        "a": build_hub(
            "hervanta", "Hervanta", canary=canary_a or f"Canary-{uuid.uuid4().hex[:10]}"
        ),
        "b": build_hub("kontula", "Kontula", canary=canary_b or f"Canary-{uuid.uuid4().hex[:10]}"),
    }

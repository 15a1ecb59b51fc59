"""Retention per hub, as the hub manager set it (``RetentionPolicy``), on top of the fixed rules in
``kototori.retention`` (access log 24 months, sent messages 30 days) and the events app's daily
removal of sign-up contacts 30 days after an event (``events.tasks.erase_old_contacts``): those
are shown in the preview but not run twice here.

Each category has ``due(hub, policy, now)`` (the rows past their time, as a queryset) and
``apply(rows)``; running a category again finds nothing more to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Registration
from events.services import CONTACT_RETENTION_DAYS
from kototori.models import AccessLog, Hub, Membership, User
from kototori.retention import access_log_cutoff
from visits.models import Case, CaseNote, Consent, Referral, Visit, Visitor

from .models import RetentionPolicy
from .services import FORMER_MEMBER_DOMAIN, user_anonymise, visitor_erase

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from django.db.models import QuerySet

MONTH = timedelta(days=31)


def _inactive_visitors(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    cutoff = now - policy.inactive_visitor_months * MONTH
    recent = (
        Q(visits__visited_at__gte=cutoff)
        | Q(cases__last_activity_at__gte=cutoff)
        | Q(referrals__created_at__gte=cutoff)
    )
    active = Visitor.objects.filter(recent).values("pk")
    return Visitor.objects.filter(hub=hub, created_at__lt=cutoff).exclude(pk__in=active)


def _withdrawn_visitors(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    """Records whose every consent was withdrawn long enough ago: without consent, no record."""
    cutoff = now - timedelta(days=policy.withdrawn_consent_days)
    live = Consent.objects.filter(visitor=OuterRef("pk")).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=cutoff)
    )
    return (
        Visitor.objects.filter(hub=hub)
        .filter(Exists(Consent.objects.filter(visitor=OuterRef("pk"))))
        .filter(~Exists(live))
    )


def _withdrawn_consents(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    cutoff = now - timedelta(days=policy.withdrawn_consent_days)
    return Consent.objects.filter(visitor__hub=hub, withdrawn_at__lt=cutoff)


def _closed_case_text(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    cutoff = now - policy.closed_case_months * MONTH
    with_text = CaseNote.objects.filter(case=OuterRef("pk")).exclude(text="")
    return Case.objects.filter(hub=hub, status=Case.Status.CLOSED, closed_at__lt=cutoff).filter(
        ~Q(summary="") | ~Q(escalation_reason="") | Exists(with_text)
    )


def _old_visit_notes(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    """Free text on visits (classified special: it sits beside the topics) after the case-text
    period; the visit itself, its topics and outcome stay for the figures."""
    return Visit.objects.filter(
        hub=hub, visited_at__lt=now - policy.closed_case_months * MONTH
    ).exclude(note="")


def _old_referral_notes(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    cutoff = now - policy.closed_case_months * MONTH
    return Referral.objects.filter(hub=hub, created_at__lt=cutoff).filter(
        ~Q(note="") | ~Q(partner_feedback="")
    )


def _clear_text(*fields: str) -> Callable[[QuerySet], int]:
    def clear(rows: QuerySet) -> int:
        return rows.model._default_manager.filter(pk__in=rows.values("pk")).update(
            **dict.fromkeys(fields, "")
        )

    return clear


def _erase_each(rows: QuerySet) -> int:
    count = 0
    for visitor in rows.order_by("pk"):
        visitor_erase(visitor=visitor)
        count += 1
    return count


def _delete(rows: QuerySet) -> int:
    return rows.model._default_manager.filter(pk__in=rows.values("pk")).delete()[0]


def _clear_case_text(rows: QuerySet) -> int:
    ids = list(rows.values_list("pk", flat=True))
    with transaction.atomic():
        CaseNote.objects.filter(case_id__in=ids).update(text="")
        Case.objects.filter(pk__in=ids).update(summary="", escalation_reason="")
    return len(ids)


def _registrant_contacts(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    cutoff = now - timedelta(days=CONTACT_RETENTION_DAYS)
    return Registration.objects.filter(event__hub=hub, event__ends_at__lt=cutoff).exclude(
        email="", phone=""
    )


def _former_members(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    """People with a role in this hub once, and no role anywhere now, whose roles all ended long
    enough ago. Someone who was in several hubs is anonymised only once *every* hub they were in is
    past its own ``former_member_months`` since their last role there ended: the longest period
    wins, so no hub loses the name of someone it still has to account for. A role whose end time is
    unknown (``ended_at`` empty) never counts as ended. Admin accounts (staff, superuser) are left
    to the people who run the server. Anonymised accounts (``former-<id>@invalid.invalid``) are not
    found again."""
    default = RetentionPolicy(hub=hub).former_member_months
    months = dict(RetentionPolicy.objects.values_list("hub_id", "former_member_months"))
    months[hub.pk] = policy.former_member_months
    # A role that ended too recently for its hub's period (hubs without a saved policy: default).
    recent = Q(ended_at__gte=now - default * MONTH) & ~Q(hub_id__in=list(months))
    for hub_id, period in months.items():
        recent |= Q(hub_id=hub_id, ended_at__gte=now - period * MONTH)
    not_over = Membership.objects.filter(user=OuterRef("pk")).filter(
        Q(is_active=True) | Q(ended_at__isnull=True) | recent
    )
    return (
        User.objects.filter(is_superuser=False, is_staff=False)
        .filter(Exists(Membership.objects.filter(user=OuterRef("pk"), hub=hub)))
        .filter(~Exists(not_over))
        .exclude(email__iendswith="@" + FORMER_MEMBER_DOMAIN)
    )


def _anonymise_each(rows: QuerySet) -> int:
    count = 0
    for user in rows.order_by("pk"):
        user_anonymise(user=user)
        count += 1
    return count


def _access_log(hub: Hub, policy: RetentionPolicy, now: datetime) -> QuerySet:
    return AccessLog.objects.filter(hub=hub, at__lt=access_log_cutoff(now))


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    due: Callable[[Hub, RetentionPolicy, datetime], QuerySet]
    apply: Callable[[QuerySet], int] | None  # None: another job applies it (shown in the preview)


CATEGORIES = [
    Category(
        "withdrawn-visitors",
        _("Visitor records whose consent was withdrawn (erased)"),
        _withdrawn_visitors,
        _erase_each,
    ),
    Category("withdrawn-consents", _("Withdrawn consents (deleted)"), _withdrawn_consents, _delete),
    Category(
        "inactive-visitors",
        _("Visitor records without a visit, case or referral (erased)"),
        _inactive_visitors,
        _erase_each,
    ),
    Category(
        "closed-case-text",
        _("Summaries and notes of closed cases (text removed, counts kept)"),
        _closed_case_text,
        _clear_case_text,
    ),
    Category(
        "visit-notes",
        _("Notes on visits older than the case-text period (text removed, visits kept)"),
        _old_visit_notes,
        _clear_text("note"),
    ),
    Category(
        "referral-notes",
        _("Referral notes and partner feedback older than the case-text period (text removed)"),
        _old_referral_notes,
        _clear_text("note", "partner_feedback"),
    ),
    Category(
        "former-members",
        _("Staff and volunteers whose every role ended (anonymised, hours and trainings kept)"),
        _former_members,
        _anonymise_each,
    ),
    Category(
        "registrant-contacts",
        _("Sign-up phone numbers and e-mails after the event (daily events job)"),
        _registrant_contacts,
        None,
    ),
    Category(
        "access-log",
        _("Access log entries older than 24 months (nightly retention job; kept 2 years by law)"),
        _access_log,
        None,
    ),
]


def retention_preview(*, hub: Hub, now: datetime | None = None) -> list[tuple[Category, int]]:
    now = now or timezone.now()
    policy = RetentionPolicy.for_hub(hub)
    return [(category, category.due(hub, policy, now).count()) for category in CATEGORIES]


def retention_apply(*, hub: Hub, now: datetime | None = None) -> dict[str, int]:
    """Apply this hub's policy; returns rows changed per category. A second run changes nothing."""
    now = now or timezone.now()
    policy = RetentionPolicy.for_hub(hub)
    done = {}
    for category in CATEGORIES:
        if category.apply is not None:
            done[category.key] = category.apply(category.due(hub, policy, now))
    return done


def retention_apply_all(*, now: datetime | None = None) -> dict[str, dict[str, int]]:
    return {hub.slug: retention_apply(hub=hub, now=now) for hub in Hub.objects.order_by("pk")}

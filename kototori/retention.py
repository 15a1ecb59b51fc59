"""Storage limitation (GDPR art. 5(1)(e)): every kind of personal data has a rule for when it goes.

Each app lists its rules in ``<app>/retention.py`` as ``RULES = [Rule(...), ...]``; the core's are
below. A rule names the rows past their time (``expired(now)``) and what happens to them: ``delete``,
or ``anonymise`` (a field update that keeps the row for statistics). The nightly task
``kototori.tasks.run_retention`` applies every rule; running it twice changes nothing more.

    # visits/retention.py
    RULES = [
        Rule(
            "visitor-records",
            lambda now: Visitor.objects.filter(last_seen__lt=now - timedelta(days=...)),
            anonymise={"first_name": "", "phone": "", "email": ""},
        ),
    ]
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AccessLog, OutboundMessage

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from django.db.models import QuerySet

logger = logging.getLogger(__name__)

RETENTION_APPS = ("kototori", "visits", "advisors", "events")
BATCH = 1000


@dataclass(frozen=True)
class Rule:
    name: str
    expired: Callable[[datetime], QuerySet]
    anonymise: dict[str, Any] = field(default_factory=dict)  # empty: delete the rows

    def apply(self, now: datetime) -> int:
        """Delete or anonymise the expired rows in batches; returns how many rows were touched."""
        done = 0
        while True:
            qs = self.expired(now)
            if self.anonymise:
                qs = qs.exclude(**self.anonymise)  # already anonymised: a rerun touches nothing
            ids = list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                return done
            with transaction.atomic():
                rows = qs.model._default_manager.filter(pk__in=ids)
                if self.anonymise:
                    done += rows.update(**self.anonymise)
                else:
                    rows.delete()
                    done += len(ids)


def access_log_cutoff(now: datetime) -> datetime:
    # 732 days is always past "24 months", the bound the database trigger enforces.
    return now - timedelta(days=732)


CORE_RULES = [
    Rule(
        "access-log-24-months",
        lambda now: AccessLog.objects.filter(at__lt=access_log_cutoff(now)),
    ),
    Rule(
        "sent-message-content",
        lambda now: OutboundMessage.objects.exclude(
            status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING]
        ).filter(created_at__lt=now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)),
        anonymise={"to": "", "subject": "", "body": ""},
    ),
]


def rules() -> list[Rule]:
    found = list(CORE_RULES)
    for app in RETENTION_APPS:
        if app == "kototori":
            continue
        try:
            module = importlib.import_module(f"{app}.retention")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.retention":
                raise
            continue
        found.extend(getattr(module, "RULES", ()))
    return found


def retention_run(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every rule; returns rows touched per rule. One failing rule doesn't stop the others."""
    now = now or timezone.now()
    result: dict[str, int] = {}
    for rule in rules():
        try:
            result[rule.name] = rule.apply(now)
        except Exception:
            logger.exception("retention rule %s failed", rule.name)
            result[rule.name] = -1
    return result

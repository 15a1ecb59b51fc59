"""The outbox: every message is a row first, sent once.

Callers render the text in the recipient's language (``translation.override``) and call
``message_enqueue`` with a key that names the occasion, e.g. ``event-reminder:<registration id>``.
The same key never creates a second row, so a job that runs twice sends once. The row is committed
with the caller's transaction; only then is the sender woken.

Celery only *wakes* the sender; the rows are the queue. A lost wake-up (broker restarted without
saving, worker killed, broker down at commit time) loses nothing: the beat wakes the sender every
minute (``CELERY_BEAT_SCHEDULE["deliver-messages"]``) and it sends whatever is due.

The one window left: a provider that accepted a message just before the worker died, before the row
was marked sent, will be asked again on the next run (at-least-once at the provider boundary). One
killed worker can repeat at most the one message it was sending, never a batch. E-mails carry a
``Message-ID`` derived from the key, so mail clients show a repeated e-mail once; an SMS provider
that accepts a client reference should be given the key (see docs/threat-model.md).
The chaos test (tests/security/test_chaos.py) kills workers and the broker to hold us to this.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Channel, OutboundMessage
from .sms import get_backend

if TYPE_CHECKING:
    from datetime import datetime

    from .models import Hub

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 50


def message_enqueue(
    *,
    key: str,
    channel: str,
    to: str,
    body: str,
    language: str,
    subject: str = "",
    hub: Hub | None = None,
    send_after: datetime | None = None,
) -> tuple[OutboundMessage, bool]:
    """Queue one message; returns ``(message, created)``. An existing key is left as it is."""
    existing = OutboundMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                key=key,
                channel=channel,
                to=to,
                body=body,
                subject=subject[:200],
                language=language,
                hub=hub,
                send_after=send_after or timezone.now(),
            )
    except IntegrityError:  # a concurrent job queued the same key first
        return OutboundMessage.objects.get(key=key), False
    if not any(func is _wake_sender for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_wake_sender)  # one wake-up per transaction is enough
    return message, True


def _wake_sender() -> None:
    """Best effort: the row is already committed, and the beat wakes the sender anyway. A broker
    that is down must not turn a saved message into an error page."""
    from .tasks import deliver_messages

    try:
        deliver_messages.delay()
    except Exception as exc:
        logger.warning("outbox wake-up not sent (%s); the beat will pick it up", type(exc).__name__)


def message_id(key: str) -> str:
    """A stable Message-ID per key: a repeated send is the same e-mail to the receiving side."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    host = urlsplit(settings.SITE_URL).hostname or "kototori.invalid"
    return f"<{digest}@{host}>"


def _claim_next() -> OutboundMessage | None:
    """Lock one due row so that concurrent senders never take the same message."""
    qs = OutboundMessage.objects.filter(
        status=OutboundMessage.Status.PENDING, send_after__lte=timezone.now()
    ).order_by("send_after", "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return qs.first()


def _send(message: OutboundMessage) -> None:
    if message.channel == Channel.EMAIL:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            headers={"Message-ID": message_id(message.key)},
        ).send()
    else:
        get_backend().send(message.to, message.body)


def messages_deliver(*, limit: int = BATCH_SIZE) -> int:
    """Send up to ``limit`` due messages; returns how many were sent. Safe in many workers at once.

    One message per transaction: a worker killed mid-run can leave at most the one message it was
    sending unmarked (the documented window), never a whole batch.
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            message = _claim_next()
            if message is None:
                break
            try:
                _send(message)
            except Exception as exc:
                logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
                attempts = message.attempts + 1
                OutboundMessage.objects.filter(pk=message.pk).update(
                    attempts=attempts,
                    last_error=type(exc).__name__[:300],
                    status=OutboundMessage.Status.FAILED
                    if attempts >= MAX_ATTEMPTS
                    else OutboundMessage.Status.PENDING,
                    send_after=timezone.now() + timedelta(minutes=2**attempts),
                )
                continue
            OutboundMessage.objects.filter(pk=message.pk).update(
                status=OutboundMessage.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
            )
            sent += 1
    return sent

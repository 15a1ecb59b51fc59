"""The outbox: every message is a row first, sent once.

Callers render the text in the recipient's language (``translation.override``) and call
``message_enqueue`` with a key that names the occasion, e.g. ``event-reminder:<registration id>``.
The same key never creates a second row, so a job that runs twice sends once. The row is committed
with the caller's transaction; only then is the sender woken.

The one window left: a provider that accepted a message just before the worker died, before the row
was marked sent, will be asked again on the next run (at-least-once at the provider boundary).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

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
    from .tasks import deliver_messages

    transaction.on_commit(deliver_messages.delay)
    return message, True


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
        EmailMessage(subject=message.subject, body=message.body, to=[message.to]).send()
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

"""The outbox: every message is a row first, sent once.

Callers render the text in the recipient's language (``translation.override``) and call
``message_enqueue`` with a key that names the occasion, e.g. ``event-reminder:<registration id>``.
The same key never creates a second row, so a job that runs twice sends once. The row is committed
with the caller's transaction; only then is the sender woken.

Celery only *wakes* the sender; the rows are the queue. A lost wake-up (broker restarted without
saving, worker killed, broker down at commit time) loses nothing: the beat wakes the sender every
minute (``CELERY_BEAT_SCHEDULE["deliver-messages"]``) and it sends whatever is due.

Sending is two steps, each its own transaction. The sender claims a due row (``FOR UPDATE SKIP
LOCKED``), marks it "sending" with a lease and commits; then it hands the message to the provider,
with a reference derived from the key, and marks it sent. A worker killed anywhere in between leaves
the row "sending". When the lease runs out the message is *in doubt*, and so is any retry of a
message that was handed over before: the sender first asks the provider whether it already accepted
that reference (``accepted()`` on the SMS backend or the e-mail connection). Yes: the row is marked
sent, nothing is sent again. No: it is sent. So nothing is lost and nothing is doubled.

The one window left is a provider that cannot be asked (plain SMTP, the console): when a worker dies
after the provider accepted a message and before the row was marked sent, that one message is sent
again (at least once, never a batch). It carries the same ``Message-ID``, so mail clients show it
once. The chaos test (tests/security/test_chaos.py) kills workers and the broker to hold us to this.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
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


def message_link(path: str, *, language: str) -> str:
    """The absolute link a message carries to one of our pages. It names the language the message
    is written in (``?lang=``, see ``kototori.i18n``), so the page opens in the recipient's language
    whatever their phone's browser says. The language sits in the query string, beside any signed
    part of the path, so a signed link stays valid."""
    separator = "&" if "?" in path else "?"
    return f"{settings.SITE_URL}{path}{separator}{urlencode({'lang': language})}"


def _wake_sender() -> None:
    """Best effort: the row is already committed, and the beat wakes the sender anyway. A broker
    that is down must not turn a saved message into an error page."""
    from .tasks import deliver_messages

    try:
        deliver_messages.delay()
    except Exception as exc:
        logger.warning("outbox wake-up not sent (%s); the beat will pick it up", type(exc).__name__)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def message_id(key: str) -> str:
    """A stable Message-ID per key: a repeated send is the same e-mail to the receiving side."""
    host = urlsplit(settings.SITE_URL).hostname or "kototori.invalid"
    return f"<{_digest(key)}@{host}>"


def provider_reference(key: str) -> str:
    """The reference the provider gets for a message: the same on every attempt, and it does not
    disclose the key (which names the occasion)."""
    return _digest(key)


def _claim_next() -> OutboundMessage | None:
    """Take one message: a due pending one, or one whose sender's lease ran out. It is marked
    "sending" and committed before the provider sees it; concurrent senders skip locked rows."""
    now = timezone.now()
    due = Q(status=OutboundMessage.Status.PENDING, send_after__lte=now) | Q(
        status=OutboundMessage.Status.SENDING, lease_until__lt=now
    )
    with transaction.atomic():
        qs = OutboundMessage.objects.filter(due).order_by("send_after", "pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        message = qs.first()
        if message is None:
            return None
        message.status = OutboundMessage.Status.SENDING
        message.lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        message.attempts += 1
        message.save(update_fields=["status", "lease_until", "attempts"])
    return message


def _email_connection():
    return get_connection(fail_silently=False)


def _already_accepted(message: OutboundMessage) -> bool | None:
    """Ask the provider whether it has this message; ``None`` if it cannot tell."""
    if message.channel == Channel.EMAIL:
        accepted = getattr(_email_connection(), "accepted", None)
        return accepted(message_id(message.key)) if accepted else None
    return get_backend().accepted(provider_reference(message.key))


def _send(message: OutboundMessage) -> None:
    if message.channel == Channel.EMAIL:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            headers={"Message-ID": message_id(message.key)},
            connection=_email_connection(),
        ).send()
    else:
        get_backend().send(message.to, message.body, reference=provider_reference(message.key))


def _finish(message: OutboundMessage, **changes) -> None:
    """Record the outcome, unless another sender took the message over meanwhile (its lease ran
    out): then that sender records it."""
    OutboundMessage.objects.filter(
        pk=message.pk, status=OutboundMessage.Status.SENDING, lease_until=message.lease_until
    ).update(lease_until=None, **changes)


def messages_deliver(*, limit: int = BATCH_SIZE) -> int:
    """Send up to ``limit`` due messages; returns how many were sent. Safe in many workers at once,
    and after any of them died mid-send (see the module docstring)."""
    sent = 0
    for _ in range(limit):
        message = _claim_next()
        if message is None:
            break
        try:
            # attempts counts this one: above 1, an earlier attempt may have reached the provider.
            if message.attempts > 1 and _already_accepted(message):
                logger.info("message %s was already accepted; not sent again", message.pk)
            else:
                _send(message)
        except Exception as exc:
            logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
            _finish(
                message,
                last_error=type(exc).__name__[:300],
                status=OutboundMessage.Status.FAILED
                if message.attempts >= MAX_ATTEMPTS
                else OutboundMessage.Status.PENDING,
                send_after=timezone.now() + timedelta(minutes=2**message.attempts),
            )
            continue
        _finish(message, status=OutboundMessage.Status.SENT, sent_at=timezone.now())
        sent += 1
    return sent

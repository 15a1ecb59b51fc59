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
import os
import re
from datetime import timedelta
from pathlib import Path
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
    from collections.abc import Iterable
    from datetime import datetime

    from django.db.models import Model

    from .models import Hub

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 50

# Which record a message is about, read from the first part of its key (``<occasion>:<pk>:…``),
# for callers that do not pass ``about``. Erasure finds a person's messages through these records.
# "event-<occasion>" keys (confirmed, reminder, promoted…) are about an event registration.
KEY_SUBJECTS = {
    "referral-sent": "visits.referral",
    "referral-link": "visits.referral",
    "case-transfer": "visits.case",
    "case-escalated": "visits.case",
    "case-deescalated": "visits.case",
    "stale-remind": "visits.case",
    "stale-return": "visits.case",
    "stale-returned": "visits.case",
    "follow-up": "visits.case",
    "shift-remind": "advisors.shiftsignup",
    "assignment-offer": "advisors.assignmentoffer",
    "assignment-confirmed": "advisors.assignment",
    "assignment-remind": "advisors.assignment",
    "invite": "kototori.membership",
    "monthly-report": "reports.storedreport",
}


def about_from_key(key: str) -> tuple[str, int | None]:
    """``("visits.referral", 12)`` for ``"referral-sent:12"``; ``("", None)`` for a key of a form
    the outbox does not know."""
    prefix, _sep, rest = key.partition(":")
    label = KEY_SUBJECTS.get(prefix)
    if label is None and prefix.startswith("event-"):
        label = "events.registration"
    number = rest.split(":", 1)[0]
    if label is None or not number.isdecimal():
        return "", None
    return label, int(number)


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
    about: Model | None = None,
) -> tuple[OutboundMessage, bool]:
    """Queue one message; returns ``(message, created)``. An existing key is left as it is.

    ``about`` is the record the message is about (a visitor it is sent to, a referral, a case);
    without it, the record is read from the key (``KEY_SUBJECTS``). Erasing a person reaches the
    message through that record."""
    existing = OutboundMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    if about is not None:
        about_type, about_id = about._meta.label_lower, about.pk
    else:
        about_type, about_id = about_from_key(key)
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
                about_type=about_type,
                about_id=about_id,
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


def _finish(message: OutboundMessage, **changes) -> int:
    """Record the outcome, unless another sender took the message over meanwhile (its lease ran
    out): then that sender records it. Returns 0 when the row was not ours any more (taken over,
    or cancelled by an erasure while we were sending)."""
    return OutboundMessage.objects.filter(
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
        if not _finish(message, status=OutboundMessage.Status.SENT, sent_at=timezone.now()):
            _erased_while_sending(message)
        sent += 1
    return sent


def _erased_while_sending(message: OutboundMessage) -> None:
    """The person was erased while we held the text in memory: the erasure's own clean-up may
    have run before our copy was written, so remove it now."""
    if OutboundMessage.objects.filter(
        pk=message.pk, status=OutboundMessage.Status.CANCELLED
    ).exists():
        message_copies_erase(messages=[message])


# Erasure: the rows, then every copy the backends stored -------------------------------------


def messages_erase(*, about: Q) -> int:
    """Empty the messages matching ``about`` (a filter on ``about_type``/``about_id``): recipient,
    subject and text go, those not sent yet are cancelled. Once the caller's transaction commits,
    the copies the e-mail and SMS backends stored are removed too (a task on the worker, which is
    where the sender wrote them). Returns how many messages were emptied."""
    ids = list(OutboundMessage.objects.filter(about).values_list("pk", flat=True))
    if not ids:
        return 0
    OutboundMessage.objects.filter(
        pk__in=ids,
        status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING],
    ).update(status=OutboundMessage.Status.CANCELLED, lease_until=None)
    OutboundMessage.objects.filter(pk__in=ids).update(to="", subject="", body="")
    transaction.on_commit(lambda: _erase_copies_later(ids))
    return len(ids)


def _erase_copies_later(ids: list[int]) -> None:
    from .tasks import erase_message_copies

    try:
        erase_message_copies.delay(ids)
    except Exception as exc:  # the broker is down: do it here rather than not at all
        logger.warning("copy erasure not queued (%s); erasing here", type(exc).__name__)
        message_copies_erase(messages=OutboundMessage.objects.filter(pk__in=ids))


def message_copies_erase(*, messages: Iterable[OutboundMessage]) -> int:
    """Remove what the e-mail and SMS backends stored of ``messages``, found by the Message-ID and
    the provider reference each message's key gives (never by its text). Idempotent; returns how
    many copies were removed. A provider's own store (an SMTP server, an SMS gateway's log) is
    reached only where its backend implements ``forget``."""
    keys = [message.key for message in messages]
    if not keys:
        return 0
    removed = _email_copies_erase({message_id(key) for key in keys})
    removed += get_backend().forget({provider_reference(key) for key in keys})
    return removed


def _email_copies_erase(message_ids: set[str]) -> int:
    from django.core import mail
    from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
    from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend

    connection = _email_connection()
    forget = getattr(connection, "forget", None)
    if forget is not None:
        return forget(message_ids)
    if isinstance(connection, FileEmailBackend):
        return _email_files_erase(Path(connection.file_path), message_ids)
    if isinstance(connection, LocmemEmailBackend) and hasattr(mail, "outbox"):
        kept = [m for m in mail.outbox if m.extra_headers.get("Message-ID") not in message_ids]
        removed = len(mail.outbox) - len(kept)
        mail.outbox[:] = kept
        return removed
    return 0


_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # how Django's file backend ends each message
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\s]+>)", re.MULTILINE | re.IGNORECASE)


def _email_files_erase(folder: Path, message_ids: set[str]) -> int:
    """Drop the messages with these Message-IDs from the files of Django's file e-mail backend;
    a file left empty is deleted. Each file is replaced whole, never left half-written."""
    wanted = {mid.encode() for mid in message_ids}
    removed = 0
    if not folder.is_dir():
        return 0
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        content = path.read_bytes()
        blocks = content.split(_SEPARATOR)
        kept = []
        for block in blocks:
            header = _MESSAGE_ID.search(block.split(b"\n\n", 1)[0])
            if header and header.group(1) in wanted:
                removed += 1
            else:
                kept.append(block)
        if len(kept) == len(blocks):
            continue
        rest = _SEPARATOR.join(kept)
        if rest.strip():
            temporary = path.with_name(path.name + ".erasing")
            temporary.write_bytes(rest)
            os.replace(temporary, path)
        else:
            path.unlink()
    return removed

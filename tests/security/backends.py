"""Test "providers" with network latency, so that a killed worker really dies mid-send, and with a
way to ask them what they accepted (a gateway's client reference; see ``kototori.sms``).

Each call takes ``latency`` seconds on the way in and ``latency`` on the way back, after the message
was accepted: a kill in the second half lands in the window where the provider has the message and
the outbox does not know it yet. While a file named ``hold`` exists in the folder above
``SMS_FILE_PATH``, the answer does not come back at all, so a test can kill the worker exactly there.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend

from kototori.sms import FileBackend

LATENCY = 0.01


def _answer() -> None:
    time.sleep(LATENCY)
    while (Path(settings.SMS_FILE_PATH).parent / "hold").exists():
        time.sleep(0.05)


class SlowFileBackend(FileBackend):
    def send(self, to: str, text: str, *, reference: str) -> None:
        time.sleep(LATENCY)  # the request travels; then the provider accepts it
        super().send(to, text, reference=reference)
        _answer()  # the answer travels back


class SlowLookupEmailBackend(EmailBackend):
    """Django's file backend (one file per connection, flushed before ``send`` returns), slow, and
    able to say whether it has a Message-ID."""

    def send_messages(self, email_messages):
        time.sleep(LATENCY)
        count = super().send_messages(email_messages)
        _answer()
        return count

    def accepted(self, message_id: str) -> bool:
        header = f"Message-ID: {message_id}"
        return any(header in path.read_text(errors="replace") for path in self._folder.glob("*"))

    @property
    def _folder(self) -> Path:
        return Path(self.file_path)

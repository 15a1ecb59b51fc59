"""Pluggable SMS backends, chosen by ``settings.SMS_BACKEND`` (like Django's e-mail backends).

A provider backend subclasses ``BaseSMSBackend`` and implements ``send(to, text)``; it raises on
failure so the outbox can retry.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseSMSBackend:
    def send(self, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSMSBackend):
    """Writes each SMS to standard output, for local runs."""

    def send(self, to: str, text: str) -> None:
        print(f"--- SMS to {to} ---\n{text}\n---", flush=True)


class FileBackend(BaseSMSBackend):
    """Appends each SMS as a JSON line to ``SMS_FILE_PATH/sms.jsonl`` (tests with a real worker)."""

    _lock = threading.Lock()

    def send(self, to: str, text: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "at": timezone.now().isoformat()})
        with self._lock, open(path / "sms.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class LocmemBackend(BaseSMSBackend):
    """Keeps messages in ``LocmemBackend.outbox``, like Django's locmem e-mail backend."""

    outbox: list[dict[str, str]] = []

    def send(self, to: str, text: str) -> None:
        LocmemBackend.outbox.append({"to": to, "text": text})


def get_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()

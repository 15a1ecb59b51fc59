"""Pluggable SMS backends, chosen by ``settings.SMS_BACKEND`` (like Django's e-mail backends).

A provider backend subclasses ``BaseSMSBackend`` and implements ``send(to, text, reference=...)``:
it raises on failure so the outbox can retry, and passes ``reference`` (one per outbox message,
the same on every attempt) to the gateway as its client reference. If the gateway can be asked
whether it already accepted a reference, implement ``accepted(reference)`` too: after a worker
crash the outbox then asks before sending again, and a message is never sent twice. A backend that
cannot tell returns ``None`` and the outbox sends again (at least once; see ``kototori.messaging``).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseSMSBackend:
    def send(self, to: str, text: str, *, reference: str) -> None:
        raise NotImplementedError

    def accepted(self, reference: str) -> bool | None:
        """Whether the gateway already accepted the message with this reference; ``None``: it
        cannot tell."""
        return None

    def forget(self, references: set[str]) -> int:
        """Remove the stored copies of these messages (the person was erased); returns how many.
        A gateway that keeps sent texts and can delete them by reference should implement it."""
        return 0


class ConsoleBackend(BaseSMSBackend):
    """Writes each SMS to standard output, for local runs."""

    def send(self, to: str, text: str, *, reference: str) -> None:
        print(f"--- SMS to {to} ({reference}) ---\n{text}\n---", flush=True)


class FileBackend(BaseSMSBackend):
    """Appends each SMS as a JSON line to ``SMS_FILE_PATH/sms.jsonl`` (tests with a real worker).

    Like a gateway with client references, it can say whether it has a message: the line is
    written (and flushed to the operating system) before ``send`` returns."""

    _lock = threading.Lock()

    @property
    def path(self) -> Path:
        return Path(settings.SMS_FILE_PATH) / "sms.jsonl"

    def send(self, to: str, text: str, *, reference: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"to": to, "text": text, "reference": reference, "at": timezone.now().isoformat()}
        )
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def forget(self, references: set[str]) -> int:
        """Empty the lines of these messages; the reference and time stay, so ``accepted`` still
        knows they went out and a crashed sender does not send them again."""
        if not self.path.exists():
            return 0
        removed = 0
        lines = []
        with self._lock:
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    lines.append(line)
                    continue
                if row.get("reference") in references and (row.get("to") or row.get("text")):
                    row = {"reference": row["reference"], "at": row.get("at"), "to": "", "text": ""}
                    removed += 1
                lines.append(json.dumps(row))
            if removed:
                temporary = self.path.with_name(self.path.name + ".erasing")
                temporary.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
                os.replace(temporary, self.path)
        return removed

    def accepted(self, reference: str) -> bool:
        if not self.path.exists():
            return False
        with open(self.path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    if json.loads(line).get("reference") == reference:
                        return True
                except ValueError:  # a line cut short by a crash: not accepted
                    continue
        return False


class LocmemBackend(BaseSMSBackend):
    """Keeps messages in ``LocmemBackend.outbox``, like Django's locmem e-mail backend."""

    outbox: list[dict[str, str]] = []

    def send(self, to: str, text: str, *, reference: str) -> None:
        LocmemBackend.outbox.append({"to": to, "text": text, "reference": reference})

    def accepted(self, reference: str) -> bool:
        return any(sms["reference"] == reference for sms in LocmemBackend.outbox)

    def forget(self, references: set[str]) -> int:
        removed = 0
        for sms in LocmemBackend.outbox:
            if sms["reference"] in references and (sms["to"] or sms["text"]):
                sms.update(to="", text="")
                removed += 1
        return removed


def get_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()

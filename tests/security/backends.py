"""A test "SMS provider" with network latency, so a killed worker really dies mid-batch."""

from __future__ import annotations

import time

from kototori.sms import FileBackend


class SlowFileBackend(FileBackend):
    latency = 0.02

    def send(self, to: str, text: str) -> None:
        time.sleep(self.latency)  # the request travels; then the provider accepts it
        super().send(to, text)

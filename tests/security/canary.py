"""Leak canaries: a person whose every field carries a unique marker, and checks that the marker
appears nowhere it must not (logs, task arguments, other hubs' pages, funders' reports, e-mails to
third parties). For the leak tests of the second pass; usage::

    marker = canary_marker()
    visitor = VisitorFactory(first_name=f"Aino{marker}", phone=..., email=f"{marker}@example.org")
    ...
    assert_no_canary(marker, response.text, caplog.text, *[m.body for m in mail.outbox])
"""

from __future__ import annotations

import secrets


def canary_marker() -> str:
    """Letters only, so it survives slugify, case folding and most formatting."""
    return "kanari" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))


def assert_no_canary(marker: str, *texts: str | bytes) -> None:
    needle = marker.lower()
    for i, text in enumerate(texts):
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        assert needle not in text.lower(), f"person data leaked into text #{i}"

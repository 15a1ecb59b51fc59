"""Leak canaries: a person whose every field carries a unique marker, and checks that the marker
appears nowhere it must not (logs, task arguments, other hubs' pages, funders' reports, e-mails to
third parties). For the leak tests of the second pass; usage::

    marker = canary_marker()
    visitor = VisitorFactory(first_name=f"Aino{marker}", phone=..., email=f"{marker}@example.org")
    ...
    assert_no_canary(marker, response.text, caplog.text, *[m.body for m in mail.outbox])

After an erasure the marker must be gone from every store, not only the database:
``stored_texts(directory)`` reads every file below a directory (e-mail files decoded too) and
``redis_texts(url)`` every key and value of a Redis database (the Celery broker and results)::

    assert_no_canary(marker, pg_dump_text, *stored_texts(mail_dir), *redis_texts(REDIS_URL))
"""

from __future__ import annotations

import email
import email.policy
import secrets
from pathlib import Path


def canary_marker() -> str:
    """Letters only, so it survives slugify, case folding and most formatting."""
    return "kanari" + "".join(secrets.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))


def assert_no_canary(marker: str, *texts: str | bytes) -> None:
    needle = marker.lower()
    for i, text in enumerate(texts):
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        assert needle not in text.lower(), f"person data leaked into text #{i}"


def stored_texts(directory: str | Path) -> list[str]:
    """The text of every file below ``directory`` (none if it does not exist). E-mails are also
    given decoded, so a body in base64 or quoted-printable cannot hide the marker."""
    root = Path(directory)
    if not root.exists():
        return []
    texts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        texts.append(raw.decode("utf-8", errors="replace"))
        for block in raw.split(b"\n" + b"-" * 79 + b"\n"):
            if b"Message-ID:" not in block:
                continue
            message = email.message_from_bytes(block, policy=email.policy.default)
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    texts.append(str(part.get_content()))
    return texts


def redis_texts(url: str) -> list[str]:
    """Every key and value in the Redis database at ``url``: strings, lists, hashes, sets."""
    import redis

    client = redis.Redis.from_url(url)
    texts = []
    for key in client.scan_iter(count=500):
        kind = client.type(key).decode()
        values: list[bytes] = [key]
        if kind == "string":
            values.append(client.get(key) or b"")
        elif kind == "list":
            values.extend(client.lrange(key, 0, -1))
        elif kind == "hash":
            for field, value in client.hgetall(key).items():
                values.extend([field, value])
        elif kind == "set":
            values.extend(client.smembers(key))
        elif kind == "zset":
            values.extend(client.zrange(key, 0, -1))
        texts.extend(v.decode("utf-8", errors="replace") for v in values)
    return texts


def database_dump() -> str:
    """The test database as ``pg_dump --data-only`` writes it (PostgreSQL only): what a backup
    taken now would hold. Committed rows only, so use it in a transactional test."""
    import subprocess

    from django.db import connection

    s = connection.settings_dict
    env = {"PGPASSWORD": s["PASSWORD"] or "", "PATH": "/usr/bin:/bin:/usr/lib/postgresql/15/bin"}
    result = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            s["HOST"] or "127.0.0.1",
            "-p",
            str(s["PORT"] or 5432),
            "-U",
            s["USER"],
            s["NAME"],
        ],
        capture_output=True,
        check=True,
        env=env,
        timeout=120,
    )
    return result.stdout.decode("utf-8", errors="replace")

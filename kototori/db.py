"""Which database a query goes to: the primary for everything, a read replica for reports.

``REPLICA_DATABASE_URL`` (optional) adds the alias ``replica``, a PostgreSQL streaming replica of
the primary. Only code that may show data a few seconds old reads there, and says so explicitly::

    with reading_from_replica() as alias:   # "replica", or "default" when none is configured
        ...                                 # reads go to the replica; writes still to the primary

The outcome reports (``kototori.reports.builder.build_report``) are that code. Everything else, and
every write — the access log included — goes to ``default``. A replica lags: a read that must see a
write just made (an idempotency key, a claim, a form saved and shown again) therefore never runs in
that block, and a block that writes sends its later reads to the primary as well (read-your-writes).

The replica connection runs read-only transactions, so a write routed there by mistake fails loudly
instead of diverging; in tests it is a mirror of the test database (``TEST: {"MIRROR": "default"}``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

REPLICA = "replica"


@dataclass
class _ReplicaReads:
    alias: str
    wrote: bool = False


_reads: contextvars.ContextVar[_ReplicaReads | None] = contextvars.ContextVar(
    "kototori_replica_reads", default=None
)


def replica_database(primary: dict[str, Any]) -> dict[str, Any]:
    """The ``DATABASES["replica"]`` entry for a replica parsed like the primary (a dict from
    ``env.db_url_config``)."""
    options = dict(primary.get("OPTIONS", {}))
    if primary["ENGINE"] == "django.db.backends.postgresql":
        # A hot standby refuses writes anyway; this makes a test mirror or a URL that points at
        # the primary by mistake refuse them too.
        read_only = "-c default_transaction_read_only=on"
        options["options"] = f"{options.get('options', '')} {read_only}".strip()
    return {
        **primary,
        "OPTIONS": options,
        "ATOMIC_REQUESTS": False,  # requests write on the primary; they need no replica transaction
        "TEST": {**primary.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS},
    }


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica() -> Iterator[str]:
    """Send this block's reads to the replica when one is configured; yields the alias used.

    Only for reads that may be a little behind the primary (reports). Writes in the block go to the
    primary, and so do the block's reads after its first write."""
    reads = _ReplicaReads(REPLICA if replica_configured() else DEFAULT_DB_ALIAS)
    token = _reads.set(reads)
    try:
        yield reads.alias
    finally:
        _reads.reset(token)


def read_alias() -> str:
    """The alias a read issued here goes to: for raw SQL, ``SET LOCAL`` and vendor checks."""
    reads = _reads.get()
    return reads.alias if reads is not None and not reads.wrote else DEFAULT_DB_ALIAS


def read_connection() -> BaseDatabaseWrapper:
    return connections[read_alias()]


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS``: reads in a ``reading_from_replica()`` block go to the replica; every
    other query goes to ``default``."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # both aliases hold the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica copies the primary's schema

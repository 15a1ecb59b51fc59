"""Backups restore: dump the test database, restore it into a new one, and compare."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from kototori.models import AccessLog, Role
from tests.conftest import _database_url

pytestmark = [
    pytest.mark.backup,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[2]


def _psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", "--no-psqlrc", "-tAq", "--dbname", url, "-c", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


COUNTS = """
SELECT table_name || '=' || (xpath('/row/c/text()', query_to_xml(
    format('SELECT count(*) AS c FROM public.%I', table_name), false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
"""


def _snapshot(url: str) -> dict[str, object]:
    """Row counts of every table and the applied migrations, in two queries."""
    counts = dict(line.split("=") for line in _psql(url, COUNTS).splitlines())
    migrations = _psql(url, "SELECT app || '.' || name FROM django_migrations ORDER BY app, name")
    return {"counts": {t: int(c) for t, c in counts.items()}, "migrations": migrations.splitlines()}


def test_a_backup_restores_into_a_new_database_with_everything_in_it(
    tmp_path, make_member, hub, other_hub
):
    user = make_member(Role.FRONT_DESK, hub)
    AccessLog.objects.create(
        user=user, hub=hub, subject_type="visits.visitor", subject_id=1, view="x"
    )
    source = _database_url()
    target_name = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"
    target = source.rsplit("/", 1)[0] + "/" + target_name
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    try:
        dump = (
            subprocess.run(
                [str(ROOT / "scripts/backup.sh"), source, str(tmp_path)],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
                env=env,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        assert Path(dump).stat().st_mode & 0o077 == 0  # readable by the owner only
        subprocess.run(
            [str(ROOT / "scripts/restore.sh"), dump, target],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            env=env,
        )
        before, after = _snapshot(source), _snapshot(target)
        assert after["migrations"] == before["migrations"]
        assert after["counts"] == before["counts"]
        assert after["counts"]["kototori_accesslog"] == 1
        # The access log is still append-only in the restored database.
        refused = subprocess.run(
            [
                "psql",
                "--no-psqlrc",
                "-tAq",
                "--dbname",
                target,
                "-c",
                "DELETE FROM kototori_accesslog",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode != 0
        assert "append-only" in refused.stderr

        # A second restore into the same name is refused: nothing is ever overwritten.
        again = subprocess.run(
            [str(ROOT / "scripts/restore.sh"), dump, target],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert again.returncode == 3
    finally:
        server = source.rsplit("/", 1)[0] + "/postgres"
        _psql(server, f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')

"""The database router without a replica (the default, and the rest of the suite) and the settings
that add one (kototori/db.py, issue 13.6). With a replica: test_db_replica.py."""

from __future__ import annotations

import json

import pytest
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import timezone

from kototori.db import (
    REPLICA,
    PrimaryReplicaRouter,
    reading_from_replica,
)
from kototori.reports import periods
from kototori.reports.builder import build_report
from tests.kototori.test_settings import load_settings
from tests.visits.factories import VisitFactory
from visits.models import Visit

WRITES = ("INSERT", "UPDATE", "DELETE")


def _this_month() -> str:
    return periods.month(timezone.localdate()).param


def _visits_total(report) -> int:
    return report.table("visits_overview").total.current.value


# Without a replica (the default, and the rest of the suite)


@pytest.mark.django_db
def test_without_a_replica_reports_read_from_the_primary_and_the_router_sends_everything_there(
    hub,
):
    VisitFactory.create_batch(3, hub=hub)

    with reading_from_replica() as alias:
        read_to, write_to = router.db_for_read(Visit), router.db_for_write(Visit)
    report = build_report(hub_ids=[hub.pk], period=periods.parse(_this_month()), suppress=False)

    assert (alias, read_to, write_to) == (DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS)
    assert _visits_total(report) == 3
    assert router.db_for_read(Visit) == DEFAULT_DB_ALIAS


def test_the_replica_is_never_migrated():
    assert PrimaryReplicaRouter().allow_migrate(REPLICA, "visits") is False
    assert PrimaryReplicaRouter().allow_migrate(DEFAULT_DB_ALIAS, "visits") is None


def test_replica_database_url_adds_a_read_only_replica_that_tests_mirror_onto_the_test_database():
    result = load_settings(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "kototori.example",
            "DATABASE_URL": "postgres://kototori:secret@primary.invalid:5432/kototori",
            "REPLICA_DATABASE_URL": "postgres://reports:secret@replica.invalid:5432/kototori",
        },
        "DATABASES",
        "DATABASE_ROUTERS",
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    replica = loaded["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.invalid"
    assert replica["USER"] == "reports"
    assert replica["OPTIONS"]["options"] == "-c default_transaction_read_only=on"
    assert replica["TEST"]["MIRROR"] == "default"
    assert replica["ATOMIC_REQUESTS"] is False
    assert replica["CONN_MAX_AGE"] == loaded["DATABASES"]["default"]["CONN_MAX_AGE"] > 0
    assert loaded["DATABASE_ROUTERS"] == ["kototori.db.PrimaryReplicaRouter"]


def test_without_replica_database_url_there_is_one_database():
    result = load_settings({"DEBUG": "1", "SECRET_KEY": "x" * 50}, "DATABASES")

    assert result.returncode == 0, result.stderr
    assert list(json.loads(result.stdout)["DATABASES"]) == ["default"]

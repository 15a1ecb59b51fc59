"""Reports read from a replica; writes, the access log and every read that must see a write stay on
the primary (kototori/db.py, issue 13.6).

The replica here is a second alias on a second connection to the test database, set up as
``REPLICA_DATABASE_URL`` sets it up (read-only transactions, a test mirror of ``default``), for this
module only: the rest of the suite runs without one. Queries are captured per connection, so each
test shows which database did what. The tests are transactional: the second connection sees only
committed rows, as a real replica does.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kototori.audit import log_person_access
from kototori.db import REPLICA, reading_from_replica, replica_configured, replica_database
from kototori.models import AccessLog, Role, Topic
from kototori.reports import periods
from kototori.reports.builder import build_report
from kototori.reports.tasks import deliver_monthly_reports
from tests.advisors.factories import CaseFactory
from tests.visits.factories import VisitFactory, VisitorFactory
from visits.models import Case, Visit

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """The alias exists before each test's database set-up checks which aliases it may use."""
    assert not replica_configured()
    connections.settings[REPLICA] = replica_database(
        dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    )
    try:
        yield connections[REPLICA]
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@contextmanager
def captured():
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield primary, replica


def _sql(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


def _writes(queries) -> list[str]:
    return [sql for sql in _sql(queries) if sql.lstrip().upper().startswith(WRITES)]


def _mention(queries, table: str) -> list[str]:
    return [sql for sql in _sql(queries) if f'"{table}"' in sql]


def _this_month() -> str:
    return periods.month(timezone.localdate()).param


def _visits_total(report) -> int:
    return report.table("visits_overview").total.current.value


def test_the_report_page_reads_its_figures_from_the_replica(hub, client_for):
    VisitFactory.create_batch(4, hub=hub, topics=[Topic.objects.first()])
    manager = client_for(Role.MANAGER, hub)

    with captured() as (primary, replica_queries):
        response = manager.get(
            reverse("reports:report"), {"hub": hub.slug, "period": _this_month()}
        )

    assert response.status_code == 200
    assert _mention(replica_queries, "visits_visit")
    assert not _mention(primary, "visits_visit")  # the primary only served login and roles
    assert not _writes(replica_queries)


def test_report_downloads_and_the_managers_dashboard_read_from_the_replica(hub, client_for):
    VisitFactory.create_batch(2, hub=hub)
    manager = client_for(Role.MANAGER, hub)

    with captured() as (_primary, replica_queries):
        csv = manager.get(reverse("reports:export", args=["csv"]), {"hub": hub.slug})
    with captured() as (_primary, dashboard_queries):
        dashboard = manager.get(reverse("reports:hub_overview", kwargs={"hub": hub.slug}))

    assert (csv.status_code, dashboard.status_code) == (200, 200)
    assert _mention(replica_queries, "visits_visit")
    assert _mention(dashboard_queries, "visits_visit")


def test_the_monthly_report_job_reads_on_the_replica_and_stores_and_sends_on_the_primary(
    hub, make_member
):
    make_member(Role.FUNDER, hub)
    VisitFactory(hub=hub, visited_at=timezone.now() - timedelta(days=31))

    with captured() as (primary, replica_queries):
        queued = deliver_monthly_reports()

    assert queued == 1
    assert _mention(replica_queries, "visits_visit")
    assert not _writes(replica_queries)
    written = " ".join(_writes(primary))
    assert '"reports_storedreport"' in written
    assert '"kototori_outboundmessage"' in written


def test_a_write_inside_a_replica_block_goes_to_the_primary_and_later_reads_follow_it(
    hub, make_member, rf
):
    visitor = VisitorFactory(hub=hub)
    request = rf.get("/")
    request.user = make_member(Role.PROFESSIONAL, hub)

    with captured() as (primary, replica_queries), reading_from_replica() as alias:
        before = Visit.objects.count()  # a report-style read: the replica
        log_person_access(request, hub=hub, subjects=[visitor], purpose="test")
        logged = AccessLog.objects.filter(subject_id=visitor.pk).count()  # after a write: primary

    assert alias == REPLICA
    assert before == 0
    assert logged == 1
    assert _mention(replica_queries, "visits_visit")
    assert not _mention(replica_queries, "kototori_accesslog")
    assert [sql for sql in _writes(primary) if '"kototori_accesslog"' in sql]
    assert _mention(primary, "kototori_accesslog")[-1].lstrip().upper().startswith("SELECT")


@contextmanager
def lagging(replica_connection):
    """Freeze what the replica shows: a repeatable-read snapshot taken now, held until the end, so
    it sees none of the writes made meanwhile — a replica that has fallen behind."""
    with transaction.atomic(using=REPLICA):
        with replica_connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT count(*) FROM visits_visit")
        yield


def test_a_replica_that_lags_breaks_nothing_that_reads_its_own_write(replica, hub, client_for):
    topic = Topic.objects.first()
    desk = client_for(Role.FRONT_DESK, hub)
    advisor = client_for(Role.ADVISOR, hub)
    case = CaseFactory(hub=hub, visitor=VisitorFactory(hub=hub), topics=[topic])
    form = {"topics": [topic.pk], "channel": "walk_in", "outcome": "advice", "key": "k-1"}
    log_url = reverse("visits:log_visit", kwargs={"hub": hub.slug})

    with lagging(replica):
        # The same form twice: the second must find the first visit (its key) on the primary.
        answers = [desk.post(log_url, form).status_code for _twice in range(2)]
        claim = advisor.post(reverse("advisors:claim", kwargs={"hub": hub.slug, "pk": case.pk}))
        page = advisor.get(reverse("advisors:case", kwargs={"hub": hub.slug, "pk": case.pk}))
        report = build_report(hub_ids=[hub.pk], period=periods.parse(_this_month()), suppress=False)

    assert answers == [302, 302]
    assert Visit.objects.filter(idempotency_key="k-1").count() == 1
    assert claim.status_code == 302 and claim["Location"].endswith(f"/cases/{case.pk}/")
    assert Case.objects.get(pk=case.pk).claimed_by == advisor.user
    assert page.status_code == 200
    assert AccessLog.objects.filter(subject_id=case.visitor_id, user=advisor.user).count() == 1
    # The replica really was behind: the report, read there, does not have the visit yet.
    assert _visits_total(report) == 0
    fresh = build_report(hub_ids=[hub.pk], period=periods.parse(_this_month()), suppress=False)
    assert _visits_total(fresh) == 1

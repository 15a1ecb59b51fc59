"""The report's figures match the database, period by period, hub by hub."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from kototori.models import Language, Role, Topic
from kototori.reports.builder import build_report
from kototori.reports.periods import month
from kototori.reports.selectors import median_minutes
from visits.models import Case, QueueEntry, Visit, Visitor

pytestmark = pytest.mark.django_db
OCT = month(date(2026, 10, 1))


@pytest.fixture(autouse=True)
def _english():
    """The figures here are read as the English report writes them ("withheld", "6.0")."""
    with translation.override("en"):
        yield


def _at(day: int, hour: int = 10, month_: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month_, day, hour))


def _visit(
    hub,
    *,
    day=3,
    month_=10,
    channel="walk_in",
    outcome="advice",
    language="ar",
    topics=("housing",),
    visitor=None,
):
    visit = Visit.objects.create(
        hub=hub,
        visited_at=_at(day, month_=month_),
        channel=channel,
        outcome=outcome,
        language=Language.objects.get(code=language),
        visitor=visitor,
    )
    visit.topics.set(Topic.objects.filter(key__in=topics))
    return visit


def _row(report, table_key, row_key=""):
    table = report.table(table_key)
    return table.total if not row_key else next(r for r in table.rows if r.key == row_key)


def test_visit_figures_count_the_period_and_the_hub_only(hub, other_hub, make_member):
    for _ in range(7):
        _visit(hub, topics=("housing", "health"))
    for _ in range(6):
        _visit(hub, channel="phone", outcome="referred", language="so")
    _visit(hub, month_=9)  # previous month
    _visit(other_hub)  # another hub
    visitor = Visitor.objects.create(hub=hub, first_name="Amina", created_at=_at(2))
    _visit(hub, visitor=visitor)

    report = build_report(hub_ids=[hub.pk], period=OCT, suppress=False)

    assert _row(report, "visits_overview").current.value == 14
    assert _row(report, "visits_overview").previous.value == 1
    assert _row(report, "visits_overview", "anonymous").current.value == 13
    assert _row(report, "visit_channels", "phone").current.value == 6
    assert _row(report, "visit_outcomes", "referred").current.value == 6
    assert _row(report, "visit_topics", "housing").current.value == 14  # 7 + 6 phone + 1
    assert _row(report, "visit_topics", "health").current.value == 7
    assert _row(report, "visitors", "new").current.value == 1
    assert _row(report, "visitors", "unique").current.value == 1


def test_the_funder_version_withholds_the_small_figures(hub):
    for _ in range(9):
        _visit(hub)
    for _ in range(6):
        _visit(hub, channel="outreach")
    _visit(hub, channel="phone")
    report = build_report(hub_ids=[hub.pk], period=OCT, suppress=True)
    assert _row(report, "visit_channels", "phone").current.display == "<5"
    # 1 phone visit alone could be worked out from the total: outreach (6) is withheld with it.
    assert _row(report, "visit_channels", "outreach").current.display == "withheld"
    assert _row(report, "visit_channels", "walk_in").current.display == "9"
    assert _row(report, "visitors", "unique").current.display == "0"  # a zero is published


def test_median_waiting_time_is_computed_in_the_database(hub):
    for number, wait in enumerate([2, 4, 6, 10, 30], start=1):
        arrived = _at(5)
        QueueEntry.objects.create(
            hub=hub,
            day=date(2026, 10, 5),
            number=number,
            created_at=arrived,
            called_at=arrived + timedelta(minutes=wait),
        )
    median, n = median_minutes(QueueEntry.objects.filter(hub=hub), "created_at", "called_at")
    assert (median, n) == (6, 5)
    report = build_report(hub_ids=[hub.pk], period=OCT, suppress=True)
    assert _row(report, "waiting_time", "median").current.display == "6.0"


def test_a_median_of_fewer_than_five_people_is_not_published(hub):
    arrived = _at(5)
    QueueEntry.objects.create(
        hub=hub,
        day=date(2026, 10, 5),
        number=1,
        created_at=arrived,
        called_at=arrived + timedelta(minutes=3),
    )
    report = build_report(hub_ids=[hub.pk], period=OCT, suppress=False)
    assert _row(report, "waiting_time", "median").current.value is None


def test_case_flow_counts_each_step_in_the_period_it_happened(hub, make_member):
    advisor = make_member(Role.ADVISOR, hub)
    opened = Case.objects.create(hub=hub, summary="Needs help with Kela forms", created_at=_at(2))
    Case.objects.filter(pk=opened.pk).update(
        status="claimed", claimed_by=advisor, first_claimed_at=_at(2, 14)
    )
    Case.objects.create(
        hub=hub,
        summary="Earlier case",
        created_at=_at(20, month_=9),
        closed_at=_at(4),
        status="closed",
        outcome="resolved",
    )
    report = build_report(hub_ids=[hub.pk], period=OCT, suppress=False)
    assert _row(report, "case_flow", "opened").current.value == 1
    assert _row(report, "case_flow", "claimed").current.value == 1
    assert _row(report, "case_flow", "closed").current.value == 1
    assert _row(report, "case_flow", "opened").previous.value == 1


def test_the_report_runs_a_bounded_number_of_queries(hub, django_assert_max_num_queries):
    for day in range(1, 28):
        _visit(hub, day=day)
    with django_assert_max_num_queries(70):  # fixed per report, whatever the data size
        build_report(hub_ids=[hub.pk], period=OCT, suppress=True)


def test_advisor_stages_are_read_as_they_were_at_the_end_of_the_period(hub, make_member):
    from advisors.models import AdvisorProfile, HoursEntry, PathwayOutcome, PathwayStep

    for i in range(6):
        advisor = AdvisorProfile.objects.create(name=f"Advisor {i}", stage="active")
        advisor.hubs.add(hub)
        PathwayStep.objects.create(advisor=advisor, stage="interested", on=date(2026, 8, 1))
        PathwayStep.objects.create(advisor=advisor, stage="active", on=date(2026, 10, 10))
        PathwayOutcome.objects.create(
            advisor=advisor, kind="studies", started_on=date(2026, 10, 20)
        )
    HoursEntry.objects.create(
        user=make_member(Role.ADVISOR, hub),
        hub=hub,
        on=date(2026, 10, 3),
        hours=2.5,
        description="Phone help",
    )
    report = build_report(hub_ids=[hub.pk], period=OCT, suppress=False)
    assert _row(report, "advisors_by_stage", "active").current.value == 6
    assert _row(report, "advisors_by_stage", "interested").previous.value == 6  # September
    assert _row(report, "pathway_outcomes", "studies").current.value == 6
    assert _row(report, "volunteer_hours").current.value == 2.5


def test_event_participants_split_newcomers_and_residents(hub):
    from events.models import Event, Registration

    event = Event.objects.create(
        hub=hub,
        kind="cafe",
        title="Language café",
        starts_at=_at(8, 17),
        ends_at=_at(8, 19),
        status="published",
        head_count_newcomers=3,
        head_count_residents=2,
    )
    for i, group in enumerate(["newcomer"] * 4 + ["resident"] * 2):
        Registration.objects.create(
            event=event,
            name=f"P{i}",
            party_size=1,
            language="fi",
            group=group,
            status="confirmed",
            attendance="came",
        )
    Registration.objects.create(
        event=event,
        name="No show",
        language="fi",
        group="resident",
        status="confirmed",
        attendance="no_show",
    )
    report = build_report(hub_ids=[hub.pk], period=OCT, suppress=False)
    assert _row(report, "event_participants", "newcomer").current.value == 7
    assert _row(report, "event_participants", "resident").current.value == 4
    assert _row(report, "event_participants").current.value == 11
    assert _row(report, "events_held").current.value == 1

"""``manage.py generate_large`` at 1 % scale: the counts asked for, and data that keeps the rules
the app keeps (time order, opening hours, capacity, retention) and never points across hubs.

The data is generated once for the module and committed (the command runs VACUUM, which cannot
run inside a test's transaction); the module removes it again at the end."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kototori.management.largedata.core import OPENING_PATTERNS
from kototori.models import AccessLog, Hub
from kototori.rights.models import RetentionPolicy
from kototori.rights.retention import MONTH

END = "2026-11-20T15:00:00+02:00"
SCALE = 0.01


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _one(sql: str, params: list | None = None):
    return _rows(sql, params)[0][0]


def _seed_reference_data() -> None:
    """Topics, languages and trainings come from data migrations; a transactional test elsewhere
    may have flushed them from a reused test database (tests/conftest.py does the same per test)."""
    from advisors.models import Training
    from advisors.reference_data import seed_trainings
    from kototori.models import Language, Topic
    from kototori.reference_data import seed_reference_data

    if not Topic.objects.exists():
        seed_reference_data(Topic, Language)
    if not Training.objects.exists():
        seed_trainings(Training)


@pytest.fixture(scope="module")
def large(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _seed_reference_data()
        call_command("generate_large", scale=SCALE, seed=7, end=END, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        call_command("flush", interactive=False, verbosity=0)
        _seed_reference_data()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("large")]


def test_it_makes_the_volumes_asked_for_at_one_percent():
    counts = dict(
        _rows(
            """
            SELECT 'hubs', count(*) FROM kototori_hub UNION ALL
            SELECT 'visits', count(*) FROM visits_visit UNION ALL
            SELECT 'visitors', count(*) FROM visits_visitor UNION ALL
            SELECT 'cases', count(*) FROM visits_case UNION ALL
            SELECT 'notes', count(*) FROM visits_casenote UNION ALL
            SELECT 'advisors', count(*) FROM advisors_advisorprofile UNION ALL
            SELECT 'events', count(*) FROM events_event UNION ALL
            SELECT 'registrations', count(*) FROM events_registration UNION ALL
            SELECT 'access', count(*) FROM kototori_accesslog UNION ALL
            SELECT 'visit topics', count(*) FROM visits_visit_topics UNION ALL
            SELECT 'referrals', count(*) FROM visits_referral
            """
        )
    )
    assert counts["hubs"] == 10
    assert 9_900 <= counts["visits"] <= 10_100
    assert counts["visitors"] == 600
    assert 200 <= counts["cases"] <= 400
    assert counts["notes"] >= counts["cases"]  # every case has at least its "opened" note
    assert counts["advisors"] == 30
    assert counts["events"] == 50
    assert 900 <= counts["registrations"] <= 1_100
    assert counts["access"] == 2_000
    assert counts["visit topics"] >= counts["visits"]
    assert counts["referrals"] > 0


def test_visits_fall_inside_their_hubs_opening_hours_on_their_own_day():
    tz = ZoneInfo(settings.TIME_ZONE)
    hubs = list(Hub.objects.order_by("pk").values_list("pk", flat=True))
    hours = {pk: OPENING_PATTERNS[i % len(OPENING_PATTERNS)][0] for i, pk in enumerate(hubs)}
    rows = _rows("SELECT hub_id, visited_at, day FROM visits_visit")
    assert rows
    for hub, visited_at, day in rows:
        local = visited_at.astimezone(tz)
        assert local.date() == day
        opens, closes = hours[hub][local.weekday()]
        assert opens * 60 <= local.hour * 60 + local.minute < closes * 60


def test_no_day_is_crowded_with_returning_visitors():
    """Returning visitors are spread over their own weeks, not piled on the last day."""
    busiest = _rows(
        """
        SELECT hub_id, max(n), avg(n) FROM (
            SELECT hub_id, day, count(*) AS n FROM visits_visit GROUP BY hub_id, day
        ) per_day GROUP BY hub_id
        """
    )
    assert busiest
    for _hub, most, mean in busiest:
        assert most <= max(10, 4 * mean)


def test_queue_tickets_are_numbered_by_arrival_and_their_times_are_in_order():
    bad_order = _one(
        """
        SELECT count(*) FROM visits_queueentry
        WHERE called_at < created_at OR served_at < called_at OR done_at < served_at
           OR left_at < created_at
           OR (status = 'done' AND (called_at IS NULL OR served_at IS NULL OR done_at IS NULL))
           OR (status = 'left' AND (left_at IS NULL OR called_at IS NOT NULL))
        """
    )
    assert bad_order == 0
    gaps = _one(
        """
        SELECT count(*) FROM (
            SELECT number, row_number() OVER (PARTITION BY hub_id, day ORDER BY created_at, number) AS n
            FROM visits_queueentry
        ) t WHERE number <> n
        """
    )
    assert gaps == 0
    assert _one("SELECT count(*) FROM visits_queueentry") > 0


def test_nothing_points_at_a_row_of_another_hub():
    checks = {
        "visit of another hub's visitor": """
            SELECT count(*) FROM visits_visit v JOIN visits_visitor p ON p.id = v.visitor_id
            WHERE p.hub_id <> v.hub_id""",
        "visit served by someone who cannot log visits there": """
            SELECT count(*) FROM visits_visit v WHERE NOT EXISTS (
                SELECT 1 FROM kototori_membership m WHERE m.user_id = v.served_by_id
                AND m.hub_id = v.hub_id AND m.is_active
                AND m.role IN ('frontdesk', 'professional', 'coordinator', 'manager'))""",
        "ticket of another hub's visit": """
            SELECT count(*) FROM visits_queueentry q JOIN visits_visit v ON v.id = q.visit_id
            WHERE v.hub_id <> q.hub_id OR v.day <> q.day""",
        "case of another hub's visit or visitor": """
            SELECT count(*) FROM visits_case c JOIN visits_visit v ON v.id = c.visit_id
            JOIN visits_visitor p ON p.id = c.visitor_id
            WHERE v.hub_id <> c.hub_id OR p.hub_id <> c.hub_id OR v.visitor_id <> c.visitor_id
               OR v.outcome <> 'case' OR c.created_at < v.visited_at""",
        "case claimed by someone not an active advisor of its hub": """
            SELECT count(*) FROM visits_case c WHERE c.claimed_by_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM kototori_membership m WHERE m.user_id = c.claimed_by_id
                AND m.hub_id = c.hub_id AND m.role = 'advisor' AND m.is_active)""",
        "case claimed by an advisor who does not speak its language": """
            SELECT count(*) FROM visits_case c JOIN visits_case_languages cl ON cl.case_id = c.id
            WHERE c.claimed_by_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM advisors_advisorlanguage al
                JOIN advisors_advisorprofile a ON a.id = al.advisor_id
                WHERE a.user_id = c.claimed_by_id AND al.language_id = cl.language_id)""",
        "referral to a partner that does not serve the hub": """
            SELECT count(*) FROM visits_referral r WHERE NOT EXISTS (
                SELECT 1 FROM kototori_partnerorganisation_hubs_served s
                WHERE s.partnerorganisation_id = r.partner_id AND s.hub_id = r.hub_id)""",
        "referral of another hub's visit, or a service of another partner": """
            SELECT count(*) FROM visits_referral r JOIN visits_visit v ON v.id = r.visit_id
            LEFT JOIN kototori_partnerservice s ON s.id = r.service_id
            WHERE v.hub_id <> r.hub_id OR s.partner_id <> r.partner_id""",
        "access-log row by someone without a role in the hub, or of another hub's visitor": """
            SELECT count(*) FROM kototori_accesslog a JOIN visits_visitor p ON p.id = a.subject_id
            WHERE p.hub_id <> a.hub_id OR NOT EXISTS (
                SELECT 1 FROM kototori_membership m WHERE m.user_id = a.user_id
                AND m.hub_id = a.hub_id)""",
        "event with a partner that does not serve its hub": """
            SELECT count(*) FROM events_event_partners ep JOIN events_event e ON e.id = ep.event_id
            WHERE NOT EXISTS (SELECT 1 FROM kototori_partnerorganisation_hubs_served s
                WHERE s.partnerorganisation_id = ep.partnerorganisation_id AND s.hub_id = e.hub_id)""",
    }
    found = {name: _one(sql) for name, sql in checks.items()}
    assert found == dict.fromkeys(checks, 0)
    assert _one("SELECT count(*) FROM visits_case WHERE claimed_by_id IS NOT NULL") > 0


def test_case_timelines_run_forwards_and_claimed_cases_are_not_stale():
    backwards = _one(
        """
        SELECT count(*) FROM visits_case
        WHERE first_claimed_at < created_at OR escalated_at < first_claimed_at
           OR closed_at < first_claimed_at OR last_activity_at < created_at
           OR (status = 'open' AND claimed_by_id IS NOT NULL)
           OR (status = 'closed' AND (closed_at IS NULL OR outcome = ''))
        """
    )
    assert backwards == 0
    notes_out_of_order = _one(
        """
        SELECT count(*) FROM visits_casenote n JOIN visits_case c ON c.id = n.case_id
        WHERE n.created_at < c.created_at OR n.created_at > c.last_activity_at
        """
    )
    assert notes_out_of_order == 0
    stale = _one(
        "SELECT count(*) FROM visits_case WHERE status = 'claimed' "
        "AND last_activity_at < %s::timestamptz - interval '14 days'",
        [END],
    )
    assert stale == 0


def test_visitors_are_recorded_at_their_first_visit_with_consent_and_kept_by_retention():
    early = _one(
        """
        SELECT count(*) FROM visits_visit v JOIN visits_visitor p ON p.id = v.visitor_id
        WHERE v.visited_at < p.created_at - interval '10 minutes'
        """
    )
    assert early == 0
    without_consent = _one(
        """
        SELECT count(*) FROM visits_visitor p WHERE NOT EXISTS (
            SELECT 1 FROM visits_consent c WHERE c.visitor_id = p.id AND c.scope = 'record'
            AND c.withdrawn_at IS NULL)
        """
    )
    assert without_consent == 0
    inactive = _one(
        """
        SELECT count(*) FROM visits_visitor p WHERE NOT EXISTS (
            SELECT 1 FROM visits_visit v WHERE v.visitor_id = p.id
            AND v.visited_at >= %s::timestamptz - interval '24 months')
        """,
        [END],
    )
    assert inactive == 0


def test_registrations_keep_to_capacity_and_lose_their_contacts_after_the_event():
    over = _one(
        """
        SELECT count(*) FROM events_event e WHERE e.capacity IS NOT NULL AND e.capacity < (
            SELECT coalesce(sum(party_size), 0) FROM events_registration r
            WHERE r.event_id = e.id AND r.status = 'confirmed')
        """
    )
    assert over == 0
    assert _one("SELECT count(*) FROM events_registration WHERE status = 'waiting'") > 0
    kept_contacts = _one(
        """
        SELECT count(*) FROM events_registration r JOIN events_event e ON e.id = r.event_id
        WHERE e.ends_at < %s::timestamptz - interval '30 days' AND (r.email <> '' OR r.phone <> '')
        """,
        [END],
    )
    assert kept_contacts == 0


def test_events_are_translated_and_some_are_still_ahead():
    untranslated = _one("SELECT count(*) FROM events_event WHERE title_fi = '' OR title_en = ''")
    assert untranslated == 0
    assert _one("SELECT count(*) FROM events_event WHERE title_ar <> ''") > 0
    assert _one("SELECT count(*) FROM events_event WHERE starts_at > %s", [END]) > 0


def test_nothing_is_older_than_retention_allows():
    end = datetime.fromisoformat(END)
    assert not AccessLog.objects.filter(at__lt=end - timedelta(days=24 * 30)).exists()
    assert AccessLog.objects.filter(at__gt=end).count() == 0
    # The hub's default: free text of cases closed 12 retention months (31 days each) ago goes.
    text_cutoff = end - RetentionPolicy().closed_case_months * MONTH
    old_text = _one(
        "SELECT count(*) FROM visits_case WHERE closed_at < %s AND summary <> ''", [text_cutoff]
    )
    assert old_text == 0
    assert _one("SELECT count(*) FROM visits_case WHERE closed_at < %s", [text_cutoff]) > 0


def test_the_access_log_stays_append_only_after_loading():
    row = AccessLog.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(purpose="changed")


def test_it_refuses_a_database_that_already_has_hubs():
    with pytest.raises(CommandError, match="already has hubs"):
        call_command("generate_large", scale=SCALE)

from datetime import timedelta

import pytest
from django.utils import timezone

from advisors import services
from advisors.models import Training, TrainingCompletion
from kototori.models import OutboundMessage, Role
from tests.advisors.factories import CaseFactory
from tests.factories import topic
from visits.models import Case, CaseNote

pytestmark = pytest.mark.django_db


def test_claiming_takes_the_case_out_of_the_pool_and_writes_the_timeline(hub, advisor):
    case = CaseFactory(hub=hub)
    claimed = services.case_claim(case_id=case.pk, advisor=advisor)
    assert claimed.status == Case.Status.CLAIMED
    assert claimed.claimed_by == advisor
    assert claimed.first_claimed_at is not None
    assert list(claimed.notes.values_list("kind", flat=True)) == [CaseNote.Kind.CLAIMED]


def test_a_second_claim_gets_a_clear_message(hub, advisor, make_member):
    case = CaseFactory(hub=hub)
    services.case_claim(case_id=case.pk, advisor=advisor)
    other = make_member(Role.ADVISOR, hub)
    with pytest.raises(services.CaseError, match="Someone else claimed"):
        services.case_claim(case_id=case.pk, advisor=other)
    case.refresh_from_db()
    assert case.claimed_by == advisor


def test_release_puts_the_case_back_but_keeps_the_first_claim_time(hub, advisor):
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    first = case.first_claimed_at
    case = services.case_release(case=case, by=advisor)
    assert case.status == Case.Status.OPEN
    assert case.claimed_by is None
    assert case.first_claimed_at == first


def test_another_advisor_cannot_move_a_case_they_do_not_hold(hub, advisor, make_member):
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    other = make_member(Role.ADVISOR, hub)
    with pytest.raises(services.CaseError):
        services.case_note_add(case=case, author=other, text="x")
    with pytest.raises(services.CaseError):
        services.case_release(case=case, by=other)


def test_transfer_goes_only_to_someone_who_can_take_cases_in_the_hub(
    hub, other_hub, advisor, make_member, django_capture_on_commit_callbacks
):
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    outsider = make_member(Role.ADVISOR, other_hub)
    with pytest.raises(services.CaseError):
        services.case_transfer(case=case, by=advisor, to=outsider)
    colleague = make_member(Role.ADVISOR, hub)
    case = services.case_transfer(case=case, by=advisor, to=colleague)
    assert case.claimed_by == colleague
    assert OutboundMessage.objects.filter(to=colleague.email).count() == 1


def test_a_volunteer_cannot_close_a_case_that_needs_a_professional(hub, advisor, professional):
    case = CaseFactory(hub=hub, topics=[topic("child_welfare")])
    case = services.case_claim(case_id=case.pk, advisor=advisor)
    with pytest.raises(services.CaseError, match="needs a professional"):
        services.case_close(case=case, by=advisor, outcome="resolved")
    services.case_escalate(case=case, by=advisor, reason="Child welfare question")
    case.refresh_from_db()
    closed = services.case_close(case=case, by=professional, outcome="professional")
    assert closed.status == Case.Status.CLOSED
    assert closed.closed_by == professional


def test_escalation_tells_each_professional_of_the_hub_once(
    hub, other_hub, advisor, professional, make_member
):
    second = make_member(Role.PROFESSIONAL, hub)
    make_member(Role.PROFESSIONAL, other_hub)
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    services.case_escalate(case=case, by=advisor, reason="Threats")
    recipients = set(OutboundMessage.objects.values_list("to", flat=True))
    assert recipients == {professional.email, second.email}
    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED
    with pytest.raises(services.CaseError):
        services.case_escalate(case=case, by=advisor, reason="again")


def test_notes_and_follow_ups_count_as_activity(hub, advisor):
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now() - timedelta(days=9))
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.case_note_add(case=case, author=advisor, text="Called", next_follow_up=tomorrow)
    case.refresh_from_db()
    assert case.next_follow_up == tomorrow
    assert timezone.now() - case.last_activity_at < timedelta(minutes=1)


@pytest.fixture
def stale_settings(settings):
    settings.STALE_CLAIM_REMIND_DAYS = 7
    settings.STALE_CLAIM_RETURN_DAYS = 14


def _claimed(hub, advisor, days_quiet):
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    Case.objects.filter(pk=case.pk).update(
        last_activity_at=timezone.now() - timedelta(days=days_quiet)
    )
    return case


def test_a_quiet_claim_gets_one_reminder_however_often_the_job_runs(stale_settings, hub, advisor):
    fresh = _claimed(hub, advisor, 2)
    quiet = _claimed(hub, advisor, 8)
    assert services.stale_claims_process() == {"reminded": 1, "returned": 0}
    services.stale_claims_process()
    reminders = OutboundMessage.objects.filter(key__startswith="stale-remind:")
    assert list(reminders.values_list("key", flat=True)) == [
        f"stale-remind:{quiet.pk}:{int(Case.objects.get(pk=quiet.pk).claimed_at.timestamp())}"
    ]
    assert reminders.get().to == advisor.email
    assert Case.objects.get(pk=fresh.pk).status == Case.Status.CLAIMED


def test_a_very_quiet_claim_returns_to_the_pool_and_the_supervisor_is_told(
    stale_settings, hub, advisor, professional
):
    advisor.advisor_profile.supervisor = professional
    advisor.advisor_profile.save()
    case = _claimed(hub, advisor, 15)
    assert services.stale_claims_process() == {"reminded": 0, "returned": 1}
    assert services.stale_claims_process() == {"reminded": 0, "returned": 0}
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.claimed_by is None
    assert case.notes.filter(kind=CaseNote.Kind.RETURNED).count() == 1
    assert (
        OutboundMessage.objects.filter(
            key__startswith="stale-return:", to=professional.email
        ).count()
        == 1
    )
    assert (
        OutboundMessage.objects.filter(key__startswith="stale-returned:", to=advisor.email).count()
        == 1
    )


def test_the_stale_job_runs_as_a_celery_task(stale_settings, hub, advisor):
    from advisors.tasks import process_stale_claims

    _claimed(hub, advisor, 15)
    process_stale_claims.delay()
    assert Case.objects.in_pool().count() == 1


def test_training_completion_is_recorded_once_per_person_training_and_date(advisor):
    training = Training.objects.get(key="community_coaching")
    today = timezone.localdate()
    first, created = services.training_completion_record(
        user=advisor, training=training, completed_on=today, event_id=42
    )
    again, created_again = services.training_completion_record(
        user=advisor, training=training, completed_on=today, event_id=42
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert TrainingCompletion.objects.count() == 1


def test_the_training_catalogue_is_seeded_with_translated_names():
    training = Training.objects.get(key="threatening_situations")
    assert training.name_fi == "Uhkaavat asiakastilanteet"
    assert training.name_en == "Threatening client situations"


def test_an_advisor_cannot_release_an_escalated_case_but_a_professional_hands_it_back(
    hub, advisor, professional
):
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    case = services.case_escalate(case=case, by=advisor, reason="Unsure")
    with pytest.raises(services.CaseError, match="waits for a professional"):
        services.case_release(case=case, by=advisor)
    with pytest.raises(services.CaseError):
        services.case_deescalate(case=case, by=advisor)
    OutboundMessage.objects.all().delete()
    case = services.case_deescalate(case=case, by=professional, text="Fine for you to continue")
    assert case.status == Case.Status.CLAIMED
    assert case.claimed_by == advisor
    assert OutboundMessage.objects.get().to == advisor.email


def test_the_follow_up_reminder_goes_to_the_holder_once_on_the_day(hub, advisor):
    today = timezone.localdate()
    case = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    services.case_follow_up_set(case=case, by=advisor, on=today)
    other = services.case_claim(case_id=CaseFactory(hub=hub).pk, advisor=advisor)
    services.case_follow_up_set(case=other, by=advisor, on=today + timedelta(days=2))
    assert services.follow_up_reminders_send(today=today) == 1
    services.follow_up_reminders_send(today=today)
    assert list(OutboundMessage.objects.values_list("key", flat=True)) == [
        f"follow-up:{case.pk}:{today.isoformat()}"
    ]


def test_every_advisors_job_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "advisors.tasks.process_stale_claims",
        "advisors.tasks.send_shift_reminders",
        "advisors.tasks.send_assignment_reminders",
        "advisors.tasks.send_follow_up_reminders",
    } <= tasks


def test_time_to_claim_is_averaged_over_first_claims(hub, advisor):
    from advisors.queries import pool_stats

    case = CaseFactory(hub=hub, created_at=timezone.now() - timedelta(hours=10))
    services.case_claim(case_id=case.pk, advisor=advisor)
    CaseFactory(hub=hub)
    stats = pool_stats(hub)
    assert stats["in_pool"] == 1
    assert 9.9 <= stats["time_to_claim_hours"] <= 10.1

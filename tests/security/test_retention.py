"""Storage limitation: the nightly retention run removes what is past its time, and only that."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kototori.models import AccessLog, OutboundMessage, Role
from kototori.retention import retention_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(make_member, hub):
    return make_member(Role.FRONT_DESK, hub)


def _log(viewer, hub, days_ago):
    return AccessLog.objects.create(
        user=viewer,
        hub=hub,
        subject_type="visits.visitor",
        subject_id=1,
        view="v",
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_access_log_rows_go_after_24_months_and_not_before(viewer, hub):
    old = _log(viewer, hub, days_ago=800)
    recent = _log(viewer, hub, days_ago=700)
    result = retention_run()
    assert result["access-log-24-months"] == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessLog.objects.filter(pk=old.pk).exists()


def _message(key, status, days_ago):
    message = OutboundMessage.objects.create(
        key=key, channel="sms", to="+358401234567", body="Muistutus: huomenna klo 10", language="fi"
    )
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=status, created_at=timezone.now() - timedelta(days=days_ago)
    )
    return message


def test_sent_messages_lose_recipient_and_text_after_30_days(settings):
    old_sent = _message("a", OutboundMessage.Status.SENT, 31)
    new_sent = _message("b", OutboundMessage.Status.SENT, 29)
    old_pending = _message("c", OutboundMessage.Status.PENDING, 31)  # not yet sent: kept whole
    assert retention_run()["sent-message-content"] == 1
    old_sent.refresh_from_db()
    assert (old_sent.to, old_sent.body, old_sent.key) == ("", "", "a")  # the key still guards
    assert OutboundMessage.objects.get(pk=new_sent.pk).body
    assert OutboundMessage.objects.get(pk=old_pending.pk).to


def test_running_retention_twice_changes_nothing_more(viewer, hub):
    _log(viewer, hub, days_ago=800)
    _message("a", OutboundMessage.Status.SENT, 40)
    retention_run()
    assert set(retention_run().values()) == {0}


def test_the_retention_job_is_scheduled_nightly(settings):
    assert settings.CELERY_BEAT_SCHEDULE["retention"]["task"] == "kototori.tasks.run_retention"

"""The Django admin is a technical tool: it shows no person data from the outbox."""

import pytest

from kototori.messaging import message_enqueue
from kototori.models import AccessLog, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, hub):
    return client_for(Role.MANAGER, hub, is_staff=True, is_superuser=True)


def test_an_outgoing_message_in_the_admin_shows_neither_recipient_nor_text(admin_client):
    message, _ = message_enqueue(
        key="admin:1",
        channel="sms",
        to="+358401112233",
        body="Hei Canaryname, muistutus huomisesta",
        language="fi",
    )
    for path in (
        "/admin/kototori/outboundmessage/",
        f"/admin/kototori/outboundmessage/{message.pk}/change/",
    ):
        response = admin_client.get(path)
        assert response.status_code == 200
        text = response.content.decode()
        assert "admin:1" in text  # the row is there
        assert "+358401112233" not in text
        assert "Canaryname" not in text


def test_the_access_log_cannot_be_changed_or_deleted_in_the_admin(admin_client, hub):
    entry = AccessLog.objects.create(
        user=admin_client.user, hub=hub, subject_type="visitor", subject_id=1, view="test"
    )
    assert admin_client.get(f"/admin/kototori/accesslog/{entry.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/kototori/accesslog/{entry.pk}/change/", {"view": "x"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.view == "test"


def test_switching_a_role_off_in_the_admin_records_when_the_person_left(admin_client, hub):
    from kototori.models import Membership
    from tests.factories import MembershipFactory

    membership = MembershipFactory(hub=hub, role=Role.ADVISOR)
    url = f"/admin/kototori/membership/{membership.pk}/change/"
    data = {"user": membership.user_id, "hub": hub.pk, "role": "advisor"}  # is_active unticked
    assert admin_client.post(url, data).status_code == 302
    membership = Membership.objects.get(pk=membership.pk)
    assert not membership.is_active and membership.ended_at is not None
    assert admin_client.post(url, {**data, "is_active": "on"}).status_code == 302
    membership = Membership.objects.get(pk=membership.pk)
    assert membership.is_active and membership.ended_at is None

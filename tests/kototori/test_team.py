import pytest
from django.core import mail
from django.urls import reverse

from kototori.models import Membership, OutboundMessage, Role, User

pytestmark = pytest.mark.django_db


def test_a_manager_invites_a_person_who_gets_a_link_to_set_a_password(
    client_for, hub, django_capture_on_commit_callbacks
):
    manager = client_for(Role.MANAGER, hub)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("team", kwargs={"hub": hub.slug}),
            {
                "email": "New.Person@example.org",
                "full_name": "New Person",
                "role": "frontdesk",
                "preferred_language": "fi",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, hub=hub, role="frontdesk").exists()
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_inviting_twice_sends_one_invitation(client_for, hub, django_capture_on_commit_callbacks):
    manager = client_for(Role.MANAGER, hub)
    data = {
        "email": "twice@example.org",
        "full_name": "T",
        "role": "advisor",
        "preferred_language": "en",
    }
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("team", kwargs={"hub": hub.slug}), data)
        manager.post(reverse("team", kwargs={"hub": hub.slug}), data)
    assert OutboundMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_there_is_no_open_sign_up(client):
    response = client.get(reverse("account_signup"))
    assert "sign up" not in response.content.decode().lower() or response.status_code != 200
    response = client.post(
        reverse("account_signup"),
        {
            "email": "x@example.org",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert not User.objects.filter(email="x@example.org").exists()

import pytest
from django.urls import reverse
from django.utils import timezone

from kototori.models import Role
from tests.factories import language, topic
from tests.visits.factories import QueueEntryFactory
from visits.models import QueueEntry, Visit
from visits.services import display_token, queue_add

pytestmark = pytest.mark.django_db


def queue_url(hub):
    return reverse("visits:queue", kwargs={"hub": hub.slug})


def move_url(entry, action):
    return reverse(
        "visits:queue_move", kwargs={"hub": entry.hub.slug, "pk": entry.pk, "action": action}
    )


class TestPersonas:
    def test_front_desk_runs_the_queue_of_their_hub(self, desk, hub):
        assert desk.get(queue_url(hub)).status_code == 200

    def test_an_advisor_cannot_run_the_queue(self, client_for, hub):
        assert client_for(Role.ADVISOR, hub).get(queue_url(hub)).status_code == 404

    def test_front_desk_of_another_hub_sees_nothing(self, client_for, hub, other_hub):
        entry = QueueEntryFactory(hub=hub)
        theirs = client_for(Role.FRONT_DESK, other_hub)
        assert theirs.get(queue_url(hub)).status_code == 404
        url = reverse(
            "visits:queue_move", kwargs={"hub": other_hub.slug, "pk": entry.pk, "action": "call"}
        )
        assert theirs.post(url).status_code == 404
        entry.refresh_from_db()
        assert entry.status == QueueEntry.Status.WAITING

    def test_anonymous_is_sent_to_login(self, client, hub):
        assert client.get(queue_url(hub)).status_code == 302


def test_a_ticket_goes_from_waiting_to_done_with_htmx(desk, hub, htmx_headers):
    entry, _ = queue_add(hub=hub, first_name="Amal", topics=[topic("housing")])
    next_url = reverse("visits:queue_next", kwargs={"hub": hub.slug})
    html = desk.post(next_url, headers=htmx_headers).content.decode()
    assert f"Ticket {entry.number} called." in html
    desk.post(move_url(entry, "serve"), headers=htmx_headers)
    response = desk.post(move_url(entry, "done"), {"outcome": "referred"}, headers=htmx_headers)
    assert response.status_code == 200
    assert (
        f"/referrals/new/?visit={entry.pk and Visit.objects.get().pk}" in response.content.decode()
    )
    entry.refresh_from_db()
    assert entry.status == QueueEntry.Status.DONE
    assert entry.visit.outcome == "referred"
    assert entry.visit.served_by == desk.user


def test_a_ticket_moved_by_a_colleague_first_is_reported_not_broken(desk, hub, htmx_headers):
    entry, _ = queue_add(hub=hub)
    desk.post(move_url(entry, "left"), headers=htmx_headers)
    response = desk.post(move_url(entry, "done"), headers=htmx_headers)
    assert "already moved on" in response.content.decode()
    assert Visit.objects.count() == 1


def test_an_unknown_action_is_404(desk, hub):
    entry, _ = queue_add(hub=hub)
    assert desk.post(move_url(entry, "explode")).status_code == 404


def test_the_desk_gives_a_ticket(desk, hub):
    response = desk.post(
        reverse("visits:queue_add", kwargs={"hub": hub.slug}),
        {"language": language("ru").pk, "topics": [topic("employment").pk], "key": "t1"},
        follow=True,
    )
    assert "Ticket 1 is in the queue." in response.content.decode()
    assert QueueEntry.objects.get().source == "desk"


def test_the_queue_shows_waiting_time(desk, hub):
    entry, _ = queue_add(hub=hub)
    QueueEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=7)
    )
    assert "7 min" in desk.get(queue_url(hub)).content.decode()


@pytest.mark.parametrize("size", [2, 25])
def test_the_queue_page_runs_a_bounded_number_of_queries(
    desk, hub, django_assert_max_num_queries, size
):
    for i in range(size):
        entry = QueueEntryFactory(hub=hub, number=i + 1, language=language("ar"))
        entry.topics.set([topic("housing"), topic("health")])
    with django_assert_max_num_queries(12):
        assert desk.get(queue_url(hub)).status_code == 200


class TestNowServing:
    def test_staff_see_called_numbers_and_no_names(self, desk, hub):
        entry, _ = queue_add(hub=hub, first_name="Zainab")
        QueueEntry.objects.filter(pk=entry.pk).update(status="called")
        html = desk.get(reverse("visits:now_serving", kwargs={"hub": hub.slug})).content.decode()
        assert f'<li class="called">{entry.number}</li>' in html
        assert "Zainab" not in html

    def test_the_lobby_screen_opens_with_its_token_only(self, client, hub):
        queue_add(hub=hub, first_name="Zainab")
        good = client.get(reverse("visits:screen", kwargs={"token": display_token(hub)}))
        assert good.status_code == 200
        assert "Zainab" not in good.content.decode()
        bad = client.get(reverse("visits:screen", kwargs={"token": "guess"}))
        assert bad.status_code == 404

    def test_rotating_the_kiosk_token_retires_the_screen_address(self, client, hub):
        old = display_token(hub)
        hub.rotate_kiosk_token()
        assert client.get(reverse("visits:screen", kwargs={"token": old})).status_code == 404


class TestKioskSettings:
    def url(self, hub):
        return reverse("visits:kiosk_settings", kwargs={"hub": hub.slug})

    def test_the_hub_manager_switches_the_kiosk_off_and_rotates_the_token(self, client_for, hub):
        manager = client_for(Role.MANAGER, hub)
        assert manager.get(self.url(hub)).status_code == 200
        manager.post(self.url(hub), {})
        hub.refresh_from_db()
        assert not hub.kiosk_enabled
        old = hub.kiosk_token
        manager.post(self.url(hub), {"rotate": "1"})
        hub.refresh_from_db()
        assert hub.kiosk_token != old

    def test_front_desk_cannot_change_the_kiosk(self, desk, hub):
        assert desk.get(self.url(hub)).status_code == 404

    def test_a_manager_of_another_hub_gets_404(self, client_for, hub, other_hub):
        assert client_for(Role.MANAGER, other_hub).get(self.url(hub)).status_code == 404

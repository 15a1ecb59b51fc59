"""The offline app's visit side: the page, what it is told about the user, and the sync endpoint
that saves each visit logged on a device exactly once, at the time it was logged."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kototori.models import Membership, Role
from kototori.offline import MAX_BATCH_ITEMS
from tests.factories import language, topic
from visits import offline as visits_offline
from visits.models import Visit

pytestmark = pytest.mark.django_db

SYNC = "visits:offline_sync"


def item(hub, **extra) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "hub": hub.slug,
        "topics": [topic("housing").pk],
        "channel": "outreach",
        "outcome": "advice",
        "language": None,
        "language_help": False,
        "note": "",
        "visited_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        **extra,
    }


def sync(client: Client, items: list, **headers):
    return client.post(
        reverse(SYNC), json.dumps({"items": items}), content_type="application/json", **headers
    )


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["status"] for result in response.json()["results"]]


class TestThePage:
    def test_the_front_desk_opens_the_app_shell_with_the_manifest_and_the_visit_form(self, desk):
        response = desk.get(reverse("visits:offline"))
        page = response.content.decode()
        assert response.status_code == 200
        assert reverse("visits:offline_manifest") in page
        assert 'id="visit-form"' in page
        assert "Housing" in page
        # Outreach is what the app is for: the channel starts there.
        assert re.search(r'<input[^>]*value="outreach"[^>]*checked', page)

    def test_the_shell_holds_no_personal_data_because_the_device_keeps_a_copy(self, desk):
        page = desk.get(reverse("visits:offline")).content.decode()
        assert desk.user.email not in page
        assert desk.user.full_name not in page

    def test_every_script_of_the_page_is_a_file_or_data_so_the_csp_needs_no_inline_code(self, desk):
        response = desk.get(reverse("visits:offline"))
        page = response.content.decode()
        for tag in page.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening, opening
        policy = response["Content-Security-Policy"]
        assert "worker-src 'self'" in policy
        assert "manifest-src 'self'" in policy

    def test_a_role_that_logs_no_visits_is_refused(self, client_for, hub):
        assert client_for(Role.ADVISOR, hub).get(reverse("visits:offline")).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.get(reverse("visits:offline"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_the_desk_and_the_check_in_list_link_to_the_app(self, desk, hub):
        url = reverse("visits:offline")
        assert url in desk.get(reverse("visits:desk", kwargs={"hub": hub.slug})).content.decode()
        checkin = reverse("events:checkin_events", kwargs={"hub": hub.slug})
        assert url in desk.get(checkin).content.decode()

    def test_the_login_page_makes_the_device_forget_names(self, client):
        page = client.get(reverse("account_login")).content.decode()
        assert "js/offline/forget.js" in page


class TestWhatTheAppIsTold:
    def test_the_user_their_hubs_and_a_csrf_token(self, desk, hub, other_hub, make_member):
        data = desk.get(reverse("visits:offline_data")).json()
        assert data["user"] == {"id": desk.user.pk, "name": desk.user.get_short_name()}
        assert data["hubs"] == [{"slug": hub.slug, "name": hub.name, "events": True}]
        assert data["csrf"]
        assert abs(datetime.fromisoformat(data["now"]) - timezone.now()) < timedelta(minutes=1)

    def test_a_professional_logs_visits_but_checks_nobody_in(self, client_for, hub):
        data = client_for(Role.PROFESSIONAL, hub).get(reverse("visits:offline_data")).json()
        assert data["hubs"] == [{"slug": hub.slug, "name": hub.name, "events": False}]


class TestSync:
    def test_each_visit_logged_offline_is_saved_once_at_the_time_it_was_logged(self, desk, hub):
        logged_at = timezone.now() - timedelta(hours=3, minutes=7)
        items = [
            item(hub, visited_at=logged_at.isoformat()),
            item(hub, topics=[topic("housing").pk, topic("employment").pk]),
            item(hub, language=language("ar").pk, language_help=True, outcome="left"),
        ]
        assert statuses(sync(desk, items)) == ["created"] * 3
        first = Visit.objects.get(idempotency_key=items[0]["key"])
        assert first.visited_at == logged_at
        assert first.channel == "outreach"
        assert first.created_by == desk.user
        assert first.served_by == desk.user
        third = Visit.objects.get(idempotency_key=items[2]["key"])
        assert (third.language.code, third.language_help, third.outcome) == ("ar", True, "left")
        assert sorted(
            Visit.objects.get(idempotency_key=items[1]["key"]).topics.values_list("key", flat=True)
        ) == ["employment", "housing"]

    def test_sending_the_same_batch_again_adds_nothing(self, desk, hub):
        items = [item(hub) for _ in range(3)]
        sync(desk, items)
        response = sync(desk, items)
        assert statuses(response) == ["duplicate"] * 3
        assert Visit.objects.count() == 3
        assert all(
            r["url"].startswith(f"/h/{hub.slug}/desk/visits/") for r in response.json()["results"]
        )

    def test_a_batch_cut_off_half_way_is_completed_when_sent_again(self, desk, hub):
        items = [item(hub) for _ in range(5)]
        sync(desk, items[:2])
        assert statuses(sync(desk, items)) == ["duplicate"] * 2 + ["created"] * 3
        assert Visit.objects.count() == 5

    def test_a_key_is_the_same_key_whatever_its_letter_case(self, desk, hub):
        visit = item(hub)
        sync(desk, [visit])
        assert statuses(sync(desk, [{**visit, "key": visit["key"].upper()}])) == ["duplicate"]
        assert Visit.objects.count() == 1

    def test_the_same_key_twice_in_one_batch_is_saved_once(self, desk, hub):
        visit = item(hub)
        assert statuses(sync(desk, [visit, visit])) == ["created", "duplicate"]
        assert Visit.objects.count() == 1

    @pytest.mark.parametrize(
        ("when", "reason"),
        [
            (timedelta(hours=1), "A visit can't be in the future."),
            (-timedelta(days=70), "That is too long ago; check the date."),
        ],
    )
    def test_an_implausible_time_is_refused_with_the_reason(self, desk, hub, when, reason):
        visit = item(hub, visited_at=(timezone.now() + when).isoformat())
        result = sync(desk, [visit]).json()["results"][0]
        assert result["status"] == "refused"
        assert reason in result["reason"]
        assert not Visit.objects.exists()

    def test_the_reason_is_in_the_users_language(self, client_for, hub):
        desk = client_for(Role.FRONT_DESK, hub, preferred_language="fi")
        visit = item(hub, topics=[])
        result = sync(desk, [visit]).json()["results"][0]
        assert result["status"] == "refused"
        assert "Valitse vähintään yksi aihe." in result["reason"]

    def test_a_visit_for_a_hub_that_is_no_longer_yours_is_refused_and_the_rest_saved(
        self, desk, hub, other_hub
    ):
        results = sync(desk, [item(other_hub), item(hub)]).json()["results"]
        assert [r["status"] for r in results] == ["refused", "created"]
        assert results[0]["code"] == "hub"
        assert "no longer log visits for this hub" in results[0]["reason"]
        assert list(Visit.objects.values_list("hub__slug", flat=True)) == [hub.slug]

    def test_a_user_left_with_no_visit_logging_role_anywhere_gets_403_and_nothing_saved(
        self, desk, hub
    ):
        Membership.objects.filter(user=desk.user).update(is_active=False)
        response = sync(desk, [item(hub)])
        # No visit-logging role anywhere any more: the whole batch is refused, nothing saved.
        assert response.status_code == 403
        assert not Visit.objects.exists()

    def test_unreadable_items_are_refused_one_by_one(self, desk, hub):
        results = sync(
            desk,
            [
                "nonsense",
                {**item(hub), "key": "not-a-uuid"},
                item(hub, topics="housing"),
                item(hub, channel="carrier pigeon"),
                item(hub),
            ],
        ).json()["results"]
        assert [r["status"] for r in results] == ["refused"] * 4 + ["created"]
        assert Visit.objects.count() == 1

    def test_an_item_the_server_fails_on_is_answered_error_and_kept_for_later(
        self, desk, hub, monkeypatch
    ):
        broken = item(hub)
        real = visits_offline.visit_log

        def flaky(**kwargs):
            if kwargs["idempotency_key"] == broken["key"]:
                raise RuntimeError("disk full")
            return real(**kwargs)

        monkeypatch.setattr(visits_offline, "visit_log", flaky)
        results = sync(desk, [item(hub), broken, item(hub)]).json()["results"]
        assert [r["status"] for r in results] == ["created", "error", "created"]
        assert Visit.objects.count() == 2
        monkeypatch.setattr(visits_offline, "visit_log", real)
        assert statuses(sync(desk, [broken])) == ["created"]

    def test_a_batch_bigger_than_the_limit_is_refused_whole(self, desk, hub):
        response = sync(desk, [item(hub) for _ in range(MAX_BATCH_ITEMS + 1)])
        assert response.status_code == 400
        assert str(MAX_BATCH_ITEMS) in response.json()["error"]
        assert not Visit.objects.exists()

    def test_a_request_that_is_not_a_batch_gets_400(self, desk):
        response = desk.post(reverse(SYNC), "{not json", content_type="application/json")
        assert response.status_code == 400
        assert desk.post(reverse(SYNC), {"items": "x"}).status_code == 400

    def test_the_sync_needs_the_csrf_token_of_the_session(self, make_member, hub):
        user = make_member(Role.FRONT_DESK, hub)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        assert sync(client, [item(hub)]).status_code == 403
        token = client.get(reverse("visits:offline_data")).json()["csrf"]
        assert statuses(sync(client, [item(hub)], HTTP_X_CSRFTOKEN=token)) == ["created"]

    def test_an_ended_session_is_sent_to_log_in_and_nothing_is_saved(self, client, hub):
        response = sync(client, [item(hub)])
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not Visit.objects.exists()

    def test_an_idle_session_is_ended_before_anything_is_saved(self, desk, hub, settings):
        desk.get(reverse("visits:offline_data"))
        settings.SESSION_IDLE_TIMEOUT = -1
        response = sync(desk, [item(hub)])
        assert response.status_code == 302
        assert not Visit.objects.exists()

    def test_a_session_without_the_second_factor_is_sent_to_log_in_and_nothing_saved(
        self, make_member, hub, settings
    ):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        settings.REQUIRE_MFA = True
        user = make_member(Role.FRONT_DESK, hub)
        TOTP.activate(user, generate_totp_secret())
        client = Client()
        client.force_login(user)  # any login that skipped the second factor
        response = sync(client, [item(hub)])
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert not Visit.objects.exists()

    def test_a_get_is_refused(self, desk):
        assert desk.get(reverse(SYNC)).status_code == 405


class TestQueryCounts:
    def _count(self, client, items) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert set(statuses(sync(client, items))) <= {"created", "duplicate"}
        return len(queries)

    def test_new_visits_cost_the_same_few_queries_each(self, desk, hub):
        self._count(desk, [item(hub)])  # warm the session
        two = self._count(desk, [item(hub) for _ in range(2)])
        many_topics = [topic(k).pk for k in ("housing", "employment", "health", "education")]
        twelve = self._count(desk, [item(hub, topics=many_topics) for _ in range(12)])
        per_item = (twelve - two) / 10
        assert per_item == int(per_item)  # linear: nothing grows with the topics or the batch
        assert per_item <= 8

    def test_a_resent_batch_costs_a_fixed_number_of_queries(self, desk, hub):
        items = [item(hub) for _ in range(MAX_BATCH_ITEMS)]
        sync(desk, items)
        with CaptureQueriesContext(connection) as queries:
            assert statuses(sync(desk, items)) == ["duplicate"] * MAX_BATCH_ITEMS
        assert len(queries) <= 8, [q["sql"] for q in queries]


class TestInstalling:
    def test_the_service_worker_is_served_from_the_apps_scope_with_its_cache_version(self, client):
        response = client.get(reverse("visits:offline_sw"))
        body = response.content.decode()
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Service-Worker-Allowed"] == reverse("visits:offline")
        assert "no-cache" in response["Cache-Control"]
        config = json.loads(body.split("\n", 1)[0].removeprefix("const CONFIG = ").rstrip(";"))
        assert config["shell"] == reverse("visits:offline")
        assert "/static/js/offline/app.js" in config["assets"]
        assert "/static/css/offline.css" in config["assets"]
        assert len(config["version"]) == 16

    def test_a_changed_asset_gives_a_new_cache_version(self, client, monkeypatch):
        from visits.views import offline

        before = offline.worker_config()["version"]
        real = offline._read_static
        monkeypatch.setattr(
            offline,
            "_read_static",
            lambda path: real(path) + (b"// changed" if path.endswith("app.js") else b""),
        )
        assert offline._worker_config()["version"] != before

    def test_the_manifest_makes_the_app_installable(self, client):
        from django.contrib.staticfiles import finders

        response = client.get(reverse("visits:offline_manifest"))
        data = response.json()
        assert response["Content-Type"] == "application/manifest+json"
        assert data["start_url"] == data["scope"] == data["id"] == reverse("visits:offline")
        assert data["display"] == "standalone"
        assert data["name"] and data["short_name"]
        sizes = {(icon["sizes"], icon["type"]) for icon in data["icons"]}
        assert {
            ("192x192", "image/png"),
            ("512x512", "image/png"),
            ("any", "image/svg+xml"),
        } <= sizes
        for icon in data["icons"]:
            assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]

    def test_the_manifest_speaks_the_browsers_language(self, client):
        data = client.get(reverse("visits:offline_manifest"), HTTP_ACCEPT_LANGUAGE="sv").json()
        assert data["lang"] == "sv"

import pytest
from django.urls import reverse

from kototori.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_reaches_a_home_page_in_its_hub(client_for, hub, role):
    client = client_for(role, hub)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    final_url = response.redirect_chain[-1][0]
    assert f"/{hub.slug}/" in final_url or final_url.endswith(f"hub={hub.slug}")


def test_a_user_without_any_hub_sees_an_honest_welcome(client, django_user_model):
    user = django_user_model.objects.create_user(
        "lonely@example.org", "x" * 16, preferred_language="en"
    )
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "hub manager" in response.content.decode()


def test_the_language_switch_is_remembered_as_the_users_preference(frontdesk_client):
    frontdesk_client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    frontdesk_client.user.refresh_from_db()
    assert frontdesk_client.user.preferred_language == "sv"
    page = frontdesk_client.get(reverse("partners:list"))
    assert page["Content-Language"] == "sv"


def test_arabic_pages_are_right_to_left(frontdesk_client):
    frontdesk_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    html = frontdesk_client.get(reverse("partners:list")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_the_language_switcher_names_each_language_in_its_own_script(frontdesk_client):
    html = frontdesk_client.get(reverse("partners:list")).content.decode()
    for own_name in ["suomi", "svenska", "العربيّة", "Soomaali", "دری", "ትግርኛ", "Українська"]:
        assert own_name in html


def test_set_language_refuses_an_offsite_next_url(client):
    response = client.post(
        reverse("set_language"), {"language": "fi", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_healthz_answers_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "error"


def test_a_role_with_many_pages_gets_a_grouped_menu_and_front_desk_a_flat_one(client_for, hub):
    manager_page = client_for(Role.MANAGER, hub).get(reverse("partners:list")).content.decode()
    desk_page = client_for(Role.FRONT_DESK, hub).get(reverse("partners:list")).content.decode()
    assert 'class="nav-group' in manager_page
    assert 'class="nav-group' not in desk_page
    assert reverse("partners:list") in desk_page

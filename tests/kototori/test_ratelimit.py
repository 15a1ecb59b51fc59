import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from kototori.ratelimit import HoneypotFormMixin, client_ip, parse_rate, rate_limit

rf = RequestFactory()


@pytest.fixture(autouse=True)
def _rate(settings):
    settings.TEST_RATE_LIMIT = "2/m"
    cache.clear()


def test_rates_read_as_count_per_window():
    assert parse_rate("20/10m") == (20, 600)
    assert parse_rate("5/h") == (5, 3600)
    with pytest.raises(ValueError):
        parse_rate("lots")


def test_a_decorator_must_name_an_existing_setting():
    with pytest.raises(AttributeError):
        rate_limit("test", "NO_SUCH_RATE_LIMIT")


def test_posts_over_the_limit_get_429_and_other_ips_are_unaffected():
    view = rate_limit("test", "TEST_RATE_LIMIT")(lambda request: HttpResponse("ok"))
    codes = [view(rf.post("/", REMOTE_ADDR="10.0.0.1")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert view(rf.post("/", REMOTE_ADDR="10.0.0.2")).status_code == 200
    assert view(rf.get("/", REMOTE_ADDR="10.0.0.1")).status_code == 200


def test_answers_with_errors_and_failing_views_give_their_allowance_back():
    def view(request):
        if request.POST.get("fail"):
            raise RuntimeError("boom")
        return HttpResponse(status=int(request.POST["status"]))

    limited = rate_limit("test", "TEST_RATE_LIMIT")(view)
    for _ in range(4):
        assert limited(rf.post("/", {"status": "400"})).status_code == 400
        with pytest.raises(RuntimeError):
            limited(rf.post("/", {"fail": "1"}))
    assert limited(rf.post("/", {"status": "302"})).status_code == 302
    assert limited(rf.post("/", {"status": "200"})).status_code == 200
    assert limited(rf.post("/", {"status": "200"})).status_code == 429


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.5", "198.51.100.7", "10.0.0.5"),  # no proxy trusted: the header is ignored
        (1, "10.0.0.5", "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.5", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the left part is the client's
        (2, "10.0.0.5", "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "10.0.0.5", "198.51.100.7", "10.0.0.5"),  # too short: fall back, shared by all
        (1, "10.0.0.5", "", "10.0.0.5"),
        (1, "10.0.0.5", "not an address", "10.0.0.5"),
        (1, "10.0.0.5", "198.51.100.7:4431", "198.51.100.7"),
        (1, "10.0.0.5", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),  # one /64 is one client
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(
    settings, count, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_login_limits_use_the_same_client_address(settings):
    from allauth.account.adapter import get_adapter

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert get_adapter(request).get_client_ip(request) == client_ip(request) == "198.51.100.7"
    # allauth itself raises ImproperlyConfigured (a 500 on the login page) for a short header.
    request = rf.get("/", REMOTE_ADDR="10.0.0.5")
    settings.TRUSTED_PROXY_COUNT = 2
    assert get_adapter(request).get_client_ip(request) == "10.0.0.5"


def test_a_filled_honeypot_fails_validation():
    assert not HoneypotFormMixin({"website": "http://spam.example"}).is_valid()
    assert HoneypotFormMixin({"website": ""}).is_valid()

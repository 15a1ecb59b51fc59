import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kototori.ratelimit import HoneypotFormMixin, parse_rate, rate_limit


def test_rates_read_as_count_per_window():
    assert parse_rate("20/10m") == (20, 600)
    assert parse_rate("5/h") == (5, 3600)
    with pytest.raises(ValueError):
        parse_rate("lots")


def test_posts_over_the_limit_get_429_and_other_ips_are_unaffected():
    view = rate_limit("test", "2/m")(lambda request: HttpResponse("ok"))
    rf = RequestFactory()
    codes = [view(rf.post("/", REMOTE_ADDR="10.0.0.1")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert view(rf.post("/", REMOTE_ADDR="10.0.0.2")).status_code == 200
    assert view(rf.get("/", REMOTE_ADDR="10.0.0.1")).status_code == 200


def test_a_filled_honeypot_fails_validation():
    assert not HoneypotFormMixin({"website": "http://spam.example"}).is_valid()
    assert HoneypotFormMixin({"website": ""}).is_valid()

"""TRUSTED_PROXY_COUNT against the requests that really arrive (issue 17.4).

A system check cannot see requests, so the web processes note what they see (in the shared cache,
only when something is off) and both ``/healthz`` and ``manage.py check --deploy`` report it. The
health check stays 200: a visitor could send the headers that raise a warning, and must not be able
to take the site out of its load balancer.
"""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same host
# A public address (the documentation ranges count as private to Python's ipaddress).
VISITOR = "8.8.4.4"


def kototori_findings(deploy: bool = True) -> dict[str, str]:
    return {
        message.id: message.msg
        for message in run_checks(include_deployment_checks=deploy)
        if message.id and message.id.startswith("kototori.")
    }


def healthz(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    return response.json()


def test_forwarded_headers_with_the_count_at_0_are_reported(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    report = healthz(client)
    assert report["status"] == "ok"
    assert report["proxy"] == "warning"
    assert [w["code"] for w in report["proxy_warnings"]] == ["forwarded-for-ignored"]
    findings = kototori_findings()
    assert "kototori.W010" in findings
    assert "TRUSTED_PROXY_COUNT is 0" in findings["kototori.W010"]


def test_requests_without_the_header_with_the_count_set_are_reported(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.get("/accounts/login/", REMOTE_ADDR="198.51.100.7")
    report = healthz(client)
    assert [w["code"] for w in report["proxy_warnings"]] == ["forwarded-for-missing"]
    assert "kototori.W011" in kototori_findings()


def test_a_header_shorter_than_the_count_is_reported_and_the_login_page_still_works(
    client, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    response = client.post(
        "/accounts/login/",
        {"login": "someone@example.org", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 200
    assert [w["code"] for w in healthz(client)["proxy_warnings"]] == ["forwarded-for-short"]
    assert "kototori.W012" in kototori_findings()


def test_a_setup_that_matches_is_reported_ok(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    # The monitor's own health checks, straight to the app, are not counted.
    report = healthz(client)
    assert report["proxy"] == "ok"
    assert report["proxy_warnings"] == []
    assert kototori_findings() == {}


def test_no_proxy_and_the_count_at_0_is_ok(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.get("/accounts/login/", REMOTE_ADDR=VISITOR)
    # A visitor whose own (office, mobile) proxy adds the header is not mistaken for ours:
    # our proxy connects from a private or loopback address.
    client.get("/accounts/login/", REMOTE_ADDR=VISITOR, HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert healthz(client)["proxy"] == "ok"
    assert kototori_findings() == {}


def test_a_warning_for_an_old_setting_is_gone_once_the_setting_changes(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert healthz(client)["proxy"] == "warning"
    settings.TRUSTED_PROXY_COUNT = 1
    assert healthz(client)["proxy"] == "ok"


def test_the_warning_says_what_to_do(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    warning = next(m for m in run_checks(include_deployment_checks=True) if m.id == "kototori.W010")
    assert "TRUSTED_PROXY_COUNT" in warning.hint
    assert "docs/operations.md" in warning.hint


def test_check_deploy_is_clean_when_nothing_was_seen():
    """`make test` runs `check --deploy --fail-level WARNING` on a fresh server with no proxy."""
    assert kototori_findings() == {}


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("TRUSTED_PROXY_COUNT", -1, "kototori.E010"),
        ("EVENT_SIGNUP_RATE_LIMIT", "lots", "kototori.E011"),
        ("LOGIN_ADDRESS_RATE_LIMIT", "10 per minute", "kototori.E011"),
        ("LOGIN_ACCOUNT_FREE_FAILURES", 0, "kototori.E012"),
    ],
)
def test_settings_that_cannot_work_are_errors_at_start_up(settings, name, value, check_id):
    setattr(settings, name, value)
    assert check_id in kototori_findings(deploy=False)

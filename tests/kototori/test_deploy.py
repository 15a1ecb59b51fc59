"""The production files in deploy/ (issue 13.6): gunicorn's settings run a real server, the compose
file and the systemd units describe web, worker and exactly one beat, nginx matches
TRUSTED_PROXY_COUNT=1.

Docker and systemd do not run on the project's machines: the compose file is checked by parsing it,
the units by reading them; gunicorn is started for real.
"""

from __future__ import annotations

import configparser
import os
import re
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read_string((DEPLOY / "systemd" / name).read_text())
    return unit


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# gunicorn


def test_gunicorn_runs_sync_workers_two_per_core_unless_told(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert config["worker_class"] == "sync"
    assert config["workers"] == max(2, 2 * len(os.sched_getaffinity(0)))
    assert config["bind"] == "127.0.0.1:8000"

    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 5


def test_gunicorn_with_the_deploy_settings_serves_the_health_check_and_trusts_the_proxy_scheme(
    tmp_path,
):
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "deploy-test-" + "x" * 40,
        "ALLOWED_HOSTS": "kototori.example",
        "SITE_URL": "https://kototori.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REPLICA_DATABASE_URL": "",
        "REDIS_URL": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "WARNING",
    }
    url = f"http://127.0.0.1:{port}"
    host = {"Host": "kototori.example"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "kototori.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and health is None:
            assert server.poll() is None, log.read_text()
            try:
                health = requests.get(f"{url}/healthz?token=do-not-log", headers=host, timeout=5)
            except requests.RequestException:
                time.sleep(0.2)
        assert health is not None, log.read_text()
        plain = requests.get(f"{url}/", headers=host, allow_redirects=False, timeout=10)
        proxied = requests.get(
            f"{url}/",
            headers={**host, "X-Forwarded-Proto": "https"},
            allow_redirects=False,
            timeout=10,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    # Plain HTTP is exempt for the monitor, and it says what it checked.
    assert health.status_code == 200
    assert health.json() == {
        "status": "ok",
        "database": "ok",
        "proxy": "ok",
        "proxy_warnings": [],
    }
    # Anything else over plain HTTP goes to HTTPS; behind the proxy's X-Forwarded-Proto it is served.
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://kototori.example/"
    assert proxied.status_code == 302
    assert proxied.headers["Location"].startswith("/accounts/login/")
    access_log = log.read_text()
    assert "/healthz" in access_log
    assert "do-not-log" not in access_log  # query strings can carry signed tokens


# docker compose


def test_compose_runs_web_worker_and_exactly_one_beat_on_one_image_with_postgres_and_redis(compose):
    services = compose["services"]

    assert set(services) == {*APP_SERVICES, "db", "redis"}
    assert {services[name]["image"] for name in APP_SERVICES} == {"kototori:latest"}
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "beat" in services["beat"]["command"]
    assert "worker" in services["worker"]["command"]
    assert services["web"]["command"][:3] == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].endswith("@db:5432/kototori")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["env_file"] == "kototori.env"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_compose_health_checks_the_web_app_the_worker_postgres_and_redis(compose):
    services = compose["services"]

    for name in ("web", "worker", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in services["web"]["healthcheck"]["test"][-1]
    assert services["web"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]  # only the host's nginx reaches it


def test_compose_names_files_that_exist(compose):
    build = compose["services"]["web"]["build"]
    context = (DEPLOY / build["context"]).resolve()

    assert context == ROOT
    assert (context / build["dockerfile"]).is_file()
    assert (DEPLOY / "kototori.env.example").is_file()
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile
    assert "collectstatic" in dockerfile


# systemd


def test_systemd_units_start_gunicorn_a_worker_and_beat_from_one_environment_file():
    web = _unit("kototori-web.service")["Service"]
    worker = _unit("kototori-worker.service")["Service"]
    beat = _unit("kototori-beat.service")["Service"]

    assert "gunicorn --config deploy/gunicorn.conf.py kototori.wsgi" in web["ExecStart"]
    assert re.search(r"celery -A kototori worker\b", worker["ExecStart"])
    assert re.search(r"celery -A kototori beat\b", beat["ExecStart"])
    assert {web["EnvironmentFile"], worker["EnvironmentFile"], beat["EnvironmentFile"]} == {
        "/srv/kototori/env"
    }
    assert int(worker["TimeoutStopSec"]) >= 60  # warm shutdown lets running tasks finish
    assert sorted(p.name for p in (DEPLOY / "systemd").glob("*beat*")) == ["kototori-beat.service"]


# nginx


def test_nginx_overwrites_the_forwarded_headers_as_one_trusted_proxy():
    conf = (DEPLOY / "nginx" / "kototori.conf").read_text()
    headers = re.findall(r"proxy_set_header\s+(X-Forwarded-\w+)\s+(\S+);", conf)

    assert ("X-Forwarded-For", "$remote_addr") in headers
    assert ("X-Forwarded-Proto", "$scheme") in headers
    assert "$proxy_add_x_forwarded_for;" not in conf  # a client's own header never passes
    assert "listen 443 ssl" in conf
    assert "TRUSTED_PROXY_COUNT=1" in conf

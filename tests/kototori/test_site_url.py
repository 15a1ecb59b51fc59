"""Links the app writes (QR posters, calendar feeds, e-mails) point at the port it serves.

Issue 12.8: under `PORT=8123 make run` the links still said :8000. Settings are read once, at
import, so each scenario runs the app in a fresh interpreter with a controlled environment (the
optional .env file is not read there, so a developer's .env cannot change the outcome).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from kototori.models import Role
from tests.events.factories import EventFactory
from tests.kototori.test_settings import load_settings

ROOT = Path(__file__).resolve().parent.parent.parent
NO_DOTENV = "import environ\nenviron.Env.read_env = staticmethod(lambda *args, **kwargs: None)\n"


def test_make_run_on_another_port_hands_that_port_to_the_app(tmp_path):
    """scripts/run.sh as `PORT=8123 make run` runs it, with a stand-in virtualenv whose python
    records each step and, in place of runserver, imports the settings the server would get."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    # ensure_venv installs nothing when the stamp matches requirements.lock.
    lock = (ROOT / "requirements.lock").read_bytes()
    (venv / ".requirements.lock.sha256").write_text(hashlib.sha256(lock).hexdigest() + "\n")
    steps = tmp_path / "steps.log"
    settings_code = (
        NO_DOTENV + "import os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kototori.settings')\n"
        "from django.conf import settings\n"
        "print('SITE_URL=' + settings.SITE_URL)\n"
    )
    python = venv / "bin" / "python"
    python.write_text(
        "#!/bin/bash\n"
        f'printf "%s\\n" "$*" >> "{steps}"\n'
        f'if [[ "$2" == runserver ]]; then exec "{sys.executable}" -c "$SETTINGS_CODE"; fi\n'
    )
    python.chmod(0o755)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "PYTHON": sys.executable,
        "VENV": str(venv),
        "PORT": "8123",
        "SECRET_KEY": "x" * 50,
        "SETTINGS_CODE": settings_code,
    }

    result = subprocess.run(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "manage.py runserver 127.0.0.1:8123" in steps.read_text()
    assert "SITE_URL=http://127.0.0.1:8123\n" in result.stdout
    assert "http://127.0.0.1:8123/" in result.stdout  # the address it tells the person


def test_without_a_port_links_point_at_the_default_8000():
    result = load_settings({"DEBUG": "1", "SECRET_KEY": "x" * 50}, "SITE_URL")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SITE_URL"] == "http://127.0.0.1:8000"


def test_a_site_url_set_by_hand_wins_over_the_port():
    result = load_settings(
        {"DEBUG": "1", "SECRET_KEY": "x" * 50, "PORT": "8123", "SITE_URL": "https://hub.example/"},
        "SITE_URL",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SITE_URL"] == "https://hub.example"


APP_CODE = (
    NO_DOTENV
    + """
import json, os, sys
from datetime import date
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kototori.settings")
django.setup()
from django.test import Client
from kototori.models import OutboundMessage
from kototori.reports.services import monthly_reports_deliver

poster_path, feed_path, today = sys.argv[1:4]
client = Client(HTTP_HOST="localhost")  # the request's own host has no port: links use SITE_URL
poster = client.get(poster_path)
feed = client.get(feed_path)
monthly_reports_deliver(today=date.fromisoformat(today))
print(json.dumps({
    "poster": [poster.status_code, poster.content.decode()],
    "feed": [feed.status_code, feed.content.decode().replace("\\r\\n ", "")],
    "emails": list(OutboundMessage.objects.values_list("body", flat=True)),
}))
"""
)


def _test_database_url() -> str:
    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{port}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_under_port_8123_a_poster_qr_code_a_calendar_feed_and_an_email_link_point_at_8123(
    hub, make_member
):
    event = EventFactory(hub=hub, starts_at=timezone.now() + timedelta(days=2))
    make_member(Role.FUNDER, hub, preferred_language="en")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DEBUG": "1",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "kototori.sms.LocmemBackend",
        "PORT": "8123",
    }

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            APP_CODE,
            f"/e/{hub.slug}/{event.pk}/poster/",
            f"/e/{hub.slug}/feed.ics",
            timezone.localdate().isoformat(),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    built = json.loads(result.stdout.strip().splitlines()[-1])
    event_url = f"http://127.0.0.1:8123/e/{hub.slug}/{event.pk}/"
    assert built["poster"][0] == 200
    assert f'<span class="poster-url">{event_url}?lang=' in built["poster"][1]
    assert built["feed"][0] == 200
    assert f"URL:{event_url}" in built["feed"][1]
    assert ":8000" not in built["poster"][1] + built["feed"][1]
    assert len(built["emails"]) == 1
    assert "http://127.0.0.1:8123/reports/?hub=hervanta" in built["emails"][0]

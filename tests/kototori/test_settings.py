"""Settings: every environment variable is documented, secrets fail fast, the embedded default
needs no services.

Settings are evaluated once, at import: each scenario imports them in a fresh interpreter with a
controlled environment. The optional .env file is not read there, so a developer's .env cannot
change the outcome.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = ROOT / "kototori" / "settings.py"
README = ROOT / "README.md"

# Any env.<type>("NAME" or env("NAME" call in settings.py.
ENV_READ = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
# A row of the README's settings table: | `NAME` | ... |
TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)


def settings_variables() -> set[str]:
    return set(ENV_READ.findall(SETTINGS.read_text()))


def readme_settings_table() -> set[str]:
    text = README.read_text()
    start = text.index("\n## Settings")
    end = text.find("\n## ", start + 1)
    return set(TABLE_ROW.findall(text[start : end if end != -1 else None]))


def load_settings(env: dict[str, str], *names: str) -> subprocess.CompletedProcess:
    """Import the settings in a new interpreter with only ``env`` and print ``names`` as JSON."""
    code = (
        "import json, environ\n"
        "environ.Env.read_env = staticmethod(lambda *args, **kwargs: None)\n"
        "from django.conf import settings\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}, default=str))\n"
    )
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "kototori.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_settings_parser_finds_the_variables_it_must_find():
    found = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "EMAIL_URL"} <= found


def test_every_environment_variable_the_settings_read_is_in_the_readme_table():
    missing = settings_variables() - readme_settings_table()
    assert not missing, f"document these in README.md's settings table: {sorted(missing)}"


def test_with_debug_off_a_missing_secret_key_stops_start_up():
    result = load_settings({"DEBUG": "0"}, "SECRET_KEY")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_with_debug_off_an_empty_secret_key_stops_start_up_too():
    result = load_settings({"DEBUG": "0", "SECRET_KEY": ""}, "SECRET_KEY")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_without_redis_celery_runs_tasks_eagerly_and_the_cache_is_local_memory():
    result = load_settings(
        {"DEBUG": "1", "SECRET_KEY": "x" * 50},
        "CELERY_TASK_ALWAYS_EAGER",
        "CELERY_BROKER_URL",
        "CACHES",
        "DATABASES",
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True
    assert loaded["CELERY_BROKER_URL"] == "memory://"
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_with_redis_celery_uses_the_broker_and_the_cache_is_redis():
    result = load_settings(
        {"DEBUG": "1", "SECRET_KEY": "x" * 50, "REDIS_URL": "redis://127.0.0.1:6399/3"},
        "CELERY_TASK_ALWAYS_EAGER",
        "CELERY_BROKER_URL",
        "CACHES",
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["CELERY_BROKER_URL"] == "redis://127.0.0.1:6399/3"
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("RedisCache")


def test_in_production_cookies_are_secure_and_https_is_enforced():
    result = load_settings(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "kototori.example",
            "DATABASE_URL": "postgres://kototori:kototori@db.invalid:5432/kototori",
        },
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "REQUIRE_MFA",
        "DATABASES",
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert loaded["REQUIRE_MFA"] is True
    # A new PostgreSQL connection per request costs ~10x throughput: connections persist.
    assert loaded["DATABASES"]["default"]["CONN_MAX_AGE"] > 0

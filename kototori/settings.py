"""Kototori settings: one module, driven by the environment.

Every setting a deployment may change is read from an environment variable and documented in the
README's settings table. Secrets have no production default: with DEBUG off, a missing SECRET_KEY
stops the process at start-up.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import django.conf.locale
import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; the real environment wins

# Core

DEBUG = env.bool("DEBUG", default=False)


def _local_secret_key() -> str:
    """A key generated once per checkout, so local sessions survive restarts."""
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or (_local_secret_key() if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails, SMS, QR posters and feeds. Without SITE_URL they point at this machine on PORT,
# the port `make run` serves (8000 unless told otherwise), not at a port nobody listens on.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "csp",
    "kototori",
    "kototori.reports",
    "kototori.rights",
    "visits",
    "advisors",
    "events",
    "translations",
]

MIDDLEWARE = [
    "kototori.middleware.ProxyCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kototori.middleware.ExtraSecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kototori.middleware.NoStoreForStaffMiddleware",
    "kototori.middleware.KnownDeviceMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kototori.middleware.SessionTimeoutMiddleware",
    "kototori.middleware.UserLanguageMiddleware",
    "kototori.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "kototori.urls"
WSGI_APPLICATION = "kototori.wsgi.application"
AUTH_USER_MODEL = "kototori.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kototori.context_processors.kototori",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database
# The embedded default is a SQLite file; production and the test suite use PostgreSQL.
# Persistent connections are on: a new PostgreSQL connection per request costs ~10x throughput.

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kototori.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # a request saves all or nothing
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(exist_ok=True)
    # The embedded SQLite must take several desks writing at once (issue 12.1). In SQLite's default
    # DEFERRED mode a transaction that has read and then writes must upgrade its lock; if another
    # desk wrote meanwhile, SQLite refuses at once, without waiting ("database is locked", a 500).
    # Every request reads (session, user) before it writes, so: IMMEDIATE takes the write lock when
    # the transaction begins and waits up to `timeout` seconds for it; WAL lets reads outside a
    # transaction go on beside the writer. With ATOMIC_REQUESTS a GET takes the write lock too:
    # measured and chosen deliberately (docs/performance.md, "The embedded SQLite database").
    # synchronous stays FULL (the default): a logged visit survives a power cut.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
        **DATABASES["default"].get("OPTIONS", {}),  # options in DATABASE_URL's query string win
    }
# Reports may read from a PostgreSQL streaming replica; every write and every other read goes to
# the primary (kototori/db.py says why and how).
REPLICA_DATABASE_URL = env.str("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    from kototori.db import replica_database

    DATABASES["replica"] = replica_database(
        {
            **env.db_url_config(REPLICA_DATABASE_URL),
            "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
            "CONN_HEALTH_CHECKS": True,
        }
    )
DATABASE_ROUTERS = ["kototori.db.PrimaryReplicaRouter"]

# Redis, Celery and the cache
# Without REDIS_URL, Celery runs tasks eagerly in-process and the cache is local memory.

REDIS_URL = env.str("REDIS_URL", default="")

CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Europe/Helsinki")
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="kototori")
# Every periodic job is declared here, in one place. Each job is idempotent and guarded against
# overlap, so a duplicate beat or a retried run sends nothing twice.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "deliver-messages": {  # re-wakes the outbox sender, so a lost wake-up task loses nothing
        "task": "kototori.tasks.deliver_messages",
        "schedule": timedelta(seconds=env.int("OUTBOX_WAKE_SECONDS", default=60)),
    },
    "clear-expired-sessions": {
        "task": "kototori.tasks.clear_expired_sessions",
        "schedule": crontab(minute=5, hour=3),
    },
    "retention": {
        "task": "kototori.tasks.run_retention",
        "schedule": crontab(minute=20, hour=3),
    },
    "event-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": timedelta(minutes=10),
    },
    "rights-retention": {  # each hub's own retention periods (kototori.rights)
        "task": "kototori.rights.tasks.apply_retention_policies",
        "schedule": crontab(minute=40, hour=3),
    },
    "event-contacts-erase": {
        "task": "events.tasks.erase_old_contacts",
        "schedule": timedelta(hours=24),
    },
    "visits-forget-queue-names": {  # kiosk first names are kept for the day only
        "task": "visits.tasks.forget_queue_names",
        "schedule": timedelta(hours=1),
    },
    "advisors-stale-claims": {
        "task": "advisors.tasks.process_stale_claims",
        "schedule": timedelta(hours=1),
    },
    "advisors-shift-reminders": {
        "task": "advisors.tasks.send_shift_reminders",
        "schedule": timedelta(minutes=30),
    },
    "advisors-assignment-reminders": {
        "task": "advisors.tasks.send_assignment_reminders",
        "schedule": timedelta(minutes=30),
    },
    "advisors-follow-up-reminders": {
        "task": "advisors.tasks.send_follow_up_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
    "monthly-reports": {
        "task": "kototori.reports.tasks.deliver_monthly_reports",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kototori",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Languages
# Staff pages are translated to Finnish, Swedish and English; visitor-facing pages to all.

LANGUAGE_CODE = "fi"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Helsinki")
USE_I18N = True
USE_TZ = True

LANGUAGES = [
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("fa", _("Persian")),
    ("prs", _("Dari")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("ckb", _("Kurdish (Sorani)")),
    ("ti", _("Tigrinya")),
]
STAFF_LANGUAGES = ["fi", "sv", "en"]
VISITOR_LANGUAGES = [code for code, _name in LANGUAGES]
# Django ships no locale data for Somali, Dari and Tigrinya; Dari is written right to left.
EXTRA_LANG_INFO = {
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
    "prs": {"bidi": True, "code": "prs", "name": "Dari", "name_local": "دری"},
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
}
django.conf.locale.LANG_INFO.update(EXTRA_LANG_INFO)
LANGUAGES_BIDI = ["ar", "fa", "prs", "ckb", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "kototori_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi", "en")

# Static files

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# Accounts (django-allauth)
# Staff do not sign up: a hub manager invites them. Login is by e-mail.

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "kototori.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Adding or removing a second factor needs the password typed within this many seconds: at login
# or on allauth's re-authentication page (kototori.accounts).
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# A second factor is an authenticator app (TOTP) or a security key (WebAuthn: a hardware key or the
# device's own authenticator); recovery codes are generated with the first one.
# WebAuthn is a second factor ONLY: passkey (passwordless) login and passkey signup stay off, so
# every login still passes the password form with its per-account lockout, then the second-factor
# stage; a lost or borrowed key alone opens nothing. The relying party ID is the request's host
# (validated by ALLOWED_HOSTS). fido2 2.x accepts http://localhost as a secure origin, so
# MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN is never set, not even in tests.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_TOTP_ISSUER = "Kototori"
# The code typed to set up an app is used up like a code used at login (kototori.accounts).
MFA_FORMS = {
    "activate_totp": "kototori.accounts.ActivateTOTPForm",
    "authenticate": "kototori.accounts.AuthenticateForm",
    "reauthenticate": "kototori.accounts.ReauthenticateForm",
}
# Roles that see person records must have a second factor when this is on.
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=not DEBUG)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kototori.passwords.ContextWordsValidator", "OPTIONS": {"min_length": 12}},
]
# Failed logins (kototori.lockout has the whole picture): per client address across accounts, and
# per account and address (per account and device for a browser the account was used on before),
# so nobody can lock a colleague out from elsewhere; then, per account from every unknown browser,
# a delay that doubles with each failure after the free ones, up to a maximum.
LOGIN_ADDRESS_RATE_LIMIT = env.str("LOGIN_ADDRESS_RATE_LIMIT", default="10/m")
LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT = env.str("LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT", default="5/15m")
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_ADDRESS_RATE_LIMIT}/ip,{LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT}/key"
}
LOGIN_ACCOUNT_FREE_FAILURES = env.int("LOGIN_ACCOUNT_FREE_FAILURES", default=10)
LOGIN_ACCOUNT_MAX_DELAY = env.int("LOGIN_ACCOUNT_MAX_DELAY", default=15 * 60)
LOGIN_KNOWN_DEVICE_DAYS = env.int("LOGIN_KNOWN_DEVICE_DAYS", default=180)
KNOWN_DEVICE_COOKIE_NAME = "kototori_device"
# How many reverse proxies in front append to X-Forwarded-For. Every limit, the login ones and the
# public forms', keys on the address they report (kototori.ratelimit.client_ip); a mismatch with the
# requests really arriving is reported by /healthz and `check --deploy` (kototori.proxycheck).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT  # unused while the adapter asks client_ip

SESSION_COOKIE_AGE = 10 * 60 * 60  # absolute lifetime of a staff session
# Enforced by kototori.middleware.SessionTimeoutMiddleware (the cookie age alone slides).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = SESSION_COOKIE_AGE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# E-mail and SMS
# EMAIL_URL takes the form smtp+tls://user:password@host:587; the default prints to the console.

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kototori <no-reply@kototori.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="kototori.sms.ConsoleBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
# An SMTP server that never answers must not hold a message forever: seconds per call.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# How long a sender owns a message it is handing to the provider. After that, a message left
# "sending" (its worker died) is in doubt: the provider is asked whether it has it (see
# kototori.messaging). Keep it well above EMAIL_TIMEOUT (and an SMS gateway's timeout), or a slow
# send could be taken over mid-call.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)

# Security

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies: only over HTTPS, only for this exact host, path / (no subdomain can set them).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    KNOWN_DEVICE_COOKIE_NAME = "__Host-kototori_device"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # a nonce only where a template asks for one
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The offline app's service worker and web manifest (visits.views.offline).
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Logging: person data never goes to logs; log ids.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Kototori

# A form whose CSRF check fails gets our own page in the person's language (kototori.views.core).
CSRF_FAILURE_VIEW = "kototori.views.core.csrf_failure"
# Public forms (kototori.ratelimit): accepted submissions per client address ("count/period").
# A form sent back with errors does not count. Event forms count per event and address, so a hub's
# shared Wi-Fi can sign up a whole group for one event; the *_ADDRESS_ limits cap one address
# across all events.
KIOSK_RATE_LIMIT = env.str("KIOSK_RATE_LIMIT", default="20/10m")
PARTNER_LINK_RATE_LIMIT = env.str("PARTNER_LINK_RATE_LIMIT", default="20/10m")
DATA_REQUEST_RATE_LIMIT = env.str("DATA_REQUEST_RATE_LIMIT", default="5/h")
EVENT_SIGNUP_RATE_LIMIT = env.str("EVENT_SIGNUP_RATE_LIMIT", default="40/h")
EVENT_SIGNUP_ADDRESS_RATE_LIMIT = env.str("EVENT_SIGNUP_ADDRESS_RATE_LIMIT", default="60/h")
EVENT_FEEDBACK_RATE_LIMIT = env.str("EVENT_FEEDBACK_RATE_LIMIT", default="60/h")
EVENT_FEEDBACK_ADDRESS_RATE_LIMIT = env.str("EVENT_FEEDBACK_ADDRESS_RATE_LIMIT", default="100/h")
# Keyed hashes of erased people, appended after each erasure. Keep this file OUTSIDE the database
# backups (and back it up separately): after restoring an older backup, `manage.py
# reapply_erasures` reads it to erase again whoever came back.
ERASURE_LEDGER_FILE = env.str("ERASURE_LEDGER_FILE", default=str(VAR_DIR / "erasure-ledger.jsonl"))
# Retention (kototori.retention): sent messages keep their recipient and text this many days.
OUTBOX_RETENTION_DAYS = 30
# Front desk: how long a just-logged visit can be undone, and how long a partner's referral link
# stays valid.
VISIT_UNDO_SECONDS = 120
REFERRAL_LINK_MAX_AGE_DAYS = 60
# A claimed case with no activity for this many days: remind the advisor; after the second number of
# days it goes back to the pool and the supervisor is told.
STALE_CLAIM_REMIND_DAYS = env.int("STALE_CLAIM_REMIND_DAYS", default=7)
STALE_CLAIM_RETURN_DAYS = env.int("STALE_CLAIM_RETURN_DAYS", default=14)
# Date and number formats for Somali, Dari and Tigrinya, which Django has no locale data for
# (kototori/formats/<lang>/formats.py); every other language uses Django's own.
FORMAT_MODULE_PATH = ["kototori.formats"]

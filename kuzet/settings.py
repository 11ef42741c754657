"""The one settings file of kuzet, driven by the environment.

Nothing has to be edited before the first run: with no variables set, kuzet runs in development
mode on SQLite under ``var/``. Every variable is listed with its default in ``.env.example``.
Misconfiguration fails at start-up (``ImproperlyConfigured``), never later in a request.
Production mode (``KUZET_ENVIRONMENT=production``) refuses debug, the development secret key and
the demo shortcuts.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

DEVELOPMENT_SECRET_KEY = "kuzet-development-only-secret-key-never-use-in-production"  # noqa: S105


def env_string(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: only the listed spellings, so a typo fails at boot instead of silently."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str) -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE names {file_name}, which cannot be read"
            ) from error
    return os.environ.get(name, default)


ENVIRONMENT = env_string("KUZET_ENVIRONMENT", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("KUZET_ENVIRONMENT must be 'development' or 'production'")
IS_PRODUCTION = ENVIRONMENT == "production"
TESTING = "pytest" in sys.modules

DEBUG = env_bool("KUZET_DEBUG", False)
SECRET_KEY = env_secret("KUZET_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Demo shortcuts: `totp-code` prints a demo user's current code. Never in production.
DEMO_MODE = env_bool("KUZET_DEMO_MODE", not IS_PRODUCTION)
# Keyed hashing of identifiers (phones, cards, IBANs…): one key per installation.
IDENTIFIER_HASH_KEY = env_secret("KUZET_IDENTIFIER_HASH_KEY", "kuzet-development-identifier-key")

if IS_PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("KUZET_DEBUG must be off")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("KUZET_SECRET_KEY must be set to a random value of at least 50 characters")
    if DEMO_MODE:
        problems.append("KUZET_DEMO_MODE must be off")
    if IDENTIFIER_HASH_KEY == "kuzet-development-identifier-key":  # noqa: S105
        problems.append("KUZET_IDENTIFIER_HASH_KEY must be set")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))

ALLOWED_HOSTS = env_list(
    "KUZET_ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KUZET_ALLOWED_HOSTS must list the host names kuzet answers to")
CSRF_TRUSTED_ORIGINS = env_list("KUZET_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "captcha",
    "django_guid",
    "kuzet.core",
    "kuzet.accounts",
    "kuzet.audit",
    "kuzet.reports",
    "kuzet.blocking",
    "kuzet.fakepartner",
    "kuzet.simulation",
    "kuzet.ratelimit",
]

MIDDLEWARE = [
    # First: every log line of the request and its error page carry one reference.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body: refuses oversized bodies and unreadable form uploads.
    "kuzet.core.limits.RequestLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kuzet.accounts.middleware.StaffSessionMiddleware",
    "kuzet.accounts.middleware.ActionDeniedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kuzet.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "kuzet.urls"
WSGI_APPLICATION = "kuzet.wsgi.application"
ASGI_APPLICATION = "kuzet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "kuzet.core.context_processors.navigation",
            ],
        },
    },
]

# Storage. SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
VAR_DIR = Path(env_string("KUZET_VAR_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env_string("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kuzet.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock on an upgrade and
        # the audit chain head read inside a transaction cannot be raced (see audit/services.py).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    # One test database per test process, so two runs on one machine never share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-kuzet-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": env_string("KUZET_TEST_DATABASE", "test_kuzet")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Two-factor is mandatory, so the minimum length follows NIST 800-63B for multi-factor use.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Lockout: 5 consecutive failures lock the account for 10 minutes (CJIS; security.md A3).
LOGIN_FAILURE_LIMIT = env_int("KUZET_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("KUZET_LOGIN_LOCKOUT_SECONDS", 600)
# Sessions: 30 minutes idle (cookie age renewed on every request) and 12 hours absolute.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("KUZET_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env_int("KUZET_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kuzet.core.views.csrf_failure"
OTP_TOTP_ISSUER = "kuzet"

# HTTPS and security headers. Development serves plain HTTP on 127.0.0.1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-kuzet-session"
    CSRF_COOKIE_NAME = "__Host-kuzet-csrf"
    LOGIN_DEVICE_COOKIE_NAME = "__Host-kuzet-device"
    SECURE_SSL_REDIRECT = env_bool("KUZET_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("KUZET_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The TLS-terminating proxy in front of granian sets this header; nothing else may.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
else:
    SESSION_COOKIE_NAME = "kuzet-session"
    CSRF_COOKIE_NAME = "kuzet-csrf"
    LOGIN_DEVICE_COOKIE_NAME = "kuzet-device"

# Content security policy: no inline script or style, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Request limits (security.md E5/E7). The largest body each path takes, by path prefix (the
# longest prefix wins), refused with 413 from its Content-Length before a byte is read
# (kuzet.core.limits). Sized for what each path advertises:
# - an import of 50,000 rows: partners' rows average 1.2 KB and reach 2.5 KB as JSON (the medium
#   simulated world, non-ASCII escaped), so 128 MB;
# - a bulk call of 1,000 rows, or a CSV file of up to 20 MB: 24 MB;
# - any other API call (one report of at most 20,000 characters of narrative): 1 MB;
# - the report forms with up to 5 attachments of 10 MB each: 51 MB;
# - every other page: 1 MB.
MEGABYTE = 1024 * 1024
REQUEST_BODY_LIMITS = {
    "/api/v1/reports/imports": env_int("KUZET_IMPORT_BODY_MAX_BYTES", 128 * MEGABYTE),
    "/api/v1/reports/bulk": env_int("KUZET_BULK_BODY_MAX_BYTES", 24 * MEGABYTE),
    "/api/": env_int("KUZET_API_BODY_MAX_BYTES", MEGABYTE),
    "/report/": env_int("KUZET_FORM_BODY_MAX_BYTES", 51 * MEGABYTE),
    "/reports/": env_int("KUZET_FORM_BODY_MAX_BYTES", 51 * MEGABYTE),
    "": env_int("KUZET_REQUEST_BODY_MAX_BYTES", MEGABYTE),
}
# Django's own check of a body read into memory: the middleware has already applied the path's
# limit, so this only has to let the largest of them through.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(REQUEST_BODY_LIMITS.values())
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Internationalisation: Kazakh, Russian, English. Stored in UTC, shown in Asia/Almaty (UTC+5).
LANGUAGE_CODE = env_string("KUZET_LANGUAGE", "ru")
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "kuzet-language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = IS_PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# whitenoise serves the collected static files from the same process (granian), with hashed
# names so browsers may cache them for ever.
# Tests serve straight from the source folders, without a collectstatic step.
WHITENOISE_USE_FINDERS = TESTING
WHITENOISE_AUTOREFRESH = TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Intake and triage. A transfer younger than the golden hour sends the receiving bank a hold
# alert at once. Registration threshold: 100 MCI (the monthly calculation index, 4,325 KZT in
# 2026 [unverified]; keep it in MCI and convert with the year's value).
GOLDEN_HOUR_MINUTES = env_int("KUZET_GOLDEN_HOUR_MINUTES", 60)
MCI_KZT = env_int("KUZET_MCI_KZT", 4325)
REGISTRATION_THRESHOLD_KZT = env_int("KUZET_REGISTRATION_THRESHOLD_MCI", 100) * MCI_KZT
# Public reports naming one identifier within 24 hours before new ones stop sending holds.
COORDINATED_NAMING_THRESHOLD = env_int("KUZET_COORDINATED_NAMING_THRESHOLD", 10)

# Partner imports (kuzet.reports.services.imports): at most this many imports queued or running
# per partner, and this many rows per partner in any 24 hours; past either, a 429 with
# Retry-After. 200,000 rows a day is four full imports of 50,000.
IMPORTS_IN_PROGRESS_PER_PARTNER = env_int("KUZET_IMPORTS_IN_PROGRESS_PER_PARTNER", 2)
IMPORT_ROWS_PER_PARTNER_PER_DAY = env_int("KUZET_IMPORT_ROWS_PER_PARTNER_PER_DAY", 200_000)

# Background work: django-tasks with its database backend (no broker to run on a laptop).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# How reporters are told about their report: console (development) or file (var/).
NOTIFICATION_BACKEND = env_string("KUZET_NOTIFICATION_BACKEND", "file")
if NOTIFICATION_BACKEND not in {"console", "file"}:
    raise ImproperlyConfigured("KUZET_NOTIFICATION_BACKEND must be console or file")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No secrets or personal data in the log: tracking secrets and query strings are cut from
    # messages, and tracebacks name exception types without their messages (kuzet.core.logs).
    # Every line carries the request's reference (django-guid), which the error page shows the
    # user, so "it failed" from an officer leads to the one traceback.
    "filters": {
        "redact": {"()": "kuzet.core.logs.RedactingFilter"},
        "request_reference": {"()": "django_guid.log_filters.CorrelationId"},
    },
    "formatters": {
        "plain": {
            "()": "kuzet.core.logs.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact", "request_reference"],
        }
    },
    "root": {"handlers": ["console"], "level": env_string("KUZET_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry query strings; personal data must not reach the log.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # It announces each reference it makes; the reference is on every line already.
        "django_guid": {"level": "WARNING"},
    },
}

# A request's reference: taken from X-Request-ID when it is a well-formed UUID (a proxy's own),
# else made here; returned in the same header and shown on the error page.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True, "UUID_LENGTH": 32}

# Client addresses behind the TLS proxy (security.md F6). X-Forwarded-For is read only when the
# peer is one of these networks, right to left, skipping every trusted hop; otherwise the peer
# address is the client. Empty (the default): the header is ignored.
try:
    TRUSTED_PROXIES = [
        ipaddress.ip_network(network, strict=False)
        for network in env_list("KUZET_TRUSTED_PROXIES", [])
    ]
except ValueError as error:
    raise ImproperlyConfigured(
        f"KUZET_TRUSTED_PROXIES must be a comma-separated list of CIDR networks: {error}"
    ) from error

# Abuse limits (docs/architecture.md, "Abuse limits"). Counters live in the database, so every
# web process shares them. Per client address, per hour, on the public report form and the
# reporter's tracking page: above the first number a challenge must be solved, above the second
# the request is refused with 429. Both are high: a mobile carrier puts thousands of people
# behind one address, and a frightened victim must never meet a wall.
PUBLIC_FORM_CHALLENGE_PER_HOUR = env_int("KUZET_PUBLIC_FORM_CHALLENGE_PER_HOUR", 20)
PUBLIC_FORM_REFUSE_PER_HOUR = env_int("KUZET_PUBLIC_FORM_REFUSE_PER_HOUR", 600)
# Sign-in throttling: failures per client address per window, then that address waits; and
# failures per account from browsers without the account's device cookie. Windows grow with
# every step taken (the limit doubles its window up to LOGIN_THROTTLE_MAXIMUM_SECONDS).
LOGIN_ADDRESS_FAILURES = env_int("KUZET_LOGIN_ADDRESS_FAILURES", 20)
LOGIN_THROTTLE_BASE_SECONDS = env_int("KUZET_LOGIN_THROTTLE_BASE_SECONDS", 60)
LOGIN_THROTTLE_MAXIMUM_SECONDS = env_int("KUZET_LOGIN_THROTTLE_MAXIMUM_SECONDS", 3600)
# Failures within LOGIN_BURST_SECONDS that raise a burst alert for administrators.
LOGIN_BURST_FAILURES = env_int("KUZET_LOGIN_BURST_FAILURES", 20)
LOGIN_BURST_SECONDS = env_int("KUZET_LOGIN_BURST_SECONDS", 300)
# How long a browser stays a known device after a two-factor sign-in.
LOGIN_DEVICE_COOKIE_DAYS = env_int("KUZET_LOGIN_DEVICE_COOKIE_DAYS", 90)
# Partner API: requests per minute per API client, for each kind of call. One partner's burst
# cannot use another's allowance: every client has its own counters.
API_RATE_LIMITS_PER_MINUTE = {
    "read": env_int("KUZET_API_READS_PER_MINUTE", 600),
    "write": env_int("KUZET_API_WRITES_PER_MINUTE", 120),
    "bulk": env_int("KUZET_API_BULK_PER_MINUTE", 10),
    "import": env_int("KUZET_API_IMPORTS_PER_MINUTE", 2),
}
# Unverified hold alerts (from public reports) one bank receives per hour; beyond it they are
# held back for the Department's duty officer instead of flooding the bank.
UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = env_int("KUZET_UNVERIFIED_ALERTS_PER_BANK_PER_HOUR", 20)
# Webhook delivery to partners that chose it (kuzet.blocking.channels.webhook). A partner that
# does not answer within these is retried later, so one slow partner holds a relay no longer.
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env_int("KUZET_WEBHOOK_CONNECT_TIMEOUT_SECONDS", 3)
WEBHOOK_READ_TIMEOUT_SECONDS = env_int("KUZET_WEBHOOK_READ_TIMEOUT_SECONDS", 10)
# Webhook addresses must be https, except on these hosts (the fake partners on 127.0.0.1 in
# development, the demo and the tests). Empty in production.
WEBHOOK_PLAIN_HTTP_HOSTS = env_list(
    "KUZET_WEBHOOK_PLAIN_HTTP_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else []
)
# After a key rotation, a partner's callbacks signed with the previous key are accepted this long.
PARTNER_KEY_ROTATION_GRACE_HOURS = env_int("KUZET_PARTNER_KEY_ROTATION_GRACE_HOURS", 24)
# The outbox relay (kuzet.blocking.relay): how long a claimed message is the claiming relay's
# before another may take it (longer than a batch can take: a killed relay's messages go again
# after it), and how many partners one relay calls at once.
RELAY_LEASE_SECONDS = env_int("KUZET_RELAY_LEASE_SECONDS", 300)
RELAY_PARALLEL_PARTNERS = env_int("KUZET_RELAY_PARALLEL_PARTNERS", 8)

# The public form's challenge (django-simple-captcha): letters in a picture, served by kuzet
# itself; the picture is drawn for each challenge and expires after CAPTCHA_TIMEOUT minutes.
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 15
CAPTCHA_IMAGE_SIZE = (180, 60)
CAPTCHA_FONT_SIZE = 40
CAPTCHA_LETTER_ROTATION = (-20, 20)
# Letters that look alike in a picture are left out (a frightened victim on a phone).
CAPTCHA_CHALLENGE_FUNCT = "kuzet.core.challenge.legible_letters"

with contextlib.suppress(ImportError):
    from kuzet.local_settings import *  # type: ignore[import-not-found]  # noqa: F403

"""Settings for motcua: one file, every value from the environment (see .env.example)."""

from __future__ import annotations

import os
from datetime import time, timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))

# Refused by `check --deploy`; only for development and tests.
INSECURE_SECRET_KEY = "motcua-insecure-development-key-change-me"  # noqa: S105


def env_str(name: str, default: str = "") -> str:
    """Return the environment variable `name`, or `default`."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Return the environment variable `name` read as a boolean (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Return the environment variable `name` read as an integer."""
    value = os.environ.get(name, "")
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    """Return the comma-separated environment variable `name` as a list."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("MOTCUA_DEBUG", False)
SECRET_KEY = env_str("MOTCUA_SECRET_KEY", INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS")
HTTPS = env_bool("MOTCUA_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "axes",
    "csp",
    "motcua.workdays",
    "motcua.accounts",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.reports",
    "motcua.portal",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "motcua.accounts.context_processors.current_unit",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL; otherwise SQLite in WAL mode under var/.
if env_str("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: PostgreSQL compiles any query whose estimated cost passes jit_above_cost,
        # which took 130 ms on a report query that runs in 8 ms; none of ours is long enough to repay it.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "motcua.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache: what every process must see alike (the public lookup's rate limits). MOTCUA_CACHE_URL
# redis://host:6379/0 uses Redis (needs the `redis` package); empty uses the database table
# `motcua_cache`, which a migration creates, so `make run` needs neither Redis nor PostgreSQL.
CACHE_URL = env_str("MOTCUA_CACHE_URL")
CACHES: dict[str, dict[str, object]]
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ValueError(f"MOTCUA_CACHE_URL must be a redis:// address or empty, not {CACHE_URL!r}")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "motcua_cache",
            # culling (a third of the rows once full) must not erase live rate-limit counts
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, stored in the database so every process sees it).
AXES_FAILURE_LIMIT = env_int("MOTCUA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MOTCUA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Internationalisation: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; never served as static files

# Security baselines.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("MOTCUA_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MOTCUA_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Working-time calendar defaults (DOMAIN.md §4). Office hours per unit are data; these are
# the defaults for units without their own (CAL-7).
WORKDAYS_DEFAULT_HOURS: list[tuple[time, time]] = [(time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))]
WORKDAYS_SAME_DAY_CUTOFF = time(15, 0)
# National identifier pattern (ORG-12, QCVN 102:2016); configurable because local codes vary.
UNIT_CODE_PATTERN = env_str("MOTCUA_UNIT_CODE_PATTERN", r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}$")

# Dossiers (DOMAIN.md §5). The code generator is pluggable (CODE-3).
DOSSIER_CODE_GENERATOR = env_str("MOTCUA_DOSSIER_CODE_GENERATOR", "motcua.dossiers.numbering.circular_01_2018")
# An apology must be approved at least this many working days before the appointment (APO-2).
DOSSIER_APOLOGY_LEAD_WORKING_DAYS = env_int("MOTCUA_APOLOGY_LEAD_WORKING_DAYS", 1)
# Time of day of an appointment resumed after a supplement under `pause` (DOMAIN.md §4.5):
# "acceptance" keeps the acceptance clock time; under `restart` the supplement receipt time is used.
DOSSIER_RESUMED_TIME = env_str("MOTCUA_RESUMED_TIME", "acceptance")
# Pending dossiers this many working hours or fewer before the appointment are "about to be late" (ST-5).
DOSSIER_DUE_SOON_HOURS = env_int("MOTCUA_DUE_SOON_HOURS", 8)

# Citizen notifications go through the outbox; `manage.py send_notifications` delivers them with these
# backends (console by default; FileBackend writes JSON lines; EmailBackend uses Django's e-mail).
NOTIFICATION_BACKENDS = {
    "email": env_str("MOTCUA_NOTIFICATION_EMAIL_BACKEND", "motcua.dossiers.notifications.ConsoleBackend"),
    "sms": env_str("MOTCUA_NOTIFICATION_SMS_BACKEND", "motcua.dossiers.notifications.ConsoleBackend"),
}
NOTIFICATION_FILE_DIR = Path(env_str("MOTCUA_NOTIFICATION_FILE_DIR", str(VAR_DIR / "notifications")))
NOTIFICATION_MAX_ATTEMPTS = env_int("MOTCUA_NOTIFICATION_MAX_ATTEMPTS", 10)
EMAIL_HOST = env_str("MOTCUA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MOTCUA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("MOTCUA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("MOTCUA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("MOTCUA_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("MOTCUA_EMAIL_FROM", "motcua@localhost")
# Public address of the site, printed in QR codes on receipts (the public status lookup).
PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
# Public status lookup (portal and API): failed look-ups a client may make per window before it is refused,
# counted in the shared cache across processes.
LOOKUP_FAILURE_LIMIT = env_int("MOTCUA_LOOKUP_FAILURE_LIMIT", 10)
LOOKUP_WINDOW_MINUTES = env_int("MOTCUA_LOOKUP_WINDOW_MINUTES", 15)
# Per-dossier ratings (DOMAIN.md §5.13): the five levels shown as three (RATE-2; 5 = rất hài lòng … 1 = rất
# không hài lòng), and the optional criteria asked besides the mandatory overall question (RATE-3).
RATING_THREE_LEVELS = {5: "very_satisfied", 4: "satisfied", 3: "satisfied", 2: "dissatisfied", 1: "dissatisfied"}
RATING_CRITERIA = ["access", "procedure", "officials", "result", "feedback"]
# Public performance pages: seconds their figures stay in the shared cache.
PORTAL_PERFORMANCE_CACHE_SECONDS = env_int("MOTCUA_PORTAL_PERFORMANCE_CACHE_SECONDS", 600)

# Report windows (ST-16): "decree_09" (15th of the previous month … 14th) or "calendar".
REPORT_WINDOWS_DEFAULT = env_str("MOTCUA_REPORT_WINDOWS_DEFAULT", "decree_09")
# Decision 766 index (DOMAIN.md §7). Unresolved points are configuration: the split of the 12 online
# points, per-indicator target overrides, N/A scoring ("zero" or "full"), and the middle bands (IDX-3
# marks them as an assumption).
INDEX766_ONLINE_SPLIT = {"3.1": 4, "3.3": 4, "3.x": 4}
INDEX766_TARGETS: dict[str, float] = {}
INDEX766_NA_SCORING: dict[str, str] = {}
INDEX766_BANDS = ((90, "excellent"), (80, "good"), (70, "fair"), (50, "average"), (0, "weak"))

# --- Online submission and citizen identification (issue #5, portal submission side) ---------------
# Uploaded dossier files: stored outside the web root under generated names (never the client's name).
UPLOAD_ROOT = Path(env_str("MOTCUA_UPLOAD_ROOT", str(VAR_DIR / "uploads")))
UPLOAD_MAX_FILE_BYTES = env_int("MOTCUA_UPLOAD_MAX_FILE_MB", 10) * 1024 * 1024
UPLOAD_MAX_TOTAL_BYTES = env_int("MOTCUA_UPLOAD_MAX_TOTAL_MB", 50) * 1024 * 1024
UPLOAD_MAX_FILES = env_int("MOTCUA_UPLOAD_MAX_FILES", 30)
# Django's own request limits: form fields in memory, and the size above which an upload is spooled to a
# temporary file while it is read (the portal's upload handler stops reading past UPLOAD_MAX_* before that).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MOTCUA_DATA_UPLOAD_MAX_MEMORY_KB", 2560) * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("MOTCUA_FILE_UPLOAD_MAX_MEMORY_KB", 2560) * 1024
# One-time codes sent by SMS or e-mail to identify a citizen, counted in the database (every process sees them).
OTP_MINUTES = env_int("MOTCUA_OTP_MINUTES", 10)
OTP_MAX_ATTEMPTS = env_int("MOTCUA_OTP_MAX_ATTEMPTS", 5)
OTP_WINDOW_MINUTES = env_int("MOTCUA_OTP_WINDOW_MINUTES", 60)
OTP_SENDS_PER_CONTACT = env_int("MOTCUA_OTP_SENDS_PER_CONTACT", 5)
OTP_SENDS_PER_CLIENT = env_int("MOTCUA_OTP_SENDS_PER_CLIENT", 20)
# Minutes a verified citizen identity stays valid in the session.
CITIZEN_SESSION_MINUTES = env_int("MOTCUA_CITIZEN_SESSION_MINUTES", 60)
# OpenID Connect login for citizens (VNeID or another provider). Off unless the client id and the
# provider's endpoints are set; it never creates back-office users (see docs/operator-guide.md).
OIDC_RP_CLIENT_ID = env_str("MOTCUA_OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("MOTCUA_OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("MOTCUA_OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("MOTCUA_OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("MOTCUA_OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("MOTCUA_OIDC_OP_JWKS_ENDPOINT") or None
OIDC_OP_ISSUER = env_str("MOTCUA_OIDC_OP_ISSUER")
OIDC_RP_SIGN_ALGO = env_str("MOTCUA_OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_IDP_SIGN_KEY = env_str("MOTCUA_OIDC_RP_IDP_SIGN_KEY") or None
OIDC_RP_SCOPES = env_str("MOTCUA_OIDC_RP_SCOPES", "openid")
OIDC_USE_PKCE = env_bool("MOTCUA_OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("MOTCUA_OIDC_TIMEOUT_SECONDS", 10)
OIDC_PROVIDER_NAME = env_str("MOTCUA_OIDC_PROVIDER_NAME", "VNeID")
OIDC_CLAIM_ID_NUMBER = env_str("MOTCUA_OIDC_CLAIM_ID_NUMBER", "sub")
OIDC_CLAIM_NAME = env_str("MOTCUA_OIDC_CLAIM_NAME", "name")
OIDC_CLAIM_PHONE = env_str("MOTCUA_OIDC_CLAIM_PHONE", "phone_number")
OIDC_CLAIM_EMAIL = env_str("MOTCUA_OIDC_CLAIM_EMAIL", "email")
OIDC_AUTHENTICATION_CALLBACK_URL = "portal:oidc_callback"
OIDC_CREATE_USER = False  # a citizen login is a session identity, never a back-office account
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False

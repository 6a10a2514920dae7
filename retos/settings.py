"""Retos settings: one module, driven by environment variables.

Every variable is listed in README.md. ``DJANGO_ENV=production`` refuses insecure defaults.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEFAULT_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, test or production")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = env("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a random value of at least 50 characters in production"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "django_tasks",
    "django_tasks_db",
    "retos.core",
    "retos.ledger",
    "retos.accounts",
    "retos.organizations",
    "retos.challenges",
    "retos.documents",
    "retos.drafting",
    "retos.clarifications",
    "retos.notifications",
    "retos.proposals",
    "retos.evaluation",
    "retos.decisions",
    "retos.contracts",
    "retos.witness",
    "retos.ocds",
    "retos.opendata",
    "retos.statistics",
    "retos.integrity",
    "retos.demo",
    "rest_framework",
    "drf_spectacular",
    "retos.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "retos.core.middleware.UnprefixedLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "retos.urls"
WSGI_APPLICATION = "retos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "retos" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "retos.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with a flush that respects the ledger's append-only triggers.
    DATABASES["default"]["ENGINE"] = "retos.core.sqlite_backend"
    # WAL lets readers proceed while one writer commits; the timeout queues writers instead of
    # failing them with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Spanish (Mexico) first; English complete. Unprefixed URLs are Spanish, /en/… is English.
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Spanish (Mexico)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in each agency's own time zone (see retos.core.timezones).
TIME_ZONE = env("TIME_ZONE", "America/Mexico_City")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "retos" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Retos <no-responder@retos.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Security: the production values satisfy `manage.py check --deploy`.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The health check is served over plain HTTP to the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every PDF at INFO; keep its warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Background work (emails, reminders) through Django 6's task API (django-tasks on 5.2), stored
# in the database and run by `manage.py db_worker`. Tests use the immediate backend.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email"],
    }
}

# Domain settings.
RETOS_MIN_SUBMISSION_BUSINESS_DAYS = int(env("RETOS_MIN_SUBMISSION_BUSINESS_DAYS", "10"))
RETOS_PAGE_SIZE = int(env("RETOS_PAGE_SIZE", "20"))
RETOS_LATE_AMENDMENT_BUSINESS_DAYS = int(env("RETOS_LATE_AMENDMENT_BUSINESS_DAYS", "5"))
RETOS_MAX_UPLOAD_MB = int(env("RETOS_MAX_UPLOAD_MB", "20"))
# The prefix of every OCDS contracting process id (ocid): "<prefix>-<challenge id>" (retos.ocds).
RETOS_OCID_PREFIX = env("RETOS_OCID_PREFIX", "ocds-retos01")
# The platform key that wraps every proposal's data key (see retos/proposals/sealing.py). It
# must live outside the database: give it as base64 in RETOS_SEALING_KEY, or in a file
# (created on first use outside production; required in production). Back it up: without it
# no sealed proposal can ever be opened.
RETOS_SEALING_KEY = env("RETOS_SEALING_KEY")
RETOS_SEALING_KEY_FILE = env("RETOS_SEALING_KEY_FILE", str(BASE_DIR / "var" / "sealing.key"))
if PRODUCTION and not RETOS_SEALING_KEY and not Path(RETOS_SEALING_KEY_FILE).exists():
    raise ImproperlyConfigured(
        "Set RETOS_SEALING_KEY or RETOS_SEALING_KEY_FILE (an existing file) in production"
    )
# The second opening officer must confirm within this many minutes of the first.
RETOS_OPENING_CONFIRM_MINUTES = int(env("RETOS_OPENING_CONFIRM_MINUTES", "120"))

# --- The public API (retos.api): Django REST framework and drf-spectacular --------------------
# Requests per client and period ("120/minute", "10/second", "5000/day"): anonymous clients are
# counted by IP address, token holders by token. Empty: no limit. Counted in the default cache.
RETOS_API_RATE_ANON = env("RETOS_API_RATE_ANON", "120/minute")
RETOS_API_RATE_USER = env("RETOS_API_RATE_USER", "600/minute")
# How many reverse proxies in front of the app append to X-Forwarded-For: the client's address
# for the anonymous rate limit is taken that many hops from the end (0: the socket's address).
RETOS_API_TRUSTED_PROXIES = int(env("RETOS_API_TRUSTED_PROXIES", "1" if PRODUCTION else "0"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["retos.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["retos.api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["retos.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "retos.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "retos.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "retos.api.errors.exception_handler",
    "NUM_PROXIES": RETOS_API_TRUSTED_PROXIES,
    "PAGE_SIZE": RETOS_PAGE_SIZE,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Retos API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Public challenges, their questions, amendments, opening acts, proposals (after the "
        "opening act), scores (after the decision), awards, contracts, milestones and the "
        "catalog; and, with a personal token, the core actions of officials and companies."
    ),
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "PublicStageEnum": "retos.api.filters.PUBLIC_STAGE_VALUES",
        "StageEnum": "retos.challenges.stages.Stage",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "retos.api.schema.postprocess",
    ],
}

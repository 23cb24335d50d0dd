"""Settings shared by every environment.

Everything that differs between a laptop and production comes from environment variables,
documented here where they are read. With nothing set you get the embedded default:
SQLite, Celery tasks run eagerly, console e-mail.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# A variable set to nothing counts as not set: docker-compose.yml passes the operator's settings on
# as `${NAME:-}`, which is empty when `.env` does not name them, and the default must then hold.
def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
# DJANGO_SECRET_KEY: required in production (config.settings.production refuses the default).
INSECURE_DEFAULT_SECRET_KEY = "insecure-dev-only-secret-key-change-me"
SECRET_KEY = env("DJANGO_SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
# DJANGO_DEBUG: "true" to show debug pages (never in production).
DEBUG = env_bool("DJANGO_DEBUG", False)
# DJANGO_ALLOWED_HOSTS: comma separated host names.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
# DJANGO_CSRF_TRUSTED_ORIGINS: comma separated origins (https://bev.example.nl).
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "access.User"

# ------------------------------------------------------------------------------
# Apps
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files as static files: /api/docs/ under CSP 'self', offline
    "django_fsm",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_countries",  # the country names' translations (CaseForm's picker); no models
]
# The service's apps, bottom layer first (README "Architecture"; import-linter checks the layers).
LOCAL_APPS = [
    "core",
    "access",
    "audit",
    "cases",
    "documents",
    "assessments",
    "bev",
    "parliament",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "core.metrics.RequestMetricsMiddleware",  # first: counts every answer, refusals included
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.CommonMiddlewareRedirectingReadsOnly",  # APPEND_SLASH for GET and HEAD only
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "access.middleware.SessionIdleTimeoutMiddleware",
    "access.middleware.UserLanguageMiddleware",  # the person's stored language over the browser's
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.input_guard.InputGuardMiddleware",  # last: refuses bad lookups before any view (docs/security.md)
]

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
            ],
        },
    }
]

# ------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------
# DATABASE_URL: e.g. postgres://bev:secret@db:5432/bev. Default: SQLite file in var/.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",  # empty counts as unset
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# DATABASE_PREPARE_THRESHOLD (PostgreSQL, default 5): a connection prepares a query the fifth time
# it runs it (psycopg's threshold, parameters bound by the server), and PostgreSQL stops parsing and
# planning it again: a need-to-know lookup took about as long to plan as to run. Set it to "off"
# behind a transaction-pooling pgbouncer without prepared-statement support.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _prepare = (env("DATABASE_PREPARE_THRESHOLD", "5") or "off").strip().lower()
    if _prepare not in {"off", "none", "no", "false"}:
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=int(_prepare))
# SQLite (the embedded default, `make run`): runserver answers each request in its own thread. SQLite
# ignores select_for_update, and a transaction that began reading and then writes fails at once with
# "database is locked" (a 500) when another thread writes meanwhile: it cannot wait for the lock. So
# every transaction takes the write lock when it begins (BEGIN IMMEDIATE), waiting up to `timeout`
# seconds for another to finish: writers take turns, as the row locks make them on PostgreSQL. WAL lets
# readers go on beside the one writer. (tests/test_embedded_default.py, its concurrent signals.)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "core.sqlite_backend"  # Django's, with money as PostgreSQL gives it
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=30,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )

# ------------------------------------------------------------------------------
# Authentication and passwords
# ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "access.backends.AccountBackend",  # ModelBackend that also refuses a locked-out person's session
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "access:login"

# Lockout (django-axes): AXES_FAILURE_LIMIT failed logins lock the username+address for
# AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "access.views.lockout_response"
# The address a lockout is keyed on: the client's as core.proxy reads it (X-Forwarded-For only from a
# proxy in BEV_TRUSTED_PROXIES, production), never a header anyone can send; not django-ipware's guess.
AXES_CLIENT_IP_CALLABLE = "core.proxy.client_ip"

# BEV_API_TOKEN_TTL_DAYS: an API token works this many days after it was created (default 90);
# a password change, a second-factor reset or deactivation revokes it earlier (docs/security.md).
BEV_API_TOKEN_TTL_DAYS = int(env("BEV_API_TOKEN_TTL_DAYS", "90"))

# Sessions expire after SESSION_IDLE_TIMEOUT_SECONDS of inactivity (default 30 minutes).
SESSION_IDLE_TIMEOUT_SECONDS = int(env("SESSION_IDLE_TIMEOUT_SECONDS", "1800"))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# OTP: the TOTP issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "BEV"

# Sign-in through the ministry's identity provider: OpenID Connect, authorisation code flow with
# PKCE (mozilla-django-oidc; access/oidc.py). Off unless OIDC_RP_CLIENT_ID is set; then every
# OIDC_* value below is required (check access.E001). It only signs a person into their EXISTING
# account: accounts, roles and clearance stay managed in the service (README "Deploying").
# OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET: the service's registration at the identity provider.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", "") or ""
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", "") or ""
BEV_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# OIDC_OP_ISSUER: the provider's issuer (the "iss" of its ID tokens, as in its discovery document);
# OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, OIDC_OP_JWKS_ENDPOINT:
# the endpoints of its discovery document (/.well-known/openid-configuration).
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", "") or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", "") or ""
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", "") or ""
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", "") or ""
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", "") or ""
# OIDC_RP_SIGN_ALGO: the ID token's signature algorithm (RS256 or ES256; keys from the JWKS endpoint).
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", "RS256") or "RS256"
# OIDC_RP_SCOPES: must hold the claim BEV_OIDC_USERNAME_CLAIM names.
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", "openid profile email") or "openid profile email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # never: an unknown person is refused (access.oidc)
OIDC_TIMEOUT = 10  # seconds for each call to the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "access:oidc_callback"
# BEV_OIDC_PROVIDER_NAME: shown on the login page's button ("Inloggen via ...").
BEV_OIDC_PROVIDER_NAME = env("BEV_OIDC_PROVIDER_NAME", "het ministerie") or "het ministerie"
# BEV_OIDC_USERNAME_CLAIM: the ID token (or userinfo) claim whose value is the account's username.
# Choose one the ministry manages and nobody can edit themselves (e.g. the UPN or employee number).
BEV_OIDC_USERNAME_CLAIM = env("BEV_OIDC_USERNAME_CLAIM", "preferred_username") or "preferred_username"
# The provider's word on the second factor, read from the signed ID token only: any "amr" value in
# BEV_OIDC_ACCEPTED_AMR (RFC 8176; comma separated, default "mfa,otp"; add "sc" for a smart card
# such as the Rijkspas) or an "acr" in BEV_OIDC_ACCEPTED_ACR (comma separated, default none). Without
# it the person enters the service's own second factor after the provider's login.
BEV_OIDC_ACCEPTED_AMR = env_list("BEV_OIDC_ACCEPTED_AMR", "mfa,otp")
BEV_OIDC_ACCEPTED_ACR = env_list("BEV_OIDC_ACCEPTED_ACR", "")

# ------------------------------------------------------------------------------
# Internationalisation: Dutch first, English available
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# django-countries names Nauru "Naoero" in English (its Dutch gives "Nauru"): the English name, both ways.
COUNTRIES_OVERRIDE = {"NR": _("Nauru")}
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static and media files
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# DOCUMENT_STORAGE_ROOT: where uploaded case documents are stored, outside the web root.
DOCUMENT_STORAGE_ROOT = Path(env("DOCUMENT_STORAGE_ROOT", str(BASE_DIR / "var" / "documents")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DOCUMENT_STORAGE_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# DOCUMENT_MAX_UPLOAD_BYTES: largest accepted upload (default 25 MiB).
DOCUMENT_MAX_UPLOAD_BYTES = int(env("DOCUMENT_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ------------------------------------------------------------------------------
# REST framework and OpenAPI
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "access.authentication.ApiTokenAuthentication",  # `Token <key>`, stored hashed, expiring
        "access.authentication.VerifiedSessionAuthentication",
    ],
    # IsAuthenticated, then a write the role never allows is 403 before the body is read (RoleMayWrite).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "access.api.permissions.RoleMayWrite"],
    # JSON only: DRF reads a form-encoded body with HTML-form semantics (a missing boolean is False,
    # a missing text ""), so `deploy` left out became a decision not to deploy and a stray `foo=bar`
    # wiped recorded answers. Another media type is a 415. The document uploads take multipart
    # (their own `parser_classes`). JSON: depth limit, input rules, no number written with an
    # exponent (core.api.parsers).
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.GuardedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.filters.BoundedSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # Dates in ISO 8601's extended form only: 2026-12-06, 2026-12-06T10:00[:00[.000000]][+01:00|Z].
    # DRF's "iso-8601" reads through datetime.fromisoformat, which also takes the basic and week forms
    # ("18991231", "11111111T111111", "2026-W48-1"): they slipped past the 1900-2200 rule of
    # core.input_rules, and a kabinetsbesluit "18991231" reached a Kamerbrief as "31 december 1899".
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "DATETIME_INPUT_FORMATS": [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S.%f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%dT%H:%M",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BEV case service API",
    "DESCRIPTION": "Beschermingsvoorziening Economische Veiligheid: cases, afwegingskader, fund, Kamerbrieven.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # /api/docs/ loads Swagger UI from the service's static files (drf-spectacular-sidecar), not from a
    # CDN: the Content-Security-Policy allows scripts and styles from 'self' only, and a ministry's
    # network may reach no CDN (config/urls.py: its init script is a file too, not inline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The operations per tag open on a click: with every tag open ("list", the default) Swagger UI in
    # Chromium stopped after the first tag's ten operations once the service had some 140 (found by
    # tests/test_browser_api_docs.py when the reversal endpoints came); with tags closed it renders all.
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none"},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "cases.constants.State",
        "ClassificationEnum": "core.classification.Classification",
        "RoleEnum": "access.roles.Role",
        "LetterStatusEnum": "parliament.models.LetterStatus",
        "TransactionKindEnum": "parliament.models.TransactionKind",
        "ChamberEnum": "parliament.models.Chamber",
        "ReportKindEnum": "parliament.models.ReportKind",
        "ReportStatusEnum": "parliament.models.ReportStatus",
        "EntryKindEnum": "bev.constants.EntryKind",
        "ReturnKindEnum": "bev.constants.RETURN_KIND_CHOICES",
        "RightKindEnum": "bev.constants.RightKind",
        "FollowUpStatusEnum": "bev.constants.FollowUpStatus",
        "TransitionNameEnum": "cases.api.serializers.TRANSITION_NAMES",
        "DisbursementStatusEnum": "bev.constants.DisbursementStatus",
        "ProposalStatusEnum": "bev.constants.ProposalStatus",
        "InstrumentEnum": "bev.constants.Instrument",
    },
}

# ------------------------------------------------------------------------------
# Celery
# ------------------------------------------------------------------------------
# REDIS_URL: broker and result backend, e.g. redis://redis:6379/0. When unset, tasks run
# eagerly in-process (the embedded default).
REDIS_URL = env("REDIS_URL")
# The cache holds derived figures only (the fund overview's, keyed on the newest ledger ids they
# were computed from), never a fact: with Redis every web worker shares one copy, so the figures
# are computed once after a booking, not once per worker; without it each process keeps its own.
# bev.selectors computes the figures fresh when the cache cannot be reached.
CACHE_URL = env("CACHE_URL", REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "bev",
        "TIMEOUT": 3600,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# Without Redis the broker is kombu's in-memory one. It names a host: Celery takes a producer from the
# broker's pool even for an eager task, and a bare memory:// made kombu warn of a missing hostname.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", REDIS_URL is None)
# No caller waits for a task's return value (the rows say how the work went: the outbox, the report's
# status, the verification). Asking for results would make each hand-off subscribe to the result
# backend first, and with Redis down that retried for ~19 s inside the web request before the broker's
# own quick refusal (the outbox then picks the work up).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task gets the task redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Audit records are chained after commit (audit.services); how long a record waits for its seal.
    "seal-audit-chain": {"task": "audit.tasks.seal_chain", "schedule": float(env("AUDIT_SEAL_INTERVAL_SECONDS", "5"))},
    "flag-overdue-stages": {"task": "cases.tasks.flag_overdue_stages", "schedule": 15 * 60},
    "flag-overdue-consultations": {"task": "assessments.tasks.flag_overdue_consultations", "schedule": 15 * 60},
    "process-letter-outbox": {"task": "parliament.tasks.process_outbox", "schedule": 60},
    # Chain verifications whose hand-off was lost (broker down when asked) or whose worker died.
    "retry-chain-verifications": {"task": "audit.tasks.retry_chain_verifications", "schedule": 60},
    # EZK's loan: interest of each complete period, accrued once (bev.services.loan_interest_accrue).
    "accrue-ezk-loan-interest": {"task": "bev.tasks.accrue_loan_interest", "schedule": 6 * 60 * 60},
}

# ------------------------------------------------------------------------------
# E-mail
# ------------------------------------------------------------------------------
# EMAIL_URL-like settings kept simple: DJANGO_EMAIL_BACKEND (default: the console; production: SMTP)
# and the usual SMTP variables EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, EMAIL_TIMEOUT (seconds). Mails tell people a task waits
# on them (access.notifications): the case reference, the kind of task and a link, nothing more.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "bev-noreply@minez.example")
# BEV_SITE_URL: the service's address as people open it, for the links in those mails.
BEV_SITE_URL = env("BEV_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# ------------------------------------------------------------------------------
# Security headers
# ------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# ------------------------------------------------------------------------------
# Logging
# ------------------------------------------------------------------------------
# Every line carries the request id of its request or Celery task (audit.logging; the id is the
# request's X-Request-ID and is in its audit records). DJANGO_LOG_FORMAT: "json" (one JSON object a
# line, for a log collector; the production default) or "plain" (readable; the default elsewhere).
# DJANGO_LOG_LEVEL: the root level (default INFO).
LOG_FORMAT = env("DJANGO_LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "audit.logging.RequestContextFilter"},
        "refusal_without_traceback": {"()": "audit.logging.RefusalWithoutTracebackFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "audit.logging.JsonLogFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": LOG_FORMAT if LOG_FORMAT in {"plain", "json"} else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Through the root's handler only: Django's own console handler (DEBUG, `make run`) wrote every
        # request's warning a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["refusal_without_traceback"]},
        # The Celery pool's own logger (billiard names it so and does not let it propagate): with a
        # handler of ours, Celery adds none of its own, and the line saying a pool process died is in
        # the same format as every other (it was the one plain-text line among the worker's JSON).
        "multiprocessing": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
# Celery workers log through the same configuration (JSON in production) instead of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# ------------------------------------------------------------------------------
# Metrics (core.metrics)
# ------------------------------------------------------------------------------
# BEV_METRICS_TOKEN: the bearer token Prometheus sends to /metrics (32+ random characters). Unset:
# /metrics answers 404. PROMETHEUS_MULTIPROC_DIR (prometheus_client): the directory the gunicorn
# workers share, so the request figures are the server's, not one worker's; config/gunicorn.py makes
# one per server when it is not set, and empties it at start.
BEV_METRICS_TOKEN = env("BEV_METRICS_TOKEN", "") or ""

# ------------------------------------------------------------------------------
# Domain configuration
# ------------------------------------------------------------------------------
# BEV_DEMO_MODE: the embedded demo prints its users' second factors; never set in production.
BEV_DEMO_MODE = env_bool("BEV_DEMO_MODE", False)
# BEV_MAX_CLASSIFICATION: the highest classification (core.classification: openbaar ... zeer_geheim)
# this deployment is accredited to hold. A case or document above it is refused: such material belongs
# in a system accredited for it (core.classification.require_accredited; forms offer only the levels
# up to it). Default "vertrouwelijk", the highest level that is not a state secret: "confidentieel",
# "geheim" and "zeer geheim" are state-secret levels (Stg., VIR-BI) that only a system accredited by
# the Beveiligingsautoriteit may hold. Raise it only with that accreditation (docs/security.md).
# Checked at start-up (core.E002).
BEV_MAX_CLASSIFICATION = env("BEV_MAX_CLASSIFICATION", "vertrouwelijk")
OTP_REQUIRED = True  # web sessions and session-authenticated API calls need a verified second factor
# AUDIT_SEAL_ON_COMMIT: chain each audit record right after its transaction commits, instead of by
# the beat schedule (the embedded demo has no beat; production leaves this off).
AUDIT_SEAL_ON_COMMIT = env_bool("AUDIT_SEAL_ON_COMMIT", False)
# AUDIT_VERIFY_WORKERS: processes that verify the audit chain in parallel on PostgreSQL once it holds
# AUDIT_VERIFY_PARALLEL_FROM sealed records (a million records took 25-38 s in one process).
AUDIT_VERIFY_WORKERS = int(env("AUDIT_VERIFY_WORKERS", str(min(len(os.sched_getaffinity(0)), 4))))
AUDIT_VERIFY_PARALLEL_FROM = int(env("AUDIT_VERIFY_PARALLEL_FROM", "100000"))

# ------------------------------------------------------------------------------
# Fast paths (core.fastpaths)
# ------------------------------------------------------------------------------
# BEV_FAST_PATHS: "off" to run every read and write through the plain ORM and DRF (compiled reads,
# prepared inserts, compiled read serializers and the case list's kept count all fall back).
BEV_FAST_PATHS = env_bool("BEV_FAST_PATHS", True)

# BEV_BENCH_ENDPOINTS: route the benchmark's floor, GET /api/bench/floor/ (core.bench_views), which
# answers any authenticated person. Off (not routed, 404) unless the benchmark's servers set it
# (scripts/bench.py's server_env, scripts/profile_stack.py, scripts/profile_reads.py); read once when
# config.urls is imported.
BEV_BENCH_ENDPOINTS = env_bool("BEV_BENCH_ENDPOINTS", False)

# The author named in the properties of the documents the service generates (the cabinet report's
# DOCX; a Kamerbrief names the ministry of its letterhead). Default: the ministry that sent the 2023
# letter ("Ministerie van Economische Zaken en Klimaat", its letterhead).
BEV_DOCUMENT_AUTHOR = env("BEV_DOCUMENT_AUTHOR", "Ministerie van Economische Zaken en Klimaat")

"""Production: the same code, stricter settings; refuses to start when misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import BEV_METRICS_TOKEN, INSECURE_DEFAULT_SECRET_KEY, SECRET_KEY, env, env_bool, env_list

if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured("DJANGO_DEBUG must not be on in production.")
if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random value of at least 50 characters.")
if env_bool("BEV_DEMO_MODE", False):
    raise ImproperlyConfigured("BEV_DEMO_MODE must not be on in production.")
# Never the embedded default: its SQLite file would sit in the container and its tasks in the web process.
if not env("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Set DATABASE_URL to the PostgreSQL database (postgres://user:password@host:5432/name).")
if not env("REDIS_URL", "") or env_bool("CELERY_TASK_ALWAYS_EAGER", False):
    raise ImproperlyConfigured("Set REDIS_URL (the broker of the Celery worker); tasks do not run in the web process.")

DEBUG = False
BEV_DEMO_MODE = False
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Mail goes out through SMTP (EMAIL_HOST etc., base.py), never to the console.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# The container healthcheck calls /healthz, and Prometheus /metrics, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
if BEV_METRICS_TOKEN and len(BEV_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("BEV_METRICS_TOKEN must be at least 32 characters (or unset: no /metrics).")
# Logs as JSON, one object a line, for the log collector (DJANGO_LOG_FORMAT=plain to read them by eye).
LOGGING["handlers"]["console"]["formatter"] = "plain" if env("DJANGO_LOG_FORMAT", "json") == "plain" else "json"  # noqa: F405

# Behind the reverse proxy (Caddy in docker-compose.yml), which terminates TLS:
# - it sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER above), so Django knows the request was HTTPS;
# - it passes the client's Host header unchanged, so ALLOWED_HOSTS and the CSRF origin check see the
#   public host name and USE_X_FORWARDED_HOST stays off (nobody's X-Forwarded-Host is believed);
#   DJANGO_CSRF_TRUSTED_ORIGINS (base) lists https://<host> for the proxy's site address;
# - it sets X-Forwarded-For: from the networks in BEV_TRUSTED_PROXIES (comma separated CIDRs; the
#   compose network) its last entry becomes REMOTE_ADDR, the address the audit trail and the
#   login lockout record (core.proxy). Empty: REMOTE_ADDR is used as it is.
# The proxy's headers are trusted only because gunicorn is not published to the host: only the proxy
# (and the healthcheck, over loopback) reaches it.
BEV_TRUSTED_PROXIES = env_list("BEV_TRUSTED_PROXIES")
MIDDLEWARE = ["core.proxy.TrustedProxyMiddleware", *MIDDLEWARE]  # noqa: F405

"""Fast, deterministic test settings. DATABASE_URL and REDIS_URL come from `make test`."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-" + "x" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "test-documents")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests never need a broker: tasks run eagerly, and the broker points at a host that does not
# exist, so a test that silently needs Redis fails loudly. Tests marked `redis` use REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "redis://broker.invalid:1/0"
CELERY_RESULT_BACKEND = "cache+memory://"
TEST_REDIS_URL = env("REDIS_URL")
# Each test starts with an empty cache of its own (tests/conftest.py); the shared Redis cache is
# tested explicitly (tests/test_fund_overview_cache.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = True
LANGUAGE_CODE = "nl"
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405  (demo data: `manage.py seed_demo`)

"""Fast, deterministic test settings. DATABASE_URL and REDIS_URL come from `make test`."""

import os

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env

# Under pytest-xdist each worker has its own test database (pytest-django), Redis database and
# document store, so parallel workers never see each other's data or queues.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKER_INDEX = int(_WORKER[2:]) + 1 if _WORKER.startswith("gw") else 0

# BEV_TEST_DB_TEMPLATE (scripts/run-tests.sh): a database the migrations already ran in. Each worker's
# test database is then a copy of it (CREATE DATABASE ... TEMPLATE), and `migrate` finds nothing left
# to apply, instead of every worker of both passes running the migrations again.
if env("BEV_TEST_DB_TEMPLATE", "") and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["TEST"] = {"TEMPLATE": env("BEV_TEST_DB_TEMPLATE")}  # noqa: F405

DEBUG = False
SECRET_KEY = "test-only-secret-key-" + "x" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / f"test-documents{_WORKER_INDEX or ''}")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests never need a broker: tasks run eagerly, and the broker points at a host that does not
# exist, so a test that silently needs Redis fails loudly. Tests marked `redis` use REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "redis://broker.invalid:1/0"
CELERY_RESULT_BACKEND = "cache+memory://"
TEST_REDIS_URL = env("REDIS_URL")
if TEST_REDIS_URL and _WORKER_INDEX:
    TEST_REDIS_URL = TEST_REDIS_URL.rsplit("/", 1)[0] + f"/{_WORKER_INDEX}"
# Each test starts with an empty cache of its own (tests/conftest.py); the shared Redis cache is
# tested explicitly (tests/test_fund_overview_cache.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise finds a static file when it is asked for, instead of listing STATIC_ROOT when its middleware
# is built: the test client builds the middleware for every client, and once `collectstatic` has
# filled STATIC_ROOT (tests/test_api_fuzz.py, `make run`) that listing of ~1,450 files took 0.3 s per
# client, a third of the suite's time. Production builds it once per process (gunicorn, the tests of
# the production shape).
WHITENOISE_AUTOREFRESH = True
AXES_ENABLED = True
LANGUAGE_CODE = "nl"
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405  (demo data: `manage.py seed_demo`)
# The suite handles geheim material (need-to-know, the Kamerbrief's confidential annex) as a
# deployment accredited for it would; the tests of the limit itself set their own (issue 20).
BEV_MAX_CLASSIFICATION = env("BEV_MAX_CLASSIFICATION", "geheim")

"""The embedded default for `make run`: SQLite, eager Celery, console e-mail, demo mode."""

from .base import *  # noqa: F401,F403  (the one place a star import is the idiom)
from .base import env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
BEV_DEMO_MODE = env_bool("BEV_DEMO_MODE", True)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
AUDIT_SEAL_ON_COMMIT = env_bool("AUDIT_SEAL_ON_COMMIT", True)  # no Celery beat in the embedded demo
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405  (demo data: `manage.py seed_demo`)
# The demo data includes a geheim case, as an accredited deployment would hold (docs/security.md).
BEV_MAX_CLASSIFICATION = env("BEV_MAX_CLASSIFICATION", "geheim")

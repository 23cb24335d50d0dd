"""The set-up of a process that verifies part of the audit chain (`audit.verify`). Its own module,
importing nothing of the project: a spawned worker loads it before Django is set up."""

import os


def init_worker(settings_module: str, database: dict) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)

"""The set-up of a process that verifies part of the audit chain (`audit.verify`). Its own module,
importing nothing of the project: a worker loads it before Django is set up."""

import os


def init_worker(settings_module: str, database: dict) -> None:
    """Django set up in the worker with `settings_module`, reaching the database the parent reads
    (`database`: its connection's parameters; under pytest, the test database's name). A worker forked
    from the forkserver (`audit.verify_forkserver`) has Django set up already, with the settings module
    it was started with; a worker that would need another one fails to start, and the parent then
    walks the chain itself."""
    import django
    from django.apps import apps

    if apps.ready:
        from django.conf import settings

        if settings.SETTINGS_MODULE != settings_module:
            raise RuntimeError(f"worker set up with {settings.SETTINGS_MODULE}, asked for {settings_module}")
    else:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
        django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)

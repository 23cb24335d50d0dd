"""Loaded once by the forkserver that the audit chain's verification workers are forked from
(`audit.verify._pool_context`): Django is set up there, once, so a worker starts in milliseconds
instead of importing and setting up Django itself (about a second of CPU each, the cost of the
"spawn" start method). The forkserver is a fresh process started from the environment of the process
that first verifies in parallel (its DJANGO_SETTINGS_MODULE); it opens no database connection, and
`audit.verify_worker.init_worker` points each worker at the parent's database."""

import os

if os.environ.get("DJANGO_SETTINGS_MODULE"):
    import django

    try:
        django.setup()
    except Exception:  # noqa: BLE001  each worker then sets Django up itself, and fails where this did
        pass

"""The one switch of the fast paths: `settings.BEV_FAST_PATHS` (environment BEV_FAST_PATHS, on by
default).

The fast paths were added where the benchmark showed the plain ORM or DRF was the cost
(docs/benchmarks/README.md): `core.precompiled` (reads compiled once), `core.inserts` (one prepared
INSERT/UPDATE), `core.api.representation` (a compiled read serializer; the assessment detail's
body written straight from the selector's dict: `assessments.api.representation`), `core.choices`
(choice labels translated once per language) and the case list's kept count (`cases.api.listing`). Off, each
falls back to what it replaces: the ORM builds every query, `save()`/`bulk_create()` write, the
serializer's `.data`, Django's `get_FOO_display()` and DRF's own pagination count. `make test`
runs the suite once more with them off, so the plain path stays tested; ruff's banned-api rule lets
only the modules listed in pyproject.toml import them."""

from django.conf import settings


def enabled() -> bool:
    return getattr(settings, "BEV_FAST_PATHS", True)

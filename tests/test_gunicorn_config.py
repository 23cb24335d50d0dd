"""gunicorn's production settings (config/gunicorn.py): each worker freezes what it loaded, and the
benchmark serves with the same settings as production."""

import gc
from pathlib import Path

import config.gunicorn

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_moves_what_it_loaded_out_of_the_collectors_reach():
    gc.unfreeze()
    try:
        config.gunicorn.post_worker_init(None)
        assert gc.get_freeze_count() > 10_000  # Django, the apps, the test run's own objects
    finally:
        gc.unfreeze()


def test_the_benchmark_and_production_serve_with_the_same_gunicorn_settings():
    assert "python:config.gunicorn" in (ROOT / "docker-compose.yml").read_text()
    assert "python:config.gunicorn" in (ROOT / "Dockerfile").read_text()
    assert '"python:config.gunicorn"' in (ROOT / "scripts" / "bench_load.py").read_text()

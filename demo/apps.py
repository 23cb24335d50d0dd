from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo users and cases for `make run` (`manage.py seed_demo`): installed only by the local and
    test settings, so production code cannot reach it."""

    name = "demo"
    verbose_name = "Demo"

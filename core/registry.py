"""Slots through which a lower app asks a higher one, without importing it.

As `django.contrib.admin` does not import the apps it shows (each registers with it), a lower app
declares a `Slot` naming what it needs, and the higher app that knows the answer fills it in its
`AppConfig.ready()`. A system check (`core.checks`) refuses to start while a slot is empty, so a
missing provider is found at start-up, never as a silent default in production.

    # cases/guards.py (lower)
    approved_outcome = Slot("cases.approved_outcome", "the approved assessment's outcome of a case")
    # assessments/apps.py (higher), in ready()
    guards.approved_outcome.provide(selectors.approved_outcome_for_case)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_slots: dict[str, Slot] = {}


class Slot:
    """One function a lower app needs and a higher app provides."""

    def __init__(self, name: str, needs: str) -> None:
        if name in _slots:
            raise ValueError(f"Slot {name!r} is declared twice.")
        self.name, self.needs = name, needs
        self._provider: Callable[..., Any] | None = None
        _slots[name] = self

    def provide(self, provider: Callable[..., Any]) -> Callable[..., Any]:
        """Fill the slot (usable as a decorator). Providing it again replaces the provider: the
        test suite's app registry may run `ready()` more than once."""
        self._provider = provider
        return provider

    @property
    def provided(self) -> bool:
        return self._provider is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._provider is None:
            raise LookupError(f"Nothing provides {self.name} ({self.needs}); see core.registry.")
        return self._provider(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {'provided' if self.provided else 'empty'}>"


class Registry:
    """Many contributions to one list (menu entries, work-item sources), in registration order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, Any] = {}

    def register(self, key: str, item: Any) -> Any:
        self._items[key] = item
        return item

    def __iter__(self):
        return iter(list(self._items.values()))

    def items(self) -> list[tuple[str, Any]]:
        return list(self._items.items())

    def __len__(self) -> int:
        return len(self._items)


def slots() -> list[Slot]:
    return list(_slots.values())

"""The lower apps ask the higher ones through slots and a signal filled in AppConfig.ready(); the
service refuses to start while one is empty, instead of a guard or a letter silently missing."""

from django.core.checks import run_checks

from bev import events
from cases import guards
from core import registry


def error_ids() -> set[str]:
    return {message.id for message in run_checks() if message.is_serious()}


def test_every_slot_is_provided_by_the_installed_apps():
    assert registry.slots(), "the guards and the audit readers declare slots"
    assert [slot.name for slot in registry.slots() if not slot.provided] == []
    assert not {"core.E001", "bev.E001"} & error_ids()


def test_an_empty_slot_stops_the_start():
    saved = guards.approved_outcome._provider
    guards.approved_outcome._provider = None
    try:
        errors = [m for m in run_checks() if m.id == "core.E001"]
    finally:
        guards.approved_outcome._provider = saved
    assert [e.obj for e in errors] == ["cases.guards.approved_outcome"]


def test_a_fund_transaction_nobody_listens_to_stops_the_start():
    receivers = events.executed.receivers
    events.executed.receivers = []
    events.executed.sender_receivers_cache.clear()
    try:
        assert "bev.E001" in error_ids()
    finally:
        events.executed.receivers = receivers
        events.executed.sender_receivers_cache.clear()
    assert "bev.E001" not in error_ids()

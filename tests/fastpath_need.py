"""Which tests the second pass (BEV_FAST_PATHS=off, scripts/run-tests.sh) needs to run again.

The two passes differ in one switch, `core.fastpaths.enabled()`. A test that never asks it, in its
own process or a child process, runs the same code with the switch off as with it on: running it
again proves nothing the first pass did not. So the first pass records, per test (its set-up, call
and tear-down, in every thread), whether the switch was asked or a child process was started (a
child reads the switch itself, unseen here), and the second pass runs only the tests that did, plus
any test the first pass did not run (a test id that is new or changed is run, never dropped).

BEV_FAST_PATHS_RECORD=<dir>: the first pass writes <dir>/ran-<worker> and <dir>/asked-<worker>.
BEV_FAST_PATHS_NEED=<dir>: the second pass deselects the tests listed in ran-* but not in asked-*.
Neither set (a plain `pytest`): nothing recorded, nothing deselected."""

from __future__ import annotations

import os
import subprocess
from multiprocessing import process
from pathlib import Path

RECORD = "BEV_FAST_PATHS_RECORD"
NEED = "BEV_FAST_PATHS_NEED"

_asked = False


def _saw() -> None:
    global _asked
    _asked = True


def install() -> None:
    """Wraps the switch and the ways a test starts a child process, to note that the current test
    used them. Callers use `fastpaths.enabled()` through the module (an attribute looked up per
    call), so the wrapper sees every call (tests/test_fastpath_need.py)."""
    from core import fastpaths

    switch = fastpaths.enabled

    def enabled() -> bool:
        _saw()
        return switch()

    fastpaths.enabled = enabled

    popen_init = subprocess.Popen.__init__

    def init(self, *args, **kwargs):
        _saw()
        popen_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = init  # type: ignore[method-assign]

    start = process.BaseProcess.start

    def started(self):
        _saw()
        return start(self)

    process.BaseProcess.start = started  # type: ignore[method-assign]


def begin() -> None:
    global _asked
    _asked = False


def end(nodeid: str, directory: str) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    with open(path / f"ran-{worker}", "a", encoding="utf-8") as ran:
        ran.write(nodeid + "\n")
    if _asked:
        with open(path / f"asked-{worker}", "a", encoding="utf-8") as asked:
            asked.write(nodeid + "\n")


def not_needed(directory: str) -> set[str]:
    """The tests the first pass ran without asking the switch or starting a process."""
    path = Path(directory)
    ran: set[str] = set()
    asked: set[str] = set()
    for file in path.glob("ran-*"):
        ran.update(file.read_text(encoding="utf-8").splitlines())
    for file in path.glob("asked-*"):
        asked.update(file.read_text(encoding="utf-8").splitlines())
    return ran - asked

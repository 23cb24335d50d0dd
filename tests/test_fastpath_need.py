"""The second pass (BEV_FAST_PATHS=off) runs only the tests that asked the fast paths' switch in the
first (tests/fastpath_need.py). That is sound only while the switch is asked through
`core.fastpaths.enabled()` alone and the recorder sees every such call and every child process."""

import re
import subprocess
import sys
from multiprocessing import get_context, process
from pathlib import Path

from core import fastpaths

from . import fastpath_need

ROOT = Path(__file__).resolve().parent.parent
APPS = ["config", "demo", "parliament", "bev", "assessments", "documents", "cases", "access", "audit", "core"]


def test_the_switch_is_asked_only_through_the_module_function():
    """`from core.fastpaths import enabled` would keep the unwrapped function, and reading the setting
    directly would bypass it: the recorder would miss the test and the second pass would drop it."""
    bypass = re.compile(r"from\s+core\.fastpaths\s+import|BEV_FAST_PATHS\b")
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.relative_to(ROOT).as_posix() in {"core/fastpaths.py", "config/settings/base.py"}:
                continue
            if bypass.search(path.read_text(encoding="utf-8")):
                found.append(path.relative_to(ROOT).as_posix())
    assert found == []


def test_the_recorder_notes_the_switch_and_child_processes(monkeypatch, tmp_path):
    # the originals, put back after the test (install() wraps them in place)
    monkeypatch.setattr(fastpaths, "enabled", fastpaths.enabled)
    monkeypatch.setattr(subprocess.Popen, "__init__", subprocess.Popen.__init__)
    monkeypatch.setattr(process.BaseProcess, "start", process.BaseProcess.start)
    fastpath_need.install()
    directory = str(tmp_path)

    fastpath_need.begin()
    fastpath_need.end("t::quiet", directory)
    fastpath_need.begin()
    assert fastpaths.enabled() in (True, False)
    fastpath_need.end("t::switch", directory)
    fastpath_need.begin()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    fastpath_need.end("t::subprocess", directory)
    fastpath_need.begin()
    child = get_context("spawn").Process(target=int)
    child.start()
    child.join()
    fastpath_need.end("t::process", directory)

    assert fastpath_need.not_needed(directory) == {"t::quiet"}

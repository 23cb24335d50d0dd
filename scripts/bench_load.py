"""Driving the server: wrk (a C load generator, so the generator takes little of the CPU the server
needs), one Lua script per scenario, statistics printed by the script as JSON.

Every request of a scenario is listed up front (method, path, body); wrk's threads take them in
turn, so a write scenario can give every request its own case (a transition is taken once)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

LUA_TEMPLATE = r"""
local reqs = {
%(reqs)s
}
local headers = {
%(headers)s
}
local threads = {}
local nthreads = %(nthreads)d
local default_auth = %(auth)s

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = tonumber(tid) or 0
end

-- wrk calls request() once per thread before the run to build a probe; in a write scenario that
-- call must not take a request of the list (it would skip one step of a case), so it gets the floor.
local probe = %(probe)s

function request()
  if probe then
    probe = false
    headers["Authorization"] = default_auth
    return wrk.format("GET", "/api/bench/floor/", headers)
  end
  local r = reqs[(counter %% #reqs) + 1]
  counter = counter + nthreads
  headers["Authorization"] = r[4] or default_auth
  return wrk.format(r[1], r[2], headers, r[3])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d,' ..
    '"mean_us":%%d,"errors_connect":%%d,"errors_read":%%d,"errors_write":%%d,"errors_status":%%d,"errors_timeout":%%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Request:
    method: str
    path: str
    body: str | None = None
    token: str | None = None  # another user's token for this request (default: the run's token)


@dataclass
class RunResult:
    scenario: str
    concurrency: int
    requests: int = 0
    seconds: float = 0.0
    throughput: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    error_detail: dict = field(default_factory=dict)
    note: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def ensure_wrk() -> str:
    """wrk from Debian, installed like the other system packages (scripts/system-deps.sh) if missing."""
    found = wrk_path()
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if sudo is None:
        raise SystemExit("The benchmark needs wrk (Debian package 'wrk'); install it as root.")
    print("Installing Debian package wrk")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return wrk_path()


def run_wrk(
    *,
    base_url: str,
    scenario: str,
    requests: list[Request],
    token: str,
    concurrency: int,
    duration: float,
    timeout_s: int = 10,
) -> RunResult:
    nthreads = max(1, min(concurrency, 2))
    reqs = ",\n".join(
        "{%s, %s, %s, %s}"
        % (
            _lua_string(r.method),
            _lua_string(r.path),
            _lua_string(r.body) if r.body else "nil",
            _lua_string(f"Token {r.token}") if r.token else "nil",
        )
        for r in requests
    )
    headers = {
        "Authorization": f"Token {token}",
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Accept-Language": "nl",
    }
    header_lua = ",\n".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    probe = any(r.method != "GET" for r in requests)
    script = LUA_TEMPLATE % {
        "reqs": reqs,
        "headers": header_lua,
        "nthreads": nthreads,
        "probe": "true" if probe else "false",
        "auth": _lua_string(f"Token {token}"),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        path = handle.name
    try:
        cmd = [
            ensure_wrk(),
            "-t",
            str(nthreads),
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, int(duration))}s",
            "--timeout",
            f"{timeout_s}s",
            "-s",
            path,
            base_url,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    finally:
        os.unlink(path)
    result = RunResult(scenario=scenario, concurrency=concurrency)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        result.note = f"wrk failed: {proc.stderr.strip()[:300] or proc.stdout.strip()[:300]}"
        result.errors = -1
        return result
    data = json.loads(line[len("BENCHJSON ") :])
    result.requests = data["requests"]
    result.seconds = data["duration_us"] / 1e6
    result.throughput = round(result.requests / result.seconds, 1) if result.seconds else 0.0
    result.p50_ms = round(data["p50_us"] / 1000, 2)
    result.p95_ms = round(data["p95_us"] / 1000, 2)
    result.p99_ms = round(data["p99_us"] / 1000, 2)
    result.max_ms = round(data["max_us"] / 1000, 2)
    detail = {k[len("errors_") :]: v for k, v in data.items() if k.startswith("errors_") and v}
    result.errors = sum(detail.values())
    result.error_detail = detail
    return result


# ---------------------------------------------------------------------------------------------
# gunicorn
# ---------------------------------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving config.wsgi with production settings on a free loopback port (or, with `app`
    and `ready_path`, the anchors' bare project: scripts/bench_anchor)."""

    def __init__(
        self,
        *,
        python: str,
        env: dict,
        workers: int,
        worker_class: str,
        threads: int,
        log_path: str,
        app: str = "config.wsgi:application",
        ready_path: str = "/api/bench/floor/",
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready_path = ready_path
        cmd = [
            python,
            "-m",
            "gunicorn",
            app,
            "--config",  # production's gunicorn settings (its JSON lines, gc.freeze after loading)
            "python:config.gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--timeout",
            "120",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ]
        if worker_class == "gthread":
            cmd += ["--threads", str(threads)]
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
        self.workers = workers

    def wait_ready(self, token: str, timeout: float = 60) -> None:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.log.name}")
            try:
                req = urllib.request.Request(self.url + self.ready_path, headers={"Authorization": f"Token {token}"})
                with urllib.request.urlopen(req, timeout=2) as resp:
                    if resp.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not become ready; see {self.log.name}")

    def settle(self, token: str, *, quiet_ms: float = 100, timeout: float = 15) -> float:
        """Wait until the server has worked off what the previous run left queued (a load generator
        that stops does not stop the requests already accepted): three floor requests in a row
        answered within `quiet_ms`. Returns the seconds waited."""
        import urllib.request

        started = time.monotonic()
        quick = 0
        while quick < 3 and time.monotonic() - started < timeout:
            t0 = time.monotonic()
            try:
                req = urllib.request.Request(self.url + self.ready_path, headers={"Authorization": f"Token {token}"})
                with urllib.request.urlopen(req, timeout=30) as resp:
                    resp.read()
            except OSError:
                quick = 0
                time.sleep(0.2)
                continue
            quick = quick + 1 if (time.monotonic() - t0) * 1000 < quiet_ms else 0
            if not quick:
                time.sleep(0.2)
        return time.monotonic() - started

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.proc.pid:
                    pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
        return sorted(pids)

    def worker_rss_mb(self) -> dict[int, float]:
        rss = {}
        for pid in self.worker_pids():
            try:
                with open(f"/proc/{pid}/status") as handle:
                    for line in handle:
                        if line.startswith("VmRSS:"):
                            rss[pid] = round(int(line.split()[1]) / 1024, 1)
            except OSError:
                continue
        return rss

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


class RssSampler(threading.Thread):
    """Samples the workers' resident memory every `interval` seconds while a soak runs."""

    def __init__(self, server: Server, interval: float = 10):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.samples: list[dict] = []
        self._halt = threading.Event()

    def run(self):
        started = time.monotonic()
        while not self._halt.is_set():
            rss = self.server.worker_rss_mb()
            self.samples.append({"t_s": round(time.monotonic() - started), "rss_mb": sorted(rss.values())})
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join(timeout=5)

"""Hostile input against every API operation, as every role, for a bounded time: any 5xx fails.

Reads the OpenAPI schema from the running service (`/api/schema/`), then, in rounds until the time
is spent, sends each operation one more hostile request, as the next role in turn:

- a path parameter, a query parameter or one field of an otherwise plausible JSON body replaced by
  a hostile value (NUL and other control characters, lone surrogates, 100,000 and 3 MB strings,
  full-width / Arabic-Indic / Devanagari digits, huge and negative numbers, dates in year 1 and
  9999, hundreds of search terms, wrong types, unknown ids);
- the whole body hostile: nested 100,000 levels deep, not JSON, not an object, a NUL in a key,
  every field hostile at once, a form-encoded body.

Ids come from what each role's own list requests returned (a discovery pass first), so requests
reach the serializers and services behind the lookups, not only the 404. The DELETE of a known
object is never sent (it would remove, say, the role's own team membership); its path is always
hostile. Exit status 1 when any request got a 5xx (or no answer at all), listing each such request.

    python scripts/fuzz_api.py --base-url http://127.0.0.1:8000 --token casus=KEY --token fonds=KEY \
        --seconds 60 [--seed 1] [--exclude 'DELETE /api/auth/token/']

Used by tests/test_api_fuzz.py (gunicorn, production settings, PostgreSQL) and scripts/fuzz_api.sh.
Needs `requests` (a dependency of schemathesis, in the dev extra)."""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import quote as _quote
from urllib.parse import urlencode

import requests

METHODS = ("get", "post", "put", "patch", "delete")
# Revoking the token would end the run for that role; creating one needs a web session.
DEFAULT_EXCLUDE = ("DELETE /api/auth/token/", "POST /api/auth/token/")
TIMEOUT = 60  # seconds; a request without an answer in this time counts as a failure

DEEP = 100_000
SEARCH_TERMS = " ".join(f"term{i}" for i in range(500))
# Text values: every class of issue 22, plus the ordinary probes.
HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "1\x00",
    "\x01\x02\x08\x0b\x0c\x1b\x1f",
    "\x7f\x85",
    "\ufffe\uffff",
    "\ud800",
    "x\udfffy",
    "x" * 100_000,
    "１２３",
    "١٢٣٤٥٦٧٨",
    "१२३४५६७८",
    "۱۲۳",
    "𝟏𝟐𝟑",
    "1000.0０",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "31-12-9999",
    "2024-02-30",
    "-1",
    "0",
    "99999999999999999999999",
    "-99999999999999999999999",
    "1e308",
    "-1.7976931348623157e+308",
    "196000000000.00",
    "9" * 40 + ".99",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    SEARCH_TERMS,
    "' OR 1=1 --",
    "%",
    "%%00",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "\u202e\u200b\u00ad",
    "🙂" * 1000,
    "",
    " ",
    "null",
    "true",
    "[]",
    "{}",
]
# The classes of issue 22, one of which every parameter and field meets first, before the rest.
CORE_TEXT = [
    "\x00",
    "a\x00b",
    "\x01\x02\x08\x0b\x0c\x1b\x1f",
    "x\udfffy",
    "x" * 100_000,
    "１２３",
    "١٢٣٤٥٦٧٨",
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999999",
    "-1",
    "196000000000.00",
    SEARCH_TERMS,
]
CORE_JSON = [*CORE_TEXT, None, [], {"id": 1}, 2**63, True]
# Any JSON value: the texts above and the wrong types.
HOSTILE_JSON = [
    *HOSTILE_TEXT,
    None,
    True,
    False,
    0,
    -1,
    2**63,
    -(2**63) - 1,
    10**400 // 10**300,
    1.5,
    -0.0,
    1e308,
    [],
    {},
    [1, 2, 3],
    ["\x00"],
    {"id": 1},
    {"\x00": "x"},
    [[[[[[[[[[[]]]]]]]]]]],
    "x" * 3_000_000,
]


@dataclass
class Operation:
    method: str
    template: str
    path_params: list[str]
    query_params: list[str]
    body: dict | None  # the JSON schema of the body, resolved; None when the operation takes none
    form_only: bool = False
    cursor: int = 0  # the next mutation to send


@dataclass
class Role:
    name: str
    session: requests.Session
    known: dict[str, dict[str, list]] = field(default_factory=dict)  # concrete collection URL -> field -> values


@dataclass
class Failure:
    role: str
    method: str
    url: str
    body: str
    status: object

    def __str__(self):
        return f"{self.status} as {self.role}: {self.method} {self.url}  body: {self.body}"


def quote(value: str, safe: str = "/") -> str:
    return _quote(value, safe=safe, errors="surrogatepass")  # a lone surrogate is sent as its bytes


def resolve(schema, components, depth=0):
    if depth > 8 or not isinstance(schema, dict):
        return schema if isinstance(schema, dict) else {}
    if "$ref" in schema:
        return resolve(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, depth + 1)
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            merged: dict = {}
            for part in schema[key]:
                part = resolve(part, components, depth + 1)
                merged.update({k: v for k, v in part.items() if k != "properties"})
                merged.setdefault("properties", {}).update(part.get("properties", {}))
            return merged
    return schema


def operations(schema: dict, exclude: set[str]) -> list[Operation]:
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for template, item in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            spec = item.get(method)
            if spec is None or f"{method.upper()} {template}" in exclude:
                continue
            parameters = [*item.get("parameters", []), *spec.get("parameters", [])]
            content = spec.get("requestBody", {}).get("content", {})
            body_schema = (
                content.get("application/json")
                or content.get("multipart/form-data")
                or content.get("application/x-www-form-urlencoded")
            )
            body = resolve(body_schema["schema"], components) if body_schema else None
            found.append(
                Operation(
                    method=method.upper(),
                    template=template,
                    path_params=[p["name"] for p in parameters if p.get("in") == "path"],
                    query_params=sorted({p["name"] for p in parameters if p.get("in") == "query"}),
                    body=body,
                    form_only=bool(content) and "application/json" not in content,
                )
            )
    return found


def plausible(schema: dict, components=None, name: str = "") -> object:
    """A value of the right shape, so that only the mutated field is wrong."""
    kind, fmt = schema.get("type"), schema.get("format")
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v not in (None, "")), None)
    if kind == "string":
        if fmt == "date":
            return "2025-06-30"
        if fmt == "date-time":
            return "2025-06-30T10:00:00+02:00"
        if fmt == "decimal" or schema.get("pattern", "").startswith("^-?\\d"):
            return "1000.00"
        if "percent" in name:
            return "10"
        return "fuzz " + name
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "array":
        return [plausible(schema.get("items") or {}, name=name)]
    if kind == "object" or "properties" in schema:
        return {
            key: plausible(sub, name=key)
            for key, sub in schema.get("properties", {}).items()
            if not sub.get("readOnly")
        }
    return "fuzz"


ID_FIELDS = {
    "username": ("username", "user"),
    "code": ("code",),
    "number": ("number",),
    "account": ("account", "code"),
    "fmt": ("format", "fmt"),
}


class Fuzzer:
    def __init__(self, base_url: str, roles: list[Role], ops: list[Operation], *, seed: int, deadline: float):
        self.base, self.roles, self.ops, self.deadline = base_url.rstrip("/"), roles, ops, deadline
        self.random = random.Random(seed)
        self.failures: list[Failure] = []
        self.sent: dict[str, int] = {}
        self.statuses: dict[str, int] = {}
        self.slowest: list[tuple[float, str]] = []  # the five slowest requests, to see where the time went

    # -- requests ---------------------------------------------------------------------------
    def send(
        self, role: Role, method: str, url: str, *, data=None, json_text: str | None = None, form: dict | None = None
    ):
        headers = {}
        if json_text is not None:
            data, headers["Content-Type"] = json_text.encode("utf-8", "surrogatepass"), "application/json"
        elif form is not None:
            data = urlencode(form, errors="surrogatepass")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.sent[role.name] = self.sent.get(role.name, 0) + 1
        shown = json_text if json_text is not None else repr(form) if form is not None else ""
        shown = shown if len(shown) <= 300 else shown[:300] + f"… ({len(shown)} characters)"
        started = time.monotonic()
        try:
            response = role.session.request(
                method, self.base + url, data=data, headers=headers, timeout=TIMEOUT, allow_redirects=False
            )
        except requests.RequestException as error:
            self.failures.append(Failure(role.name, method, url[:500], shown, f"no answer ({type(error).__name__})"))
            self.statuses["none"] = self.statuses.get("none", 0) + 1
            return None
        status = response.status_code
        self.slowest = sorted(
            [*self.slowest, (time.monotonic() - started, f"{status} {method} {url[:120]} {shown[:80]}")], reverse=True
        )[:5]
        self.statuses[f"{status // 100}xx"] = self.statuses.get(f"{status // 100}xx", 0) + 1
        if status >= 500:
            self.failures.append(Failure(role.name, method, url[:500], shown, status))
        return response

    def remember(self, role: Role, url: str, response) -> None:
        """The scalars of a list's items, so later requests can name objects this role can see."""
        if response is None or response.status_code != 200 or "json" not in response.headers.get("Content-Type", ""):
            return
        try:
            payload = response.json()
        except ValueError:
            return
        items = payload.get("results", payload) if isinstance(payload, dict) else payload
        if isinstance(items, dict):
            items = [value for value in items.values() if isinstance(value, dict)]
        if not isinstance(items, list):
            return
        pool = role.known.setdefault(url.split("?")[0], {})
        for item in items[:50]:
            if not isinstance(item, dict):
                continue
            for key, value in item.items():
                if isinstance(value, dict) and "username" in value:
                    value = value["username"]
                if isinstance(value, (int, str)) and not isinstance(value, bool) and len(str(value)) < 100:
                    pool.setdefault(key, []).append(value)

    # -- building URLs and bodies -----------------------------------------------------------
    def concrete(self, role: Role, op: Operation, hostile: dict[str, str] | None = None) -> str | None:
        """The template with its parameters filled from what the role saw (or `hostile` values)."""
        hostile = hostile or {}
        url = ""
        for part in re.split(r"(\{[^}]+\})", op.template):
            if not (part.startswith("{") and part.endswith("}")):
                url += part
                continue
            name = part[1:-1]
            if name in hostile:
                url += quote(hostile[name], safe="")
                continue
            pool = role.known.get(url, {})
            candidates = [v for key in ID_FIELDS.get(name, ("id",)) for v in pool.get(key, [])]
            if not candidates:
                if name == "fmt":
                    candidates = ["csv", "xlsx", "pdf"]
                else:
                    return None
            url += quote(str(self.random.choice(candidates)), safe="")
        return url

    def mutations(self, op: Operation) -> list:
        """Every hostile request for this operation, as (kind, detail) pairs: first one value of
        issue 22's classes for each parameter and field (and the whole-body shapes), then all
        the others, each part in a seeded random order, so runs of a minute sample differently."""
        targets = [("path", name) for name in op.path_params] + [("query", name) for name in op.query_params]
        rest = [(kind, (name, value)) for value in HOSTILE_TEXT for kind, name in targets]
        shapes = []
        if op.body is not None or op.method in ("POST", "PUT", "PATCH"):
            fields = list(op.body.get("properties", {})) if op.body else ["x"]
            targets += [("field", name) for name in fields]
            rest += [("field", (name, value)) for value in HOSTILE_JSON for name in fields]
            shapes = [
                ("body", shape)
                for shape in (
                    "deep-list",
                    "deep-object",
                    "not-json",
                    "list",
                    "string",
                    "null",
                    "nul-key",
                    "all",
                    "form",
                    "huge",
                )
            ]
        first = [
            (kind, (name, self.random.choice(CORE_JSON if kind == "field" else CORE_TEXT))) for kind, name in targets
        ]
        self.random.shuffle(first)
        self.random.shuffle(shapes)
        for index, shape in enumerate(shapes):  # the whole-body shapes early, among the others
            first.insert(index * 2, shape)
        self.random.shuffle(rest)
        return first + rest

    def request(self, role: Role, op: Operation, kind: str, detail) -> None:
        if op.method == "DELETE" and kind != "path" and op.path_params:
            kind, detail = "path", (op.path_params[-1], self.random.choice(HOSTILE_TEXT))
        hostile_path = {detail[0]: detail[1]} if kind == "path" else None
        url = self.concrete(role, op, hostile_path)
        if url is None:  # the role saw nothing to name: an unknown id
            url = self.concrete(
                role,
                op,
                {
                    name: self.random.choice(["1", "999999", "０"])
                    for name in op.path_params
                    if name not in (hostile_path or {})
                }
                | (hostile_path or {}),
            )
        if kind == "query":
            url += f"?{quote(detail[0])}={quote(detail[1], safe='')}"
        elif op.query_params and self.random.random() < 0.2:
            name = self.random.choice(op.query_params)
            url += f"?{quote(name)}={quote(self.random.choice(HOSTILE_TEXT)[:2000], safe='')}"
        if op.method == "GET" or op.method == "DELETE":
            response = self.send(role, op.method, url)
            if kind != "path":
                self.remember(role, url, response)
            return
        base = plausible(op.body) if op.body else {}
        if not isinstance(base, dict):
            base = {}
        if kind == "field":
            name, value = detail
            base[name] = value
        elif kind == "body":
            return self.whole_body(role, op, url, detail, base)
        if op.form_only:
            form = {key: (value if isinstance(value, str) else json.dumps(value)) for key, value in base.items()}
            self.send(role, op.method, url, form=form)
        else:
            self.send(role, op.method, url, json_text=json.dumps(base, ensure_ascii=False))

    def whole_body(self, role: Role, op: Operation, url: str, shape: str, base: dict) -> None:
        first = next(iter(base), "x")
        if shape == "deep-list":
            text = json.dumps({first: "x"})[:-1].rsplit(":", 1)[0] + ": " + "[" * DEEP + "]" * DEEP + "}"
        elif shape == "deep-object":
            text = '{"x":' * DEEP + "1" + "}" * DEEP
        elif shape == "not-json":
            text = '{"' + first + '": '
        elif shape == "list":
            text = json.dumps([base])
        elif shape == "string":
            text = '"\\u0000"'
        elif shape == "null":
            text = "null"
        elif shape == "nul-key":
            text = json.dumps({**base, "a\x00b": 1})
        elif shape == "all":
            text = json.dumps(
                {key: self.random.choice(HOSTILE_JSON[:-1]) for key in base} or {"x": "\x00"}, ensure_ascii=False
            )
        elif shape == "huge":
            text = json.dumps({first: "9" * 5_000_000})
        else:  # form: the middleware's side of the boundary
            form = {key: self.random.choice(HOSTILE_TEXT) for key in base} or {"x": "\x00"}
            self.send(role, op.method, url, form=form)
            return
        self.send(role, op.method, url, json_text=text)

    # -- the run ----------------------------------------------------------------------------
    def discover(self) -> None:
        """Each role's lists, parents first, so ids of what the role may see are known."""
        gets = sorted((op for op in self.ops if op.method == "GET"), key=lambda op: (len(op.path_params), op.template))
        for role in self.roles:
            for op in gets:
                if time.monotonic() > self.deadline:
                    return
                url = self.concrete(role, op)
                if url is not None:
                    self.remember(role, url, self.send(role, "GET", url))

    def run(self) -> None:
        self.discover()
        streams = {id(op): itertools.cycle(self.mutations(op) or [("path", ("id", "\x00"))]) for op in self.ops}
        roles = itertools.cycle(self.roles)
        round_number = 0
        while time.monotonic() < self.deadline:
            order = self.ops[:]
            self.random.shuffle(order)
            for op in order:
                if time.monotonic() >= self.deadline:
                    break
                kind, detail = next(streams[id(op)])
                self.request(next(roles), op, kind, detail)
            round_number += 1
            if len(self.roles) > 1 and len(self.ops) % len(self.roles) == 0:
                next(roles)  # otherwise an operation would meet the same role every round
        self.rounds = round_number


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument(
        "--token", action="append", required=True, metavar="ROLE=KEY", help="an API token per role to fuzz as (repeat)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget for the whole run (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="to reproduce a run (default: random, printed)")
    parser.add_argument("--exclude", action="append", default=list(DEFAULT_EXCLUDE), metavar="'METHOD /path/'")
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE")
    args = parser.parse_args(argv)
    # The report quotes hostile values (a lone surrogate, "\udfff"): written escaped, never a crash of
    # the report itself (it crashed on one before saying whether there were server errors).
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    deadline = time.monotonic() + args.seconds
    seed = args.seed if args.seed is not None else random.randrange(2**31)

    roles = []
    for entry in args.token:
        name, _, key = entry.partition("=")
        session = requests.Session()
        session.headers.update({"Authorization": f"Token {key}", "Accept": "application/json"})
        for header in args.header:
            header_name, _, value = header.partition(":")
            session.headers[header_name.strip()] = value.strip()
        roles.append(Role(name=name, session=session))

    response = roles[0].session.get(args.base_url.rstrip("/") + "/api/schema/?format=json", timeout=TIMEOUT)
    response.raise_for_status()
    ops = operations(response.json(), set(args.exclude))
    print(
        f"Fuzzing {len(ops)} operations of {args.base_url} as {', '.join(r.name for r in roles)} "
        f"for {args.seconds:.0f} s (seed {seed})",
        flush=True,
    )
    fuzzer = Fuzzer(args.base_url, roles, ops, seed=seed, deadline=deadline)
    fuzzer.run()
    total = sum(fuzzer.sent.values())
    print(
        f"{total} requests in {getattr(fuzzer, 'rounds', 0)} rounds over every operation; "
        f"per role: {', '.join(f'{k} {v}' for k, v in fuzzer.sent.items())}; "
        f"answers: {', '.join(f'{k} {v}' for k, v in sorted(fuzzer.statuses.items()))}",
        flush=True,
    )
    print("slowest: " + "; ".join(f"{seconds:.1f} s {what}" for seconds, what in fuzzer.slowest), flush=True)
    if fuzzer.failures:
        print(f"{len(fuzzer.failures)} server errors (seed {seed}):", file=sys.stderr)
        for failure in fuzzer.failures[:200]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print("0 server errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())

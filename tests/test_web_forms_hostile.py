"""Every web form, submitted with hostile values (issue 22: "no 500 and no leak under hostile input";
"bad input gets a clear error and changes nothing").

The forms are found, not listed: every URL the resolver knows (outside /api/ and /admin/, which
have their own walks) is opened as each role of `access.roles` (the demo's person of that role, on
the demo cases' teams), and every `<form method="post">` on the page is parsed with its fields,
hidden inputs and CSRF token. Each form is then sent once with its own values (valid-ish: what the
page holds, a plausible value where it holds none), and once per hostile value with one field
replaced. Every submission runs inside a savepoint that is rolled back, so the world is the same
for the next one. For every answer:

- no 5xx;
- a refusal (200 or 400, not a redirect) shows a visible error (form error, message, the input
  guard's text) and changes nothing (a checksum of every table of the apps but the audit trail,
  and the audit trail's records other than reads);
- an accepted value that no form field should accept (a number that is not a number, a date that
  does not exist) is reported;
- no hostile markup comes back unescaped, on the answer or on the page a redirect leads to;
- nothing of a case the person may not see appears.

Values per field are sampled with a fixed seed (`BEV_WEBFUZZ_SEED`), so a failure reproduces;
`BEV_WEBFUZZ_VALUES` (default 6) sets how many hostile values each field meets beyond the
structural ones (missing, repeated, a choice not offered, another case's id).
"""

from __future__ import annotations

import html
import io
import itertools
import os
import random
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from access.models import User
from access.roles import Role
from audit.models import AuditRecord
from cases.models import Case

from .factories import give_totp, make_case, sample_pdf, totp_code, use_tmp_document_storage, web_session
from .test_url_walk import body_text, concrete_paths, project_urls

pytestmark = pytest.mark.django_db

SEED = int(os.environ.get("BEV_WEBFUZZ_SEED", "22"))
VALUES_PER_FIELD = int(os.environ.get("BEV_WEBFUZZ_VALUES", "6"))
SECONDS = float(os.environ.get("BEV_WEBFUZZ_SECONDS", "30"))
FROM_ROUND = int(os.environ.get("BEV_WEBFUZZ_FROM_ROUND", "0"))  # to continue where a budget ended
LOCAL_APPS = [app.split(".")[-1] for app in settings.LOCAL_APPS]

# Pages that are not forms to fill: ending the session, files, the admin and the API (own walks);
# the login and enrolment forms have their own tests below.
SKIP_NAMES = {
    "access:login",
    "access:enrol",
    "access:logout",
    "set_language",
    "healthz",
    "metrics",
    "schema",
    "swagger-ui",
}
SKIP_PREFIXES = ("/api/", "/admin/", "/login/oidc/", "/metrics")
SKIP_WORDS = ("download", "export", "evidence", "/status/")
MAX_PATHS_PER_URL = 2

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Markup that must never come back as markup: the raw tags of the two payloads.
REFLECTED = ("<script>alert(1)", "<img src=x onerror=alert(1)>")

# label -> value: the hostile text values every field may meet.
TEXT_VALUES = {
    "empty": "",
    "whitespace": " \t \n ",
    "long": "x" * 100_001,
    "nul": "a\x00b",
    "script": SCRIPT,
    "img": IMG,
    "sql": "' OR '1'='1'; --",
    "sql2": 'Robert"); DROP TABLE cases_case;--',
    "1e309": "1e309",
    "NaN": "NaN",
    "-0": "-0",
    "-1": "-1",
    "40 nines": "9" * 40,
    "dutch thousands": "1.000.000,50",
    "english thousands": "1,000,000.50",
    "euro sign": "€ 5",
    "date 0000": "0000-00-00",
    "date 9999": "9999-12-31",
    "date 31-02": "31-02-2024",
    "month 13": "2024-13-01",
}
# Values no field may accept as given: they are not numbers, or not dates that exist. When a form
# field of a kind (number, date) takes one and the service stores something, that is a silent change.
# (An amount field reads "€ 5" as five euros and "1.000.000,50" in Dutch notation, as its help says.)
NOT_A_NUMBER = {"1e309", "NaN", "40 nines", "english thousands", "date 0000", "month 13"}
NOT_A_DATE = {"date 0000", "date 9999", "date 31-02", "month 13", "NaN", "1e309", "40 nines"}
# Bytes no text can be: invalid UTF-8 and a lone surrogate (CESU-8 of U+D800), in a multipart body.
RAW_VALUES = {"invalid utf-8": b"\xff\xfe\xc3(", "lone surrogate": b"a\xed\xa0\x80b"}
NOT_OFFERED = "zz-niet-in-de-lijst"
UNKNOWN_FIELD = "zz_onbekend_veld"

ERROR_SIGNS = ('class="error-summary"', 'class="field-error"', "message-error", "Ongeldige invoer")
CONFIRM_SIGN = '<input type="hidden" name="confirm" value="1">'


# ------------------------------------------------------------------------------------------------
# Parsing the forms of a page
# ------------------------------------------------------------------------------------------------
@dataclass
class Field:
    name: str
    kind: str  # text, number, date, datetime-local, hidden, checkbox, radio, select, textarea, file, ...
    values: list[str] = field(default_factory=list)  # what the page submits as it is
    options: list[str] = field(default_factory=list)  # select, radio, checkbox: the values offered
    multiple: bool = False
    required: bool = False


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, Field]
    multipart: bool
    role: str

    @property
    def key(self) -> tuple:
        match = resolve(urlsplit(self.action).path)
        slugs = tuple(sorted((k, v) for k, v in match.kwargs.items() if not str(v).isdigit()))
        return (match.view_name, slugs, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page: str, role: str):
        super().__init__(convert_charrefs=True)
        self.page, self.role = page, role
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: str | None = None
        self._option_selected = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urljoin(self.page, a.get("action") or self.page)
                multipart = a.get("enctype", "") == "multipart/form-data"
                self._form = Form(self.page, action, {}, multipart, self.role)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            f = form.fields.setdefault(name, Field(name, kind, required="required" in a))
            if kind in ("checkbox", "radio"):
                f.options.append(a.get("value", "on"))
                f.multiple = f.multiple or kind == "checkbox"
                if "checked" in a:
                    f.values.append(a.get("value", "on"))
            elif kind != "file":
                f.values.append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = form.fields.setdefault(
                name, Field(name, "select", multiple="multiple" in a, required="required" in a)
            )
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea = form.fields.setdefault(name, Field(name, "textarea", required="required" in a))
            self._textarea.values.append("")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[-1] += data
        if self._option is None and self._select is not None and hasattr(self, "_option_text"):
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "option" and self._select is not None:
            value = self._option if self._option is not None else getattr(self, "_option_text", "").strip()
            self._select.options.append(value)
            if self._option_selected:
                self._select.values.append(value)
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def forms_on(page: str, text: str, role: str) -> list[Form]:
    parser = _FormParser(page, role)
    parser.feed(text)
    return parser.forms


# ------------------------------------------------------------------------------------------------
# Valid-ish values and hostile ones
# ------------------------------------------------------------------------------------------------
def _shape(f: Field) -> str:
    """number, date, datetime, choice, file, text: what the field takes, from its input type and
    what the page put in it."""
    if f.kind in ("select", "radio", "checkbox"):
        return "choice"
    if f.kind == "file":
        return "file"
    if f.kind in ("date", "datetime-local", "number"):
        return {"date": "date", "datetime-local": "datetime", "number": "number"}[f.kind]
    current = (f.values or [""])[0]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", current):
        return "date"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", current):
        return "datetime"
    # The name without a form's prefix ("value-amount" -> "amount"), as the service calls it.
    if re.fullmatch(r"(\w+_)?(amount|percent|shares|price|year|rate|number)(_\w+)?", f.name.rsplit("-", 1)[-1]):
        return "number"
    return "text"


def plausible(f: Field) -> list[str]:
    """What the form submits for a field when nobody is hostile."""
    if f.kind == "file":
        return []
    values = [v for v in f.values if v is not None]
    if values and any(v.strip() for v in values):
        return values
    if f.kind == "checkbox":
        return []  # unchecked
    if f.kind in ("select", "radio"):
        offered = [o for o in f.options if o]
        return offered[:1] or values
    shape = _shape(f)
    today = timezone.localdate()
    if shape == "date" or "date" in f.name or f.name.endswith("_on"):
        return [today.isoformat()]
    if shape == "datetime" or f.name.endswith("_at"):
        return [timezone.localtime().strftime("%Y-%m-%dT%H:%M")]
    if shape == "number":
        return ["2024"] if "year" in f.name else ["1000"]
    return ["Webfuzz: een gewone waarde"]


@dataclass
class Submission:
    label: str
    target: str | None  # the field changed, or None for the whole form
    data: dict[str, list]  # name -> values (str or bytes)
    hostile_kind: str = ""  # "number" / "date" when the value must not be accepted in that shape


def submissions(form: Form, world, rng: random.Random) -> list[Submission]:
    """The page's own values first, then per field its hostile values, interleaved over the fields
    (each field meets one before any meets a second), then an unknown extra field."""
    base = {name: plausible(f) for name, f in form.fields.items()}
    base = {name: values for name, values in base.items() if values}
    other_ids = [str(i) for i in world["hidden_ids"]]
    per_field = []
    for name, f in form.fields.items():
        if name in ("csrfmiddlewaretoken", "confirm") or f.kind == "file":
            continue
        shape = _shape(f)
        labels = rng.sample(list(TEXT_VALUES), min(VALUES_PER_FIELD, len(TEXT_VALUES)))
        texts = []
        for label in labels:
            kind = "number" if shape == "number" and label in NOT_A_NUMBER else ""
            kind = "date" if shape in ("date", "datetime") and label in NOT_A_DATE else kind
            texts.append(Submission(label, name, {**base, name: [TEXT_VALUES[label]]}, kind))
        raw = rng.choice(sorted(RAW_VALUES))
        structural = [
            Submission(raw, name, {**base, name: [RAW_VALUES[raw]]}),
            Submission("missing", name, {k: v for k, v in base.items() if k != name}),
            Submission("repeated", name, {**base, name: [*(base.get(name) or ["1"]), SCRIPT, "2"]}),
        ]
        if shape == "choice" or f.kind == "hidden" or name.endswith("_id") or name in ("case", "position", "user"):
            structural.insert(0, Submission("not offered", name, {**base, name: [NOT_OFFERED]}))
            structural[1:1] = [Submission("another case's id", name, {**base, name: [i]}) for i in other_ids]
        mixed = [s for pair in itertools.zip_longest(texts, structural) for s in pair if s is not None]
        per_field.append(mixed)
    subs = [Submission("as the page offers it", None, dict(base))]
    subs += [s for column in itertools.zip_longest(*per_field) for s in column if s is not None]
    subs.append(Submission("unknown field", UNKNOWN_FIELD, {**base, UNKNOWN_FIELD: [SCRIPT]}))
    return subs


def multipart(data: dict[str, list], files: dict[str, tuple[bytes, bytes]] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body by hand: values may be bytes that are not UTF-8, file names may
    hold anything."""
    boundary = b"webfuzzboundary7MA4YWxkTrZu0gW"
    parts = []
    for name, values in data.items():
        for value in values:
            raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
            parts.append(b'Content-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + raw)
    for name, (filename, content) in (files or {}).items():
        parts.append(
            b'Content-Disposition: form-data; name="'
            + name.encode()
            + b'"; filename="'
            + filename
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            + content
        )
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"
    return body, "multipart/form-data; boundary=" + boundary.decode()


# ------------------------------------------------------------------------------------------------
# What may not change
# ------------------------------------------------------------------------------------------------
def _tables() -> list[str]:
    skip = {AuditRecord._meta.db_table}
    return sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.app_label in LOCAL_APPS and m._meta.db_table not in skip and not m._meta.proxy and m._meta.managed
    )


def snapshot(tables: list[str]) -> dict[str, str]:
    """A checksum of every row of every table of the apps (but the audit trail, below), in one
    statement: a refused form may change no row."""
    parts = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {t} t)" for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        row = cursor.fetchone()
    return dict(zip(tables, row))


def audit_writes_since(mark: int) -> list[str]:
    """Audit records other than reads written after `mark`: a refusal writes none."""
    return list(
        AuditRecord.objects.filter(pk__gt=mark)
        .exclude(action__in=[AuditRecord.Action.READ, AuditRecord.Action.EXPORT, AuditRecord.Action.DOWNLOAD])
        .values_list("event", flat=True)
    )


# ------------------------------------------------------------------------------------------------
# The world: the demo, one person per role, and a case none of them may see
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def world(make_user, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    with override_settings(BEV_DEMO_MODE=True):
        call_command("seed_demo", stdout=io.StringIO())
    stranger = make_user("webfuzz_stranger", Role.CASE_OFFICER)
    hidden = make_case(
        officer=stranger,
        title="Webfuzz-geheim: overname Onzichtbaar",
        target_name="Onzichtbaar Precisie B.V.",
        acquirer_name="Verborgen Staatsfonds Ltd.",
    )
    people = {}
    for role in Role:
        person = User.objects.filter(role=role, is_active=True).exclude(pk=stranger.pk).order_by("pk").first()
        assert person is not None, f"the demo has nobody with the role {role}"
        people[role.value] = person
    cases = list(Case.objects.exclude(pk=hidden.pk))
    # One session per person for the whole walk (a login changes the person's row).
    clients = {role: web_session(Client(raise_request_exception=False), p) for role, p in people.items()}
    return {
        "people": people,
        "clients": clients,
        "cases": cases,
        "own": cases[0],
        "hidden": hidden,
        "hidden_ids": [hidden.pk],
        "markers": {hidden.reference, hidden.title, hidden.target_name, hidden.acquirer_name},
    }


def _pages(world) -> list[str]:
    paths = []
    for url in project_urls():
        if url.name in SKIP_NAMES or url.template.startswith(SKIP_PREFIXES):
            continue
        if any(word in url.template for word in SKIP_WORDS) or any(n == "format" for _c, n in url.params):
            continue
        paths += concrete_paths(url, world)[:MAX_PATHS_PER_URL]
    return paths


def discover_forms(world) -> tuple[list[Form], list[str]]:
    """Every post form of every page, as each role sees it; the same form (same view, same fields)
    once, as the first role that has it."""
    found: dict[tuple, Form] = {}
    failures = []
    pages = _pages(world)
    for role, client in world["clients"].items():
        for path in pages:
            response = client.get(path)
            if response.status_code >= 500:
                failures.append(f"{role}: GET {path} -> {response.status_code}")
                continue
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_on(path, response.content.decode("utf-8", "replace"), role):
                try:
                    key = form.key
                except Resolver404:
                    continue
                if key[0] in SKIP_NAMES:
                    continue
                found.setdefault(key, form)
    return list(found.values()), failures


# ------------------------------------------------------------------------------------------------
# Sending and judging
# ------------------------------------------------------------------------------------------------
def send(client, form: Form, data: dict[str, list], files=None):
    needs_raw = files or any(isinstance(v, bytes) for values in data.values() for v in values)
    if form.multipart or needs_raw:
        body, content_type = multipart(data, files)
        return client.generic("POST", form.action, body, content_type=content_type)
    return client.post(form.action, data)


def reflected(text: str) -> list[str]:
    return [tag for tag in REFLECTED if tag in text]


def judge(client, form: Form, sub: Submission, response, world, before, tables, mark) -> list[str]:
    """What is wrong with this answer (empty: nothing)."""
    where = f"{form.role}: POST {form.action} [{sub.target or '-'} = {sub.label}]"
    status = response.status_code
    if status >= 500:
        return [f"{where} -> {status}"]
    text = body_text(response)
    problems = []
    if found := reflected(text):
        problems.append(f"{where} -> {status} reflects {found} unescaped")
    if leaks := {m for m in world["markers"] if m in text}:
        problems.append(f"{where} -> {status} shows another case's data {sorted(leaks)}")
    changed = sorted(t for t, digest in snapshot(tables).items() if before[t] != digest)
    writes = audit_writes_since(mark)
    if status in (301, 302, 303):
        follow = client.get(response["Location"])
        if follow.status_code >= 500:
            problems.append(f"{where} -> {status}, then GET {response['Location']} -> {follow.status_code}")
        after = body_text(follow)
        if found := reflected(after):
            problems.append(f"{where} -> {status}, then {response['Location']} reflects {found} unescaped")
        if leaks := {m for m in world["markers"] if m in after}:
            problems.append(f"{where} -> {status}, then {response['Location']} shows another case's data")
        if sub.hostile_kind and (changed or writes):
            problems.append(
                f"{where} -> {status}: accepted a value that is no {sub.hostile_kind} (changed {changed or writes})"
            )
        if "message-error" in after and (changed or writes):
            problems.append(f"{where} -> {status}: an error shown, yet changed {changed or writes}")
        return problems
    if status in (200, 400):
        if changed or writes:
            problems.append(f"{where} -> {status} (refused or asked to confirm), yet changed {changed or writes}")
        if sub.target is not None and CONFIRM_SIGN not in text and not any(sign in text for sign in ERROR_SIGNS):
            if sub.label not in ("unknown field", "repeated") and (sub.hostile_kind or status == 400):
                problems.append(f"{where} -> {status} without a visible error")
        return problems
    if status in (403, 404, 405, 409, 429):
        if changed or writes:
            problems.append(f"{where} -> {status}, yet changed {changed or writes}")
        return problems
    return [*problems, f"{where} -> unexpected {status}"]


@dataclass
class Target:
    """A form ready to be fuzzed: its person's client, its submissions, the state before."""

    form: Form
    client: Client
    subs: list[Submission]
    before: dict[str, str]


def prepare(form: Form, world, rng, tables) -> Target:
    return Target(form, world["clients"][form.role], submissions(form, world, rng), snapshot(tables))


def submit(target: Target, sub: Submission, world, tables) -> list[str]:
    """One submission inside a savepoint that is rolled back: the world stays as it was."""
    form = target.form
    # A step that asks for confirmation first (core.views.confirm_first) shows the page's own values
    # on its confirmation page; hostile ones are sent confirmed, so they reach the service.
    data = sub.data if sub.target is None else {**sub.data, "confirm": ["1"]}
    mark = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        response = send(target.client, form, data)
        if response.status_code >= 500:
            problems = [f"{form.role}: POST {form.action} [{sub.target or '-'} = {sub.label}] -> 500"]
        else:
            problems = judge(target.client, form, sub, response, world, target.before, tables, mark)
        transaction.set_rollback(True)
    return problems


# ------------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------------
def test_the_form_parser_reads_fields_hidden_inputs_and_choices():
    page = """<form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input name="title" value="A &amp; B"><select name="kind"><option value="">-</option>
    <option value="a" selected>A</option></select><textarea name="body">tekst</textarea>
    <input type="checkbox" name="cats" value="c1" checked><input type="checkbox" name="cats" value="c2">
    <button type="submit">Opslaan</button></form><form method="get"><input name="q"></form>"""
    (form,) = forms_on("/p/", page, "r")
    assert form.action == "/x/"
    assert form.fields["title"].values == ["A & B"]
    assert form.fields["kind"].options == ["", "a"] and form.fields["kind"].values == ["a"]
    assert form.fields["body"].values == ["tekst"]
    assert form.fields["cats"].options == ["c1", "c2"] and form.fields["cats"].values == ["c1"]
    assert form.fields["csrfmiddlewaretoken"].kind == "hidden"


def test_reflection_is_seen_only_unescaped():
    assert reflected(f"<p>{SCRIPT}</p>")
    assert reflected(f'<input value="{IMG}">')
    assert not reflected(f'<p>{html.escape(SCRIPT)}</p><input value="{html.escape(IMG)}">')


@pytest.mark.slow
def test_every_web_form_survives_hostile_values(world):
    started = time.monotonic()
    forms, failures = discover_forms(world)
    discovered = time.monotonic() - started
    # The walk is not vacuous: the forms of every app are found.
    views = {f.key[0] for f in forms}
    assert {"cases:create", "cases:team_add", "documents:case", "access:settings"} <= views, sorted(views)
    tables = _tables()
    rng = random.Random(SEED)
    targets = [prepare(form, world, rng, tables) for form in sorted(forms, key=lambda f: f.key)]
    prepared = time.monotonic() - started
    # Round robin: every form's first submissions (each field once with a hostile value) before any
    # form's later ones, until the time budget is spent.
    deadline = time.monotonic() + SECONDS
    sent, last_round = 0, FROM_ROUND
    for round_ in range(FROM_ROUND, max(len(t.subs) for t in targets)):
        for target in targets:
            if round_ < len(target.subs) and time.monotonic() < deadline:
                failures += submit(target, target.subs[round_], world, tables)
                sent, last_round = sent + 1, round_
    total = sum(len(t.subs) for t in targets)
    print(
        f"\n{len(forms)} forms, {sent} of {total} submissions (to round {last_round}); discovery {discovered:.0f} s, "
        f"preparing {prepared - discovered:.0f} s, total {time.monotonic() - started:.0f} s"
    )
    assert not failures, f"Hostile form input (seed {SEED}):\n" + "\n".join(failures[:80])


# ------------------------------------------------------------------------------------------------
# File uploads: hostile files and file names
# ------------------------------------------------------------------------------------------------
HOSTILE_FILES = {
    "zero bytes": (b"leeg.pdf", b""),
    "HTML named .pdf": (b"rapport.pdf", b"<html><body><script>alert(1)</script></body></html>"),
    "300-character name": (b"n" * 296 + b".pdf", None),
    "path separators": (b"../../etc/passwd", None),
    "backslashes": (b"..\\..\\windows\\win.ini.pdf", None),
    "NUL in the name": (b"memo\x00.pdf", None),
    "double extension": (b"x.pdf.exe", None),
    "markup in the name": (b'"><img src=x onerror=alert(1)>.pdf', None),
}


@pytest.mark.parametrize("label", sorted(HOSTILE_FILES))
def test_upload_forms_refuse_or_tame_hostile_files(label, case, officer, settings, tmp_path):
    """A new document and a new version: a refusal at the file (and nothing stored), or a stored
    file whose name holds no path, no NUL and at most 255 characters, shown escaped."""
    from documents.models import Document, DocumentVersion

    storage = use_tmp_document_storage(settings, tmp_path)
    client = web_session(Client(raise_request_exception=False), officer)
    filename, content = HOSTILE_FILES[label]
    content = sample_pdf("Webfuzz") if content is None else content
    fields = {"title": ["Webfuzz-upload"], "document_type": ["memo"], "classification": [""]}
    existing = Document.objects.count(), DocumentVersion.objects.count()
    body, content_type = multipart(fields, {"file": (filename, content)})
    response = client.generic("POST", f"/documents/cases/{case.pk}/", body, content_type=content_type)
    assert response.status_code < 500, response.content[:500]
    text = body_text(response)
    assert not reflected(text)
    if response.status_code == 302:
        version = DocumentVersion.objects.order_by("-pk").first()
        name = version.original_filename
        assert "/" not in name and "\\" not in name and "\x00" not in name and len(name) <= 255, name
        assert not reflected(body_text(client.get(response["Location"])))
        stored = [p for p in storage.rglob("*") if p.is_file()]
        assert all(p.resolve().is_relative_to(storage.resolve()) for p in stored)
        assert label != "zero bytes", f"an empty file was stored as {name}"
        if label == "HTML named .pdf":  # the kind is the content's: kept as text, never as a PDF
            assert not name.endswith(".pdf") and version.file_kind != "pdf", name
        # The same file as a new version of that document.
        document = version.document
        body, content_type = multipart({}, {"file": (filename, content)})
        again = client.generic(
            "POST", f"/documents/cases/{case.pk}/{document.pk}/versions/", body, content_type=content_type
        )
        assert again.status_code < 500 and not reflected(body_text(again))
        for v in DocumentVersion.objects.filter(document=document):
            assert "/" not in v.original_filename and "\x00" not in v.original_filename
    else:
        assert response.status_code in (200, 400), response.status_code
        assert any(sign in text for sign in ERROR_SIGNS), text[:2000]
        assert (Document.objects.count(), DocumentVersion.objects.count()) == existing
        assert not [p for p in storage.rglob("*") if p.is_file()], "a refused upload left a file behind"


# ------------------------------------------------------------------------------------------------
# Login and second factor
# ------------------------------------------------------------------------------------------------
LOGIN_VALUES = [v for k, v in TEXT_VALUES.items() if k not in ("long",)] + ["x" * 100_001]


def test_login_form_with_hostile_values_never_fails_and_every_try_counts(client, officer):
    """Hostile usernames, passwords and codes: never a 500, never reflected; every attempt that
    reaches the login is a failed login, so the lockout still comes after five."""
    from django.conf import settings as django_settings

    device = give_totp(officer)
    client = Client(raise_request_exception=False)
    counted = 0
    for i, value in enumerate(itertools.islice(itertools.cycle(LOGIN_VALUES), 3 * len(LOGIN_VALUES))):
        field_name = ("otp_token", "password", "username")[i % 3]
        data = {"username": "officer", "password": "not-the-password", "otp_token": "123456", field_name: value}
        response = client.post("/login/", data)
        assert response.status_code in (200, 400, 429), (field_name, value[:40], response.status_code)
        assert not reflected(body_text(response)), (field_name, value[:40])
        assert response.status_code != 200 or any(sign in body_text(response) for sign in ERROR_SIGNS)
        counted += response.status_code == 200 and field_name != "username"
        if counted >= django_settings.AXES_FAILURE_LIMIT:
            break
    assert counted >= django_settings.AXES_FAILURE_LIMIT, "too few hostile tries reached the login"
    assert AuditRecord.objects.filter(event="auth.login_failed", object_id="officer").count() >= counted
    right = {"username": "officer", "password": "correct-horse-battery", "otp_token": totp_code(device)}
    assert client.post("/login/", right).status_code == 429, "hostile tries did not count for the lockout"


def test_enrolment_form_with_hostile_codes_never_fails(client, officer):
    """The code of a first enrolment: hostile values are a form error, and no device is confirmed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(raise_request_exception=False)
    response = client.post("/login/", {"username": "officer", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"].endswith("/login/enrol/")
    for label, value in TEXT_VALUES.items():
        response = client.post("/login/enrol/", {"code": value})
        assert response.status_code in (200, 400), (label, response.status_code)
        assert not reflected(body_text(response)), label
        assert response.status_code == 400 or any(sign in body_text(response) for sign in ERROR_SIGNS), label
    for label, raw in RAW_VALUES.items():
        body, content_type = multipart({"code": [raw]})
        response = client.generic("POST", "/login/enrol/", body, content_type=content_type)
        assert response.status_code in (200, 400), (label, response.status_code)
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()

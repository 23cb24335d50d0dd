"""Every URL of the project, walked: anonymous requests are refused, and people who are not on a
case's team (superusers included) get none of its data, whatever the URL, method or filter.

The URL list comes from the resolver at run time, so URLs added later are covered without
changing this file. Path parameters are filled with the ids of real objects (the demo data of
every app plus a case made here), chosen by the parameter's name.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import itertools
import json
import re
import zipfile
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import models
from django.test import Client, RequestFactory, override_settings
from django.urls import Resolver404, get_resolver, resolve
from django_otp import DEVICE_ID_SESSION_KEY

from access.roles import Role
from audit.models import AuditRecord
from cases.models import Case

from .factories import give_totp, make_case

pytestmark = pytest.mark.django_db

# URLs anyone may open: logging in and out, the health probe, choosing a language.
PUBLIC = {"healthz", "access:login", "access:enrol", "admin:login", "admin:logout", "set_language"}
# Ending one's own session would end the walk; tested in test_login_session_timeout.
SKIP_FOR_MEMBERS_OF_NOTHING = {"access:logout", "admin:logout"}
# Shows no case data and waits for the broker (a second per request against the test settings' bad host).
SKIP_FOR_MEMBERS_OF_NOTHING |= {"healthz", "schema", "swagger-ui"}
METHODS = ["get", "post", "put", "patch", "delete"]
LOGIN_PATHS = ("/login/", "/admin/login/")
MAX_COMBINATIONS = 6
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
LOCAL_APPS = [app.split(".")[-1] for app in settings.LOCAL_APPS]


@dataclass(frozen=True)
class Url:
    template: str  # e.g. /api/cases/<pk>/team/<username>/
    name: str  # namespace:name, or the template when unnamed
    params: tuple[tuple[str, str], ...]  # (converter, name)
    # The AdminSite whose admin_view wraps the view (its own pages and every ModelAdmin's), else None
    admin_site: object = dataclasses.field(default=None, compare=False)


def project_urls() -> list[Url]:
    found = {}
    for func, regex, namespaces, name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        template = simplify_regex(regex).replace("\\.", ".")
        full_name = ":".join([*(namespaces or []), name]) if name else template
        params = tuple((m.group("conv") or "", m.group("name")) for m in PARAM.finditer(template))
        site = getattr(func, "admin_site", None) or getattr(getattr(func, "model_admin", None), "admin_site", None)
        found[template] = Url(template, full_name, params, site)
    return sorted(found.values(), key=lambda u: u.template)


def admin_site_refuses(url: Url, user, *, verified: bool = True) -> bool:
    """True when the URL's view is wrapped by AdminSite.admin_view and the site refuses this person
    (not staff, or no second factor: OTPAdminSite.has_permission). admin_view then answers every
    method and every object id with a redirect to the admin's login before the view runs, so the walks
    request each such URL once (one method, one id) and check it is that redirect
    (`admin_refusal_failures`) instead of every method on every id."""
    if url.admin_site is None:
        return False
    person = copy.copy(user)
    person.is_verified = lambda: verified  # what django_otp's middleware sets on request.user
    request = RequestFactory().get(url.template)
    request.user = person
    return not url.admin_site.has_permission(request)  # type: ignore[attr-defined]


def admin_refusal_failures(response, method: str, path: str, who: str) -> list[str]:
    """The one request to an admin URL for someone the admin site refuses: it must be admin_view's
    redirect to the admin's login, the premise on which its other methods and ids are not requested."""
    if response.status_code == 302 and response["Location"].split("?")[0].endswith("/admin/login/"):
        return []
    return [f"{who}: {method.upper()} {path} -> {response.status_code}, not the admin's redirect to its login"]


# ------------------------------------------------------------------------------------------------
# The data: demo data of every app, a case with recognisable content, people outside every team
# ------------------------------------------------------------------------------------------------
def _case_fk(model) -> str | None:
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and field.related_model is Case:
            return field.name
    for field in model._meta.concrete_fields:
        if field.name == "case_id" and not field.is_relation:
            return "case_id"
    return None


def _objects_of_cases(model, case_ids) -> list:
    fk = _case_fk(model)
    qs = model._default_manager.all()
    if model is Case:
        qs = qs.filter(pk__in=case_ids)
    elif fk:
        qs = qs.filter(**{f"{fk}__in" if fk != "case_id" else "case_id__in": case_ids})
    return list(qs.order_by("pk")[:4])


def _markers(cases) -> set[str]:
    """Strings that only appear in a response that shows these cases' content."""
    found = set()
    for case in cases:
        found |= {case.reference, case.title, case.target_name, case.acquirer_name}
        for model in apps.get_models():
            if model._meta.app_label not in LOCAL_APPS or model in (Case, AuditRecord) or not _case_fk(model):
                continue
            for obj in _objects_of_cases(model, [case.pk]):
                for field in ("title", "name", "subject", "original_filename", "filename", "reference"):
                    value = getattr(obj, field, None)
                    if isinstance(value, str) and len(value) >= 10:
                        found.add(value)
    return {m for m in found if m and len(m) >= 8}


@pytest.fixture
def world(officer, assessor, secretariat, manager, make_user):
    with override_settings(BEV_DEMO_MODE=True):
        call_command("seed_demo", stdout=io.StringIO())
    own = make_case(
        officer=officer,
        team={assessor: Role.RISK_ASSESSOR, secretariat: Role.CABINET_SECRETARIAT, manager: Role.FUND_MANAGER},
        title="Walk-marker: overname Zeldzaamheid",
        target_name="Zeldzaamheid Optics B.V.",
        acquirer_name="Markeer Staatsholding Ltd.",
    )
    cases = list(Case.objects.all())
    outsiders = {
        "case_officer": make_user("walk_officer", Role.CASE_OFFICER),
        "auditor": make_user("walk_auditor", Role.AUDITOR, is_staff=True),
        "superuser": make_user("walk_superuser", Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
    }
    return {"cases": cases, "own": own, "member": officer, "outsiders": outsiders, "markers": _markers(cases)}


def _verified_client(user) -> Client:
    """A web session that passed the second factor (the API accepts it too)."""
    device = give_totp(user)
    client = Client(raise_request_exception=False)  # a crash is a 500 to report, not the end of the walk
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# ------------------------------------------------------------------------------------------------
# Filling path parameters
# ------------------------------------------------------------------------------------------------
def _models_for_stem(stem: str) -> list:
    """The project's models a parameter may name: `document_id` -> Document..., `letters/<pk>` ->
    LetterDraft, LetterRequest, ... (exact name first, then ...stem, then stem...; a case's own
    objects first)."""
    stem = stem.replace("_", "").replace("-", "")
    local = sorted((m for m in apps.get_models() if m._meta.app_label in LOCAL_APPS), key=lambda m: _case_fk(m) is None)
    found = []
    for match in (lambda n: n == stem, lambda n: n.endswith(stem), lambda n: n.startswith(stem)):
        found += [m for m in local if match(m._meta.model_name) and m not in found]
    return found


def _values_for(url: Url, position: int, conv: str, name: str, world) -> list:
    case_ids = [c.pk for c in world["cases"]]
    before = url.template.split(f"<{conv + ':' if conv else ''}{name}>")[0]
    if conv == "drf_format_suffix":
        return [".json"]
    if name == "format":
        return ["json"]
    if name == "app_label":
        return ["cases", "audit", "access"]
    if name == "url":
        return ["nonexistent/"]
    if name in ("username",):
        return [m.user.username for m in world["own"].team.all()][:3]
    if name == "user_id":
        return [m.user_id for m in world["own"].team.all()][:3]
    if name in ("number", "version"):
        return [1, 2]
    if name in ("name", "transition") or conv == "slug":
        return ["start_intake", "withdraw"]
    admin = re.match(r"^/admin/(\w+)/(\w+)/$", before)
    if admin:
        try:
            model = apps.get_model(admin.group(1), admin.group(2))
        except LookupError:
            model = None
        if model is not None:
            objs = (
                _objects_of_cases(model, case_ids)
                if (model is Case or _case_fk(model))
                else list(model._default_manager.order_by("pk")[:2])
            )
            return [o.pk for o in objs] or [1]
    if before.endswith("/cases/") or name in ("case_id", "case_pk", "case"):
        return case_ids + ([world["own"].reference] if conv in ("", "str", "path") else [])
    stem = name[:-3] if name.endswith("_id") else name[:-3] if name.endswith("_pk") else name
    if stem in ("pk", "id", "object_id"):
        prev = re.findall(r"/([a-z_-]+)/$", before)
        stem = prev[0].rstrip("s").replace("-", "_") if prev else stem
    models_named = _models_for_stem(stem) if stem not in ("pk", "id", "object_id") else []
    if models_named:
        ids = [o.pk for model in models_named for o in _objects_of_cases(model, case_ids)]
        return list(dict.fromkeys(ids))[:MAX_COMBINATIONS] or [1]
    return case_ids[:3]


def concrete_paths(url: Url, world) -> list[str]:
    if not url.params:
        return [url.template]
    choices = [_values_for(url, i, conv, name, world) for i, (conv, name) in enumerate(url.params)]
    # A format-suffix twin (/x.json/) runs the same view as /x/: one set of values is enough.
    limit = 1 if any(name == "format" for _conv, name in url.params) else MAX_COMBINATIONS
    paths = []
    for combo in itertools.islice(itertools.product(*choices), limit):
        path = url.template
        for (conv, name), value in zip(url.params, combo):
            path = path.replace(f"<{conv + ':' if conv else ''}{name}>", str(value), 1)
        paths.append(path)
    return paths


def methods_answered(path: str, methods: list[str]) -> list[str]:
    """The methods a DRF viewset's route maps to an action (its router's `actions`); the others are
    DRF's 405 (Method Not Allowed), which writes nothing and runs only what the route's mapped methods
    run before it (authentication, `RoleMayWrite` with no action), so the walks do not send them (about
    3,000 of the audit walk's 9,000 requests). Every other view (the web's, the admin's, an APIView) gets
    them all."""
    try:
        actions = getattr(resolve(path).func, "actions", None)
    except Resolver404:
        return methods
    return methods if not actions else [m for m in methods if m in actions]


# ------------------------------------------------------------------------------------------------
# Reading a response
# ------------------------------------------------------------------------------------------------
def body_text(response) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if raw[:2] == b"PK":  # XLSX / DOCX: look inside
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    text = raw.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        try:  # undo \\u escapes so markers with accents match
            text += json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def leaked(response, markers) -> set[str]:
    text = body_text(response)
    return {m for m in markers if m in text}


PAYLOAD = {
    "name": "withdraw",
    "reason": "url walk",
    "username": "walk_officer",
    "role": "case_officer",
    "summary": "gewijzigd door de url walk",
    "title": "gewijzigd door de url walk",
    "deploy": True,
    "instruments": ["equity"],
    "max_amount": "25000000.00",
    "meeting_date": "2025-01-01",
    "reference": "KB-walk",
    "classification": "openbaar",
}


def _request(client, method, path, *, api: bool):
    call = getattr(client, method)
    if method == "get":
        return call(path)
    if api:
        return call(path, data=json.dumps(PAYLOAD), content_type="application/json")
    if method == "post":
        return call(path, data=PAYLOAD)
    return call(path, data=json.dumps(PAYLOAD), content_type="application/json")


# ------------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------------
def test_the_walk_finds_the_urls_of_every_app():
    names = {u.name for u in project_urls()}
    assert {
        "case-list",
        "case-detail",
        "audit-list",
        "audit-verification-list",
        "auth-token",
        "access:login",
        "admin:index",
    } <= names


def test_anonymous_requests_are_refused_everywhere(world):
    client = Client(raise_request_exception=False)
    failures = []
    for url in project_urls():
        if url.name in PUBLIC:
            continue
        refused = admin_site_refuses(url, AnonymousUser())  # one POST, which must be admin_view's redirect
        for path in concrete_paths(url, world)[: 1 if refused else None]:
            for method in ["post"] if refused else METHODS:
                response = _request(client, method, path, api=path.startswith("/api/"))
                if refused:
                    failures += admin_refusal_failures(response, method, path, "anonymous")
                status = response.status_code
                if status in (401, 403, 405):
                    continue
                if status in (301, 302) and response["Location"].split("?")[0].endswith(LOGIN_PATHS):
                    continue
                if status == 404 and not leaked(response, world["markers"]):
                    continue  # a route that does not exist for these values (never data)
                failures.append(f"{method.upper()} {path} ({url.name}) -> {status}")
    assert not failures, "Anonymous requests not refused:\n" + "\n".join(failures)


@pytest.mark.slow
def test_people_outside_the_team_get_no_case_data(world):
    """Three kinds of stranger (one test, to build the world once): a case officer, an auditor and
    a superuser administrator, none on any team. The officer also tries every write, the
    superuser every write in the admin."""
    member = _verified_client(world["member"])
    own = world["own"]
    # The walk is not vacuous: a member does see the case and the markers are its content.
    assert own.title in body_text(member.get(f"/api/cases/{own.pk}/"))
    assert own.reference in body_text(member.get("/api/cases/"))
    assert world["markers"] >= {own.title, own.reference}

    before = _snapshot(world)
    failures = []
    # writes: the case officer everywhere, the superuser where a superuser has extra power (the admin)
    for kind, writes in (("case_officer", "/"), ("auditor", None), ("superuser", "/admin/")):
        failures += _walk_as(world["outsiders"][kind], world, writes=writes)
    assert not failures, "People outside the team got case data (or crashed the service):\n" + "\n".join(failures)
    assert _snapshot(world) == before, "a request by someone outside the team changed a case"
    assert not AuditRecord.objects.filter(
        actor__in=world["outsiders"].values(), case_id__in=[c.pk for c in world["cases"]]
    ).exists()


def _queries(path: str, world) -> list[str]:
    """Filters and searches that could pull a case into a list: the API's, the web's, the admin's."""
    own = world["own"]
    word = own.target_name.split()[0]
    if path.startswith("/api/"):
        return ["", f"?search={word}", f"?case={own.pk}", f"?user={world['member'].username}"]
    if path.startswith("/admin/"):
        return ["", f"?q={word}"]
    return ["", f"?q={word}", f"?search={word}", f"?case={own.pk}"]


def _walk_as(user, world, *, writes: str | None) -> list[str]:
    """GET every URL (lists with filters and searches); if `writes`, also POST/PUT/PATCH/DELETE
    the URLs under that prefix."""
    client = _verified_client(user)
    markers = world["markers"]
    failures = []
    for url in project_urls():
        if url.name in SKIP_FOR_MEMBERS_OF_NOTHING or _is_format_twin(url):
            continue  # a format twin runs the same view as its plain URL (see the test below)
        refused = admin_site_refuses(url, user)
        if refused:  # one GET, which must be admin_view's redirect (so would every method and value)
            path = concrete_paths(url, world)[0]
            response = client.get(path)
            _check(response, "GET", path, url, markers, failures, user)
            failures += admin_refusal_failures(response, "get", path, user.username)
            continue
        for path in concrete_paths(url, world):
            api = path.startswith("/api/")
            for query in _queries(path, world) if not url.params else [""]:
                _check(client.get(path + query), "GET", path + query, url, markers, failures, user)
            for method in methods_answered(path, METHODS[1:]) if writes and path.startswith(writes) else []:
                _check(_request(client, method, path, api=api), method.upper(), path, url, markers, failures, user)
    return failures


def test_a_session_without_the_second_factor_gets_no_case_data(world):
    """The login never leaves a password-only session, but should one exist (a bug, a stolen
    half-finished login), no URL may treat it as logged in."""
    client = Client(raise_request_exception=False)
    client.force_login(world["member"])  # password only: not verified
    failures = []
    for url in project_urls():
        if url.name in PUBLIC or url.name in SKIP_FOR_MEMBERS_OF_NOTHING or _is_format_twin(url):
            continue
        refused = admin_site_refuses(url, world["member"], verified=False)  # one GET: admin_view's redirect
        for path in concrete_paths(url, world)[: 1 if refused else 2]:
            response = client.get(path)
            if refused:
                failures += admin_refusal_failures(response, "get", path, "unverified")
            if 200 <= response.status_code < 300 and leaked(response, world["markers"]):
                failures.append(f"GET {path} ({url.name}) -> {response.status_code} with case data")
            elif response.status_code >= 500:
                failures.append(f"GET {path} ({url.name}) -> {response.status_code}")
    assert not failures, "A session without the second factor got case data:\n" + "\n".join(failures)


def _is_format_twin(url: Url) -> bool:
    return any(name == "format" for _conv, name in url.params)


def test_format_suffix_twins_do_not_crash(world):
    """DRF routers add /x.json/ beside /x/; the same view must answer it (not a 500)."""
    client = _verified_client(world["member"])
    failures = []
    for url in project_urls():
        if not _is_format_twin(url):
            continue
        path = concrete_paths(url, world)[0]
        response = client.get(path)
        if response.status_code >= 500:
            failures.append(f"GET {path} ({url.name}) -> {response.status_code}")
    assert not failures, (
        "Format-suffix URLs crash; views take **kwargs or routers use "
        "include_format_suffixes=False:\n" + "\n".join(failures)
    )


def _check(response, method, path, url, markers, failures, user):
    status = response.status_code
    who = user.username
    if status >= 500:
        failures.append(f"{who}: {method} {path} ({url.name}) -> {status} server error")
        return
    if 200 <= status < 300:
        found = leaked(response, markers)
        if found:
            failures.append(f"{who}: {method} {path} ({url.name}) -> {status} shows {sorted(found)[:3]}")
        elif response.get("Content-Type", "").startswith("application/pdf") and url.params:
            failures.append(f"{who}: {method} {path} ({url.name}) -> {status} a PDF about an object of a case")


def _snapshot(world) -> dict:
    """Everything about the cases that a stranger's request could change."""
    case_ids = [c.pk for c in world["cases"]]
    state = {
        "cases": list(
            Case.objects.filter(pk__in=case_ids)
            .order_by("pk")
            .values_list("pk", "state", "version", "title", "summary", "classification")
        )
    }
    for model in apps.get_models():
        if model._meta.app_label in LOCAL_APPS and model is not AuditRecord and _case_fk(model):
            state[model._meta.label] = model._default_manager.filter(
                **{f"{_case_fk(model)}__in" if _case_fk(model) != "case_id" else "case_id__in": case_ids}
            ).count()
    return state

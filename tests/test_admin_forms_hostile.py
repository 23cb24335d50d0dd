"""The Django admin's add and change forms, submitted with hostile values, as the web UI's forms are
(tests/test_web_forms_hostile.py, whose parser, values and multipart bodies this walk reuses).

The forms are found, not listed: for every ModelAdmin registered (`admin.site._registry`, so an admin
added later is walked too), as each staff role of the demo (the administrator, the auditor), the add
page and the change page of the first object its list shows are opened, and their post forms parsed.
Each form is sent once as the page fills it and then once per hostile value per field (very long
text, NUL and control characters, other digits, huge and negative numbers, dates that do not exist,
markup, a choice not offered, another case's id, bytes that are no UTF-8, missing, repeated), each
inside a savepoint that is rolled back. For every answer:

- no 5xx, also on the page a redirect leads to;
- no hostile markup comes back unescaped;
- a refusal (200 or 400) shows the admin's error and changes nothing (a checksum of every table of
  the apps but the audit trail, and no audit record but reads);
- a value that is no number or no date, where the field takes one, is not stored.

Seeded (`BEV_ADMINFUZZ_SEED`) and within a time budget (`BEV_ADMINFUZZ_SECONDS`, default 10 s after the forms are found):
every form meets its first hostile values before any form meets later ones.
"""

from __future__ import annotations

import io
import os
import random
import re
import time

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404

from access.models import User
from access.roles import Role
from audit.models import AuditRecord

from .factories import make_case, use_tmp_document_storage, web_session
from .test_url_walk import body_text
from .test_web_forms_hostile import (
    Form,
    Submission,
    _tables,
    audit_writes_since,
    forms_on,
    reflected,
    send,
    snapshot,
    submissions,
)

pytestmark = pytest.mark.django_db

SEED = int(os.environ.get("BEV_ADMINFUZZ_SEED", "23"))
SECONDS = float(os.environ.get("BEV_ADMINFUZZ_SECONDS", "10"))
STAFF_ROLES = (Role.ADMINISTRATOR, Role.AUDITOR)
ADMIN_ERROR_SIGNS = ('class="errornote"', 'class="errorlist')
_CHANGE_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/(\d+)/change/)')


@pytest.fixture
def world(make_user, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    with override_settings(BEV_DEMO_MODE=True):
        call_command("seed_demo", stdout=io.StringIO())
    stranger = make_user("adminfuzz_stranger", Role.CASE_OFFICER)
    hidden = make_case(officer=stranger, title="Adminfuzz-geheim: overname Onzichtbaar")
    clients = {}
    for role in STAFF_ROLES:
        person = User.objects.filter(role=role, is_active=True, is_staff=True).order_by("pk").first()
        assert person is not None, f"the demo has no staff member with the role {role}"
        clients[role.value] = web_session(Client(raise_request_exception=False), person)
    return {"clients": clients, "hidden_ids": [hidden.pk]}


def _admin_pages(client) -> list[str]:
    """The add page and the first object's change page of every registered admin the person may open."""
    pages = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(base + "add/")
        listing = client.get(base)
        if listing.status_code == 200:
            found = _CHANGE_LINK.search(listing.content.decode("utf-8", "replace"))
            if found:
                pages.append(found.group(1))
    return pages


def discover_admin_forms(world) -> tuple[list[Form], list[str]]:
    found: dict[tuple, Form] = {}
    failures = []
    for role, client in world["clients"].items():
        for path in _admin_pages(client):
            response = client.get(path)
            if response.status_code >= 500:
                failures.append(f"{role}: GET {path} -> {response.status_code}")
                continue
            if response.status_code != 200:
                continue
            for form in forms_on(path, response.content.decode("utf-8", "replace"), role):
                if form.action.endswith(("/logout/", "/i18n/setlang/")):
                    continue
                try:
                    key = form.key
                except Resolver404:
                    continue
                found.setdefault(key, form)
    return list(found.values()), failures


def judge(client, form: Form, sub: Submission, response, before, tables, mark) -> list[str]:
    where = f"{form.role}: POST {form.action} [{sub.target or '-'} = {sub.label}]"
    status = response.status_code
    if status >= 500:
        return [f"{where} -> {status}"]
    problems = []
    if found := reflected(body_text(response)):
        problems.append(f"{where} -> {status} reflects {found} unescaped")
    changed = sorted(t for t, digest in snapshot(tables).items() if before[t] != digest)
    writes = audit_writes_since(mark)
    if status in (301, 302, 303):
        follow = client.get(response["Location"])
        if follow.status_code >= 500:
            problems.append(f"{where} -> {status}, then GET {response['Location']} -> {follow.status_code}")
        if found := reflected(body_text(follow)):
            problems.append(f"{where} -> {status}, then {response['Location']} reflects {found} unescaped")
        if sub.hostile_kind and (changed or writes):
            problems.append(f"{where} -> {status}: stored a value that is no {sub.hostile_kind} ({changed or writes})")
        return problems
    if status in (200, 400):
        if changed or writes:
            problems.append(f"{where} -> {status} (refused), yet changed {changed or writes}")
        text = body_text(response)
        if sub.target is not None and sub.hostile_kind and not any(sign in text for sign in ADMIN_ERROR_SIGNS):
            problems.append(f"{where} -> {status} without a visible error")
        return problems
    if status in (403, 404, 405, 409, 429):
        if changed or writes:
            problems.append(f"{where} -> {status}, yet changed {changed or writes}")
        return problems
    return [*problems, f"{where} -> unexpected {status}"]


def submit(client, form: Form, sub: Submission, before, tables) -> list[str]:
    mark = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        response = send(client, form, sub.data)
        problems = judge(client, form, sub, response, before, tables, mark)
        transaction.set_rollback(True)
    return problems


@pytest.mark.slow  # as the web forms walk: not again with the fast paths off
def test_every_admin_form_survives_hostile_values(world):
    started = time.monotonic()
    forms, failures = discover_admin_forms(world)
    views = {f.key[0] for f in forms}
    # The walk is not vacuous: the people and the configuration an administrator keeps are found.
    assert {"admin:access_user_change", "admin:access_user_add"} <= views, sorted(views)
    tables = _tables()
    rng = random.Random(SEED)
    targets = [
        (form, world["clients"][form.role], submissions(form, world, rng), snapshot(tables))
        for form in sorted(forms, key=lambda f: f.key)
    ]
    deadline = time.monotonic() + SECONDS
    sent = 0
    for round_ in range(max(len(subs) for _f, _c, subs, _b in targets)):
        for form, client, subs, before in targets:
            if round_ < len(subs) and time.monotonic() < deadline:
                failures += submit(client, form, subs[round_], before, tables)
                sent += 1
    total = sum(len(subs) for _f, _c, subs, _b in targets)
    print(
        f"\n{len(forms)} admin forms ({sorted(views)}), {sent} of {total} submissions, {time.monotonic() - started:.0f} s"
    )
    assert not failures, f"Hostile admin input (seed {SEED}):\n" + "\n".join(failures[:80])


@pytest.mark.parametrize("definition", ["1e309", "[]", '"tekst"', "{}"])
def test_a_framework_definition_refused_is_a_form_error(client, make_user, definition):
    """What the walk found: any definition validate_definition refuses was a 500 (its dict error
    raised from the field's clean); now the admin's error at the field, nothing stored."""
    from assessments.models import FrameworkVersion

    beheer = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    web_session(client, beheer)
    count = FrameworkVersion.objects.count()
    response = client.post(
        "/admin/assessments/frameworkversion/add/", {"name": "Webfuzz", "notes": "", "definition": definition}
    )
    assert response.status_code == 200, response.status_code
    assert "definition" in response.context["adminform"].form.errors
    assert FrameworkVersion.objects.count() == count

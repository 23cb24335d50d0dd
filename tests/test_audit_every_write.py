"""Every successful write leaves a trace: any request that changes the service's data (a
successful POST, PUT, PATCH or DELETE through the API, the web UI or the admin that wrote rows)
has an audit record with its request id, and reading a case file or a position is recorded too.

Walks the resolver like tests/test_url_walk.py, as demo people of every acting role on the demo
cases, so writes added later are covered without changing this file."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.models import User
from audit.models import AuditRecord

from .test_url_walk import (  # noqa: F401
    METHODS,
    _request,
    _verified_client,
    admin_refusal_failures,
    admin_site_refuses,
    concrete_paths,
    methods_answered,
    project_urls,
    world,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ACTORS = ["casus", "risico", "kabinet", "fonds", "kamer", "beheer"]
NOT_A_CHANGE = {"access:login", "access:logout", "admin:login", "admin:logout", "set_language", "access:enrol"}
READS = {"case-detail", "position-detail"}
# Bookkeeping of the machinery, not the service's data.
IGNORED_TABLES = re.compile(r"^(django_session|axes_|audit_auditrecord|otp_|authtoken_|access_user$)")
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _tables_written(queries) -> set[str]:
    tables = set()
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and not IGNORED_TABLES.match(match.group(1)):
            tables.add(match.group(1))
    return tables


def test_every_successful_write_has_an_audit_record(world):
    unrecorded = []
    writes = 0
    for username in ACTORS:
        user = User.objects.get(username=username)
        client = _verified_client(user)
        for url in project_urls():
            if url.name in NOT_A_CHANGE or any(name == "format" for _c, name in url.params):
                continue
            # The admin site refusing this person (not staff): one POST, which must be admin_view's
            # redirect to its login before any view runs, as every method on every id would be.
            refused = admin_site_refuses(url, user)
            for path in concrete_paths(url, world)[: 1 if refused else 2]:
                for method in ["post"] if refused else methods_answered(path, METHODS[1:]):
                    with CaptureQueriesContext(connection) as queries:
                        response = _request(client, method, path, api=path.startswith("/api/"))
                    tables = _tables_written(queries.captured_queries)
                    if refused:
                        unrecorded += admin_refusal_failures(response, method, path, username)
                    if response.status_code >= 400 or not tables:
                        continue  # refused (and rolled back), or nothing written
                    writes += 1
                    request_id = response.get("X-Request-ID", "")
                    if not AuditRecord.objects.filter(request_id=request_id).exists():
                        unrecorded.append(
                            f"{username}: {method.upper()} {path} ({url.name}) -> "
                            f"{response.status_code} wrote {sorted(tables)} without an audit record"
                        )
    assert writes, "the walk made no successful write at all: it proves nothing"
    assert not unrecorded, "Writes without a trace:\n" + "\n".join(unrecorded)


def test_reading_a_case_file_or_a_position_is_recorded(world):
    user = User.objects.get(username="fonds")
    client = _verified_client(user)
    checked = 0
    for url in project_urls():
        if url.name not in READS:
            continue
        for path in concrete_paths(url, world):
            response = client.get(path)
            if response.status_code != 200:
                continue
            checked += 1
            assert AuditRecord.objects.filter(
                request_id=response["X-Request-ID"], action="read", actor=user
            ).exists(), path
    assert checked, "no case file or position was readable: the test proves nothing"

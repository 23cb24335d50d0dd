"""Query parameters that take an id are no oracle (issue 22, "Leaks and oracles"): an id of an
object the person may not see and an id that does not exist get the same answer (status and body),
and a malformed id (not a number, a NUL, beyond PostgreSQL's bigint) is a 400, never a 500."""

from __future__ import annotations

import io
import re

import django_filters
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import get_resolver
from rest_framework.test import APIClient

from access.roles import Role
from audit.models import AuditRecord
from bev.models import JournalEntry, Position
from cases.models import Case
from core.classification import Classification

from .factories import UserFactory, web_session

pytestmark = pytest.mark.django_db

MISSING = "987654321"
User = get_user_model()

# Every query parameter of the API (and the web's audit trail) that takes the id of a case or of an
# object of one: (path, parameter, what the id names, numeric).
ID_PARAMETERS = [
    ("/api/positions/", "case", "case", True),
    ("/api/investment-proposals/", "case", "case", True),
    ("/api/assessments/", "case", "case", True),
    ("/api/letters/", "case", "case", True),
    ("/api/audit/", "case", "case", True),
    ("/api/audit/", "object_id", "audited object", False),
    ("/api/fund/ledger/", "position", "position", True),
]
WEB_ID_PARAMETERS = [("/audit/", "case")]
# Parameters named like an id that name no object of a case.
NOT_CASE_IDS = {("/api/audit/", "request_id")}  # a request's id, shown for every record, masked or not
# A parameter that names an object only with another one beside it: the audit trail's object_id with
# its object_type (an id is unique only within its type).
WITH = {("/api/audit/", "object_id"): {"object_type": "audited object type"}}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data, seeded once per module (and xdist worker) instead of once per test: in a
    transaction rolled back after the module's last test. Each test runs inside it in a savepoint of
    its own (pytest-django's atomic), rolled back after the test, so no test sees another's writes."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        # object_id is text shared by every object type, and on a fresh database the people's ids (1, 2,
        # ...) are the case's objects' ids too: their records, outside any case, would answer for the
        # case's. People get ids of their own (on a used database the sequences' luck gave them).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 100000)", [User._meta.db_table])
        with override_settings(BEV_DEMO_MODE=True):
            call_command("seed_demo", stdout=io.StringIO())
        hidden = Case.objects.get(pk=JournalEntry.objects.filter(description__startswith="Storting").get().case_id)
        # An auditor (audit.view, fund.view) on no team: every case is hidden from them.
        stranger = UserFactory(
            username="id_stranger", role=Role.AUDITOR, clearance=Classification.GEHEIM, is_staff=True
        )
        position = Position.objects.filter(case=hidden).first()
        seen = AuditRecord.objects.filter(case_id__isnull=True).values("object_id")  # an id no one may see
        record = (
            AuditRecord.objects.filter(case_id=hidden.pk)
            .exclude(object_id="")
            .exclude(object_id__in=seen)
            .order_by("id")
        ).first()
        ids = {
            "case": str(hidden.pk),
            "position": str(position.pk),
            "audited object": record.object_id,
            "audited object type": record.object_type,
        }
    yield {"stranger": stranger, "hidden": hidden, "ids": ids}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        assert not Case.objects.exists(), "the demo data outlived the module"  # rolled back, not committed


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _answer(response) -> tuple[int, bytes]:
    return response.status_code, response.content


@pytest.mark.parametrize(
    ("path", "param", "names", "numeric"), ID_PARAMETERS, ids=[f"{p}?{q}" for p, q, _n, _i in ID_PARAMETERS]
)
def test_an_invisible_id_answers_as_a_missing_one(db, world, path, param, names, numeric):
    client = _api(world["stranger"])
    beside = {name: world["ids"][value] for name, value in WITH.get((path, param), {}).items()}
    invisible = client.get(path, {param: world["ids"][names], **beside})
    missing = client.get(path, {param: MISSING, **beside})
    assert invisible.status_code < 500 and (invisible.status_code == 200 or not beside)
    assert _answer(invisible) == _answer(missing), (invisible.content, missing.content)
    assert world["hidden"].title not in invisible.content.decode()


@pytest.mark.parametrize(
    ("path", "param", "names", "numeric"), ID_PARAMETERS, ids=[f"{p}?{q}" for p, q, _n, _i in ID_PARAMETERS]
)
def test_a_malformed_id_is_a_400_at_the_parameter(make_user, path, param, names, numeric):
    client = _api(make_user("id_auditor", Role.AUDITOR))
    beside = {name: "cases.case" for name in WITH.get((path, param), {})}
    for value in ["abc", "1\x00", "１", str(2**70), "-1", "1.5"]:
        response = client.get(path, {param: value, **beside})
        if not numeric and value not in ("1\x00", "１"):
            # an audited object's id is text ("chain", a username): any text is a lookup, found or not
            assert response.status_code == 200, value
            continue
        assert response.status_code == 400, (value, response.content)
        assert param in response.json(), value


@pytest.mark.parametrize(("path", "param"), WEB_ID_PARAMETERS)
def test_the_web_answers_an_invisible_id_as_a_missing_one(db, client, world, path, param):
    web_session(client, world["stranger"])
    invisible = client.get(path, {param: world["ids"]["case"]})
    missing = client.get(path, {param: MISSING})
    # The filter's page with the same error at the field for both (it was a 404 page for both).
    assert invisible.status_code == missing.status_code == 400
    error = re.compile(rf'id="id_{param}_error">(.*?)</div>', re.S)
    said = [error.search(response.content.decode()) for response in (invisible, missing)]
    assert said[0] and said[1] and said[0].group(1) == said[1].group(1)
    assert world["hidden"].title not in invisible.content.decode()
    assert client.get(path, {param: "1\x00"}).status_code == 400


def test_every_id_filter_of_the_api_is_covered():
    """A filter added later that takes an id (a number or a model choice, or named after an id) must
    be added to ID_PARAMETERS above, so that it is tested for the oracle."""
    covered = {(path, param) for path, param, _names, _numeric in ID_PARAMETERS} | NOT_CASE_IDS
    id_like = (django_filters.NumberFilter, django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)
    uncovered = []
    for pattern, prefix in _api_views(get_resolver().url_patterns, ""):
        view = getattr(pattern.callback, "cls", None)
        if view is None:
            continue
        assert not {"case", "position", "assessment", "letter"} & set(getattr(view, "filterset_fields", None) or []), (
            f"{view.__name__}: a relation in filterset_fields checks ids against every row (use IdFilter)"
        )
        filterset = getattr(view, "filterset_class", None)
        if filterset is None:
            continue
        for name, filter_ in filterset.base_filters.items():
            if isinstance(filter_, id_like) or name in ("case", "position") or name.endswith("id"):
                path = "/" + re.sub(r"[\^$]", "", prefix + str(pattern.pattern))
                if not any(param == name and path.startswith(p) for p, param in covered):
                    uncovered.append(f"{path}?{name} ({view.__name__})")
    assert not uncovered, "Id filters not in ID_PARAMETERS:\n" + "\n".join(sorted(set(uncovered)))


def _api_views(patterns, prefix):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif (prefix + str(pattern.pattern)).startswith("api/"):
            yield pattern, prefix

"""The audit API's `object_id` filter names an object only together with its type: a person and a case
(or a position and a letter) may share an id, so `object_id` alone is a 400 at the field, not a mix
of every object's records that has that id."""

import pytest

from access.roles import Role
from audit.log import audit_log
from audit.models import AuditRecord
from cases.services import case_team_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user, case, officer):
    auditor = make_user("auditor", Role.AUDITOR)
    case_team_add(user=officer, case=case, member=auditor, role=Role.AUDITOR)
    return auditor


def test_an_object_id_needs_its_type(api, case, officer, auditor):
    shared = str(case.pk)  # a person with the case's id
    audit_log(
        actor=officer,
        action=AuditRecord.Action.UPDATE,
        event="user.update",
        object_type="access.user",
        object_id=shared,
        object_repr="Een persoon",
    )
    alone = api(auditor).get("/api/audit/", {"object_id": shared})
    assert alone.status_code == 400, alone.content
    assert "object_type" in alone.json()["object_id"][0]
    as_case = api(auditor).get("/api/audit/", {"object_id": shared, "object_type": "cases.case"})
    assert as_case.status_code == 200
    records = as_case.json()["results"]
    assert records and {r["object_type"] for r in records} == {"cases.case"}
    as_user = api(auditor).get("/api/audit/", {"object_id": shared, "object_type": "access.user"})
    assert [r["object_repr"] for r in as_user.json()["results"]] == ["Een persoon"]

"""Reading a case file (`cases.selectors.case_get`, GET /api/cases/{id}/): on PostgreSQL the case
and its categories are one statement, the audited read one INSERT; what it answers is what the
plain reads give (the categories in order, as rows of the prefetch cache), and need-to-know holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.roles import Role
from audit.models import AuditRecord
from cases.models import CaseCategory
from cases.selectors import case_get
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer, assessor):
    return make_case(
        officer=officer,
        team={assessor: Role.RISK_ASSESSOR},
        categories=["wbni", "defence_intelligence_supplier", "sensitive_technology"],
    )


def test_the_case_file_is_two_statements(api, officer, case):
    client = api(officer)
    client.get(f"/api/cases/{case.pk}/")  # the compiled reads and serializers, once per process
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/api/cases/{case.pk}/").json()
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        # the case with its categories, the audit record (was three: the categories on their own)
        assert statements == ["SELECT", "INSERT"], statements
    assert body["categories"] == ["defence_intelligence_supplier", "sensitive_technology", "wbni"]
    record = AuditRecord.objects.filter(event="case.read", case_id=case.pk).latest("id")
    assert (record.object_type, record.object_id, record.object_repr) == ("cases.case", str(case.pk), str(case))


def test_the_categories_are_the_rows_the_plain_read_gives(officer, case):
    read = case_get(user=officer, case_id=case.pk, audit_read=False)
    by_reference = case_get(user=officer, case_id=case.reference, audit_read=False)  # the plain path
    rows = list(read.category_rows.all())
    assert [(r.pk, r.case_id, r.category) for r in rows] == [
        (r.pk, r.case_id, r.category) for r in CaseCategory.objects.filter(case=case).order_by("category")
    ]
    assert [(r.pk, r.category) for r in by_reference.category_rows.all()] == [(r.pk, r.category) for r in rows]
    assert all(not r._state.adding for r in rows)
    assert list(read.category_rows.filter(category="wbni").values_list("category", flat=True)) == ["wbni"]


def test_off_the_team_the_case_file_does_not_exist(api, officer, case, make_user):
    outsider = make_user("buitenstaander", Role.CASE_OFFICER)
    before = AuditRecord.objects.filter(event="case.read").count()
    assert api(outsider).get(f"/api/cases/{case.pk}/").status_code == 404
    assert api(officer).get("/api/cases/999999999/").status_code == 404
    assert api(officer).get("/api/cases/nonsense/").status_code == 404
    assert AuditRecord.objects.filter(event="case.read").count() == before

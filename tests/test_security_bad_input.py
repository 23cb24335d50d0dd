"""Absurd input found by the fuzzer (scripts/fuzz_api.sh) is refused, never a server error."""

import pytest

from access.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/assessments/?case=-4.8243587144087686e%2B107",
        "/api/letters/?case=-1.7976931348623157e%2B308",
        "/api/cases/?page=99999999999999999999999",
        "/api/cases/99999999999999999999999/",
    ],
)
def test_huge_numbers_are_not_a_server_error(api, officer, path):
    assert api(officer).get(path).status_code < 500


def test_huge_case_id_in_the_audit_trail_is_a_field_error(api, make_user):
    auditor = make_user("auditor", Role.AUDITOR)
    response = api(auditor).get("/api/audit/?case=99999999999999999999999")
    assert response.status_code == 400 and "case" in response.json()

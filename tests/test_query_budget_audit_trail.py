"""Query budgets of the readable audit trail (issue 23's left-overs): a team change names the member
by their name, read once for the page's rows, not once per row. The case's trail (`cases:audit`), the
whole trail (`audit:trail`) and its CSV export each answer in the same number of queries with two team
changes as with twenty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.roles import Role
from tests.factories import web_session

pytestmark = [pytest.mark.django_db]

# Queries on PostgreSQL for a verified session (session, person, second factor), in the test's
# transaction (a write is a savepoint, the write and its release): the case's trail reads the case and
# records the reading, the export records itself; then the page's count and rows, the cases they name
# and the people the team changes name (one query for all rows; one per row before: 24 -> 44).
BUDGET = {"case_trail": 15, "trail": 10, "export": 12}


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


def _queries(client, url, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response.content.decode()


def _team_changes(case, officer, make_user, n: int, start: int):
    from cases.services import case_team_add, case_team_remove

    for i in range(start, start + n):
        member = make_user(f"lid{i}", Role.RISK_ASSESSOR, first_name="Lid", last_name=f"Nummer {i}")
        case_team_add(user=officer, case=case, member=member, role=Role.RISK_ASSESSOR)
        case_team_remove(user=officer, case=case, member=member)


@pytest.mark.parametrize(
    "page",
    [
        ("case_trail", lambda case: reverse("cases:audit", args=[case.pk]), {}),
        ("trail", lambda case: reverse("audit:trail"), {"user": "officer"}),
        ("export", lambda case: reverse("audit:export"), {"user": "officer"}),
    ],
    ids=["case_trail", "trail", "export"],
)
def test_team_changes_cost_no_query_per_row(
    client, case, officer, auditor, make_user, page, django_assert_max_num_queries
):
    from cases.services import case_team_add

    name, url, params = page
    case_team_add(user=officer, case=case, member=auditor, role=Role.AUDITOR)
    _team_changes(case, officer, make_user, 1, 0)
    web_session(client, auditor)
    client.get(url(case), params)  # keeps the menu's count of "Mijn werk" (core.work_count): not measured here
    with django_assert_max_num_queries(BUDGET[name]):
        small, body = _queries(client, url(case), params)
    assert "Lid Nummer 0 (EZK-risicobeoordelaar)" in body
    _team_changes(case, officer, make_user, 10, 1)
    client.get(url(case), params)
    with django_assert_max_num_queries(BUDGET[name]):
        large, body = _queries(client, url(case), params)
    assert "Lid Nummer 10 (EZK-risicobeoordelaar)" in body
    assert small == large, f"{name}: {small} queries with 2 team changes, {large} with 22"

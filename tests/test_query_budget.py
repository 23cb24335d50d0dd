"""Query budgets: every list and detail endpoint answers in a fixed number of queries, whatever the
page size and however many cases, events, positions, ledger entries or letters there are.

Each test reads an endpoint twice, once with little data and a small page and once with more data
and a larger page, asserts both within the endpoint's budget (django_assert_max_num_queries) and
asserts the two counts are equal (no N+1 that grows with the data). The budgets are what the
endpoints need today on PostgreSQL; raise one only with a reason.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.roles import Role
from tests.factories import (
    add_liaisons,
    approve_assessment,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    make_case,
)

pytestmark = [pytest.mark.fastpaths, pytest.mark.django_db]

# Queries per request on PostgreSQL (the authenticated user is given, as DRF's force_authenticate
# does; token authentication adds one). A read of one case file, position or assessment is audited:
# one INSERT (the sealer chains it after commit). Each test runs inside a transaction, so a service
# or selector that opens one of its own adds a savepoint and its release here.
BUDGET = {
    "case_list": 3,
    "case_detail": 3,  # the case, its categories, the audit record
    "case_timeline": 2,  # the case, its events
    "case_team": 3,
    "case_deadlines": 3,
    "case_cabinet_decisions": 3,
    "fund_overview": 4,
    "fund_ledger": 4,
    "position_list": 2,
    "position_detail": 3,  # the position, its figures, flows, valuations and sales (one UNION ALL), the audit
    # record; +1 for its rights, +1 for its conditions, when it has any
    "assessment_list": 2,
    "assessment_detail": 4,  # the row, the audit record, its records and people (one UNION ALL), its advice
    "letter_list": 2,
    "letter_detail": 3,  # + the generated versions' text, for figures_not_generated
}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries)


def _assert_constant(django_assert_max_num_queries, client, name: str, small_url: str, grow, large_url: str):
    with django_assert_max_num_queries(BUDGET[name]):
        small = _queries(client, small_url)
    grow()
    with django_assert_max_num_queries(BUDGET[name]):
        large = _queries(client, large_url)
    assert small == large, f"{name}: {small} queries with little data, {large} with more (an N+1?)"


@pytest.fixture
def team(officer, officer2, assessor, assessor2, secretariat, secretariat2, manager, manager2):
    return {
        officer2: Role.CASE_OFFICER,
        assessor: Role.RISK_ASSESSOR,
        assessor2: Role.RISK_ASSESSOR,
        secretariat: Role.CABINET_SECRETARIAT,
        secretariat2: Role.CABINET_SECRETARIAT,
        manager: Role.FUND_MANAGER,
        manager2: Role.FUND_MANAGER,
    }


def _more_cases(officer, team, n: int):
    for i in range(n):
        make_case(
            officer=officer,
            team=team,
            title=f"Signaal {i}",
            categories=["vital_provider", "wbni", "sensitive_technology"][: 1 + i % 3],
        )


# ------------------------------------------------------------------------------------------------
# The case file
# ------------------------------------------------------------------------------------------------
def test_case_list_is_constant_in_page_size_and_cases(api, officer, team, django_assert_max_num_queries):
    _more_cases(officer, team, 2)
    client = api(officer)
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "case_list",
        "/api/cases/?page_size=2",
        lambda: _more_cases(officer, team, 8),
        "/api/cases/?page_size=50&state=signal",
    )


def test_case_detail_and_its_lists_are_constant_in_history(api, officer, case, team, django_assert_max_num_queries):
    from cases.services import case_resume, case_suspend, case_transition

    client = api(officer)

    def more_history():
        for _ in range(5):
            case_suspend(user=officer, case=case, reason="Wachten op informatie.")
            case_resume(user=officer, case=case, reason="Informatie ontvangen.")
        case_transition(user=officer, case=case, name="start_intake")
        _more_cases(officer, team, 3)

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "case_detail",
        f"/api/cases/{case.pk}/",
        lambda: None,
        f"/api/cases/{case.pk}/",
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "case_timeline",
        f"/api/cases/{case.pk}/timeline/",
        more_history,
        f"/api/cases/{case.pk}/timeline/",
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "case_detail",
        f"/api/cases/{case.pk}/",
        lambda: None,
        f"/api/cases/{case.pk}/",
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "case_team",
        f"/api/cases/{case.pk}/team/",
        lambda: None,
        f"/api/cases/{case.pk}/team/",
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "case_deadlines",
        f"/api/cases/{case.pk}/deadlines/",
        lambda: None,
        f"/api/cases/{case.pk}/deadlines/",
    )


def test_cabinet_decisions_list_is_constant(
    api, officer, case, secretariat, secretariat2, django_assert_max_num_queries
):
    from cases.models import Case
    from cases.services import cabinet_decision_record, cabinet_decision_reject

    client = api(officer)
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")

    def decide():
        # a second decision in the round once the first is rejected (a confirmed one closes the round)
        fresh = Case.objects.get(pk=case.pk)
        decision = cabinet_decision_record(
            user=secretariat, case=fresh, meeting_date=date.today(), reference="MR-1", deploy=False
        )
        cabinet_decision_reject(user=secretariat2, decision=decision, reason="Verkeerde casus.")
        cabinet_decision_record(
            user=secretariat2,
            case=fresh,
            meeting_date=date.today(),
            reference="MR-2",
            deploy=True,
            instruments=["equity"],
            max_amount=Decimal("25000000.00"),
        )

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "case_cabinet_decisions",
        f"/api/cases/{case.pk}/cabinet-decisions/",
        decide,
        f"/api/cases/{case.pk}/cabinet-decisions/",
    )


# ------------------------------------------------------------------------------------------------
# The fund
# ------------------------------------------------------------------------------------------------
def _invested_case(officer, team, secretariat, secretariat2, manager, manager2, amount="1000000"):
    case = make_case(officer=officer, team=team)
    case = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(case, proposer=manager, approver=manager2, amount=Decimal(amount))


@pytest.fixture
def fund_with_position(officer, team, secretariat, secretariat2, manager, manager2):
    fund_with_tranches(user=manager)
    return _invested_case(officer, team, secretariat, secretariat2, manager, manager2)


def _more_positions_and_entries(officer, team, secretariat, secretariat2, manager, manager2, position):
    from bev.services import reservation_book, reservation_release, valuation_record

    for i in range(3):
        _invested_case(officer, team, secretariat, secretariat2, manager, manager2, amount="250000")
    for i in range(4):
        reservation_book(user=manager, position=position, amount=Decimal("1000"), idempotency_key=f"qb-res-{i}")
        reservation_release(user=manager, position=position, amount=Decimal("1000"), idempotency_key=f"qb-rel-{i}")
    for month in (1, 2, 3):
        valuation_record(
            user=manager,
            position=position,
            valued_on=timezone.localdate(),  # invested today: not valued before it
            fair_value=Decimal("1100000"),
            method="multiples",
        )


def test_fund_overview_and_ledger_are_constant_in_ledger_size(
    api, officer, team, secretariat, secretariat2, manager, manager2, fund_with_position, django_assert_max_num_queries
):
    client = api(manager)

    def grow():
        return _more_positions_and_entries(
            officer,
            team,
            secretariat,
            secretariat2,
            manager,
            manager2,
            fund_with_position,
        )

    _assert_constant(django_assert_max_num_queries, client, "fund_overview", "/api/fund/", grow, "/api/fund/")
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "fund_ledger",
        "/api/fund/ledger/?page_size=2",
        lambda: None,
        "/api/fund/ledger/?page_size=50",
    )


def test_positions_are_constant_in_positions_and_entries(
    api, officer, team, secretariat, secretariat2, manager, manager2, fund_with_position, django_assert_max_num_queries
):
    client = api(manager)
    position = fund_with_position

    def grow():
        return _more_positions_and_entries(
            officer,
            team,
            secretariat,
            secretariat2,
            manager,
            manager2,
            position,
        )

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "position_detail",
        f"/api/positions/{position.pk}/",
        grow,
        f"/api/positions/{position.pk}/",
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "position_list",
        "/api/positions/?page_size=1",
        lambda: None,
        "/api/positions/?page_size=50",
    )


# ------------------------------------------------------------------------------------------------
# Assessments
# ------------------------------------------------------------------------------------------------
def _case_with_assessment(officer, team, assessor, assessor2):
    from cases.services import case_transition

    case = make_case(officer=officer, team=team)
    case = case_transition(user=officer, case=case, name="start_intake")
    case = case_transition(user=officer, case=case, name="start_assessment")
    return approve_assessment(case, lead=assessor, approver=assessor2)


def test_assessments_are_constant_in_count(api, officer, team, assessor, assessor2, django_assert_max_num_queries):
    first = _case_with_assessment(officer, team, assessor, assessor2)
    client = api(assessor)

    def more():
        for _ in range(2):
            _case_with_assessment(officer, team, assessor, assessor2)

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "assessment_detail",
        f"/api/assessments/{first.pk}/",
        lambda: None,
        f"/api/assessments/{first.pk}/",
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "assessment_list",
        "/api/assessments/?page_size=1",
        more,
        "/api/assessments/?page_size=50",
    )


# ------------------------------------------------------------------------------------------------
# Letters to parliament
# ------------------------------------------------------------------------------------------------
def _drafts():
    from parliament.services import letter_drafts_make, pending_letter_request_ids

    return [d for request_id in pending_letter_request_ids() for d in letter_drafts_make(request_id=request_id)]


def test_letters_are_constant_in_count(
    api, make_user, officer, team, secretariat, secretariat2, manager, manager2, django_assert_max_num_queries
):
    liaison = make_user("liaison", Role.PARLIAMENTARY_LIAISON)
    fund_with_tranches(user=manager)
    position = _invested_case(officer, team, secretariat, secretariat2, manager, manager2)
    add_liaisons(position.case, by=officer, liaisons=[liaison])
    letter = _drafts()[0]
    client = api(liaison)

    def more():
        for _ in range(2):
            other = _invested_case(officer, team, secretariat, secretariat2, manager, manager2, amount="100000")
            add_liaisons(other.case, by=officer, liaisons=[liaison])
        _drafts()

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "letter_detail",
        f"/api/letters/{letter.pk}/",
        lambda: None,
        f"/api/letters/{letter.pk}/",
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "letter_list",
        "/api/letters/?page_size=1",
        more,
        "/api/letters/?page_size=50",
    )

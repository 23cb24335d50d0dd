"""Query budgets of "Mijn werk" (issue 23's left-overs): the inbox page reads what waits on a person
in a fixed number of queries however many cases and tasks there are, and the menu's count of those
tasks costs a page at most a few queries (kept per person, counted again after any change).

Same method as tests/test_query_budget.py: each page is read once with little data and once with
more, both within the budget (django_assert_max_num_queries), the larger one really listing more
tasks, and the two counts equal (no query per case or per task)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from cases.models import Case
from tests.factories import (
    case_to_investment_preparation,
    fill_initial_assessment,
    fund_with_tranches,
    invest_in_case,
    make_case,
    start_risk_assessment,
    web_session,
)

pytestmark = [pytest.mark.django_db]

# Queries of the inbox page on PostgreSQL, for a person whose session is verified: the session and
# its person (2), their second factor (1), the session saved (3), then the sources
# (core.extensions.work_sources): 10 to 20 by role today, the same with 2 tasks or 6. Before, each
# source read the open cases again and the guards, four eyes and permissions asked per case or per
# letter (officer 28 -> 36, assessor 27 -> 36, manager 25 -> 28, liaison 19 -> 21 for one more round).
# The proposals to reverse a booking (bev.work._reversal_items) cost the fund managers and the EZK
# officials who approve fees one query, whatever their number (manager 19 -> 20, officer 18 -> 19); the
# proposals to repay EZK's loan (bev.work._loan_repayment_items, four eyes) one more for the fund
# managers, whatever their number (manager 20 -> 21); the proposals to pay EZK interest
# (bev.work._loan_payment_items: four eyes since interest payments need a second fund manager) are
# another model with its own table, so one more query for the fund managers, whatever their number
# (manager 21 -> 22).
INBOX_BUDGET = 22
# Queries of a page that shows little but the menu (the settings page): the session, the person and
# their second factor, the session saved (3, in the test's transaction); "Mijn werk"'s count is kept
# and adds none (it cost 6-18 before, growing with the cases).
MENU_PAGE_BUDGET = 6

ROW = re.compile(r"<tr[^>]*>\s*<td>(?P<kind>.*?)</td>", re.S)
COUNT = re.compile(r'class="nav-count"[^>]*>(\d+)<')


@pytest.fixture
def advisor(make_user):
    return make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")


@pytest.fixture
def liaison(make_user):
    return make_user("liaison", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def team(officer2, assessor, assessor2, secretariat, secretariat2, manager, manager2, liaison, advisor):
    return {
        advisor: Role.DEPARTMENT_ADVISOR,
        officer2: Role.CASE_OFFICER,
        assessor: Role.RISK_ASSESSOR,
        assessor2: Role.RISK_ASSESSOR,
        secretariat: Role.CABINET_SECRETARIAT,
        secretariat2: Role.CABINET_SECRETARIAT,
        manager: Role.FUND_MANAGER,
        manager2: Role.FUND_MANAGER,
        liaison: Role.PARLIAMENTARY_LIAISON,
    }


def _grow(n, *, officer, team, assessor, assessor2, secretariat, secretariat2, manager, manager2, advisor):
    """`n` rounds of cases in every open stage that makes work for someone: a signal and an intake
    (the officers), one entering risk assessment and one with an assessment to review and advice to
    give (the assessors, the advisor), one waiting for the kabinetsbesluit (the secretariat), one in
    investment preparation and one with a disbursement to approve (the fund managers) and the
    letters its transactions ask for (the liaison)."""
    from assessments.services import assessment_start, assessment_submit, consultation_request
    from bev.services import disbursement_propose, position_create
    from cases.services import case_transition
    from parliament.services import letter_drafts_make, pending_letter_request_ids

    for i in range(n):
        make_case(officer=officer, team=team, title=f"Signaal {i}")
        intake = make_case(officer=officer, team=team, title=f"Intake {i}")
        case_transition(user=officer, case=intake, name="start_intake")
        start_risk_assessment(make_case(officer=officer, team=team, title=f"Risico {i}"), officer=officer)
        reviewed = start_risk_assessment(
            make_case(officer=officer, team=team, title=f"Beoordeling {i}"), officer=officer
        )
        assessment = assessment_start(user=assessor, case=reviewed)
        consultation_request(
            user=assessor,
            assessment=assessment,
            ministry="jenv",
            advisor=advisor,
            question=f"Advies {i}?",
            covers=["state_actor_influence"],
            due_date=timezone.localdate() + timedelta(days=5),
        )
        draft = assessment_start(
            user=assessor2, case=start_risk_assessment(make_case(officer=officer, team=team), officer=officer)
        )
        fill_initial_assessment(draft, lead=assessor2)
        assessment_submit(user=assessor2, assessment=draft)
        Case.objects.filter(pk=make_case(officer=officer, team=team, title=f"Besluit {i}").pk).update(
            state="cabinet_decision"
        )
        case_to_investment_preparation(
            make_case(officer=officer, team=team, title=f"Voorbereiding {i}"),
            recorder=secretariat,
            confirmer=secretariat2,
            propose=False,
        )
        invested = case_to_investment_preparation(
            make_case(officer=officer, team=team, title=f"Investering {i}"),
            recorder=secretariat,
            confirmer=secretariat2,
            max_amount=Decimal("1000000"),
        )
        invest_in_case(invested, proposer=manager, approver=manager2, amount=Decimal("100000"))
        proposed = case_to_investment_preparation(
            make_case(officer=officer, team=team, title=f"Uitbetaling {i}"),
            recorder=secretariat,
            confirmer=secretariat2,
            max_amount=Decimal("1000000"),
        )
        position = position_create(user=manager, case=proposed, instrument="equity", ownership_percent=Decimal("5"))
        disbursement_propose(
            user=manager, position=position, amount=Decimal("50000"), idempotency_key=f"work-budget-{position.pk}"
        )
    for request_id in pending_letter_request_ids():
        letter_drafts_make(request_id=request_id)


def _page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    count = COUNT.search(body)
    return len(ctx.captured_queries), len(ROW.findall(body)), int(count.group(1)) if count else 0


PEOPLE = ["officer", "officer2", "assessor", "assessor2", "secretariat", "manager", "manager2", "liaison", "advisor"]


def _inbox(client, user, django_assert_max_num_queries):
    client.logout()
    web_session(client, user)
    with django_assert_max_num_queries(INBOX_BUDGET):
        return _page(client, reverse("core:home"))


def test_the_inbox_is_constant_in_cases_and_tasks(
    client,
    request,
    officer,
    team,
    assessor,
    assessor2,
    secretariat,
    secretariat2,
    manager,
    manager2,
    advisor,
    django_assert_max_num_queries,
):
    """Every person's inbox reads the same number of queries with one round of cases as with two (the
    sources read the person's open cases once, the guards' facts once for all cases, the four-eyes
    authors once for all assessments)."""
    fund_with_tranches(user=manager)
    people = {name: request.getfixturevalue(name) for name in PEOPLE}
    grow = dict(
        officer=officer,
        team=team,
        assessor=assessor,
        assessor2=assessor2,
        secretariat=secretariat,
        secretariat2=secretariat2,
        manager=manager,
        manager2=manager2,
        advisor=advisor,
    )
    _grow(1, **grow)
    small = {name: _inbox(client, person, django_assert_max_num_queries) for name, person in people.items()}
    _grow(1, **grow)
    large = {name: _inbox(client, person, django_assert_max_num_queries) for name, person in people.items()}
    for name in people:
        (small_queries, small_rows, small_count), (large_queries, large_rows, large_count) = small[name], large[name]
        assert large_rows > small_rows, f"{name}: {large_rows} tasks with more cases, {small_rows} with fewer"
        assert small_count == small_rows and large_count == large_rows, f"{name}: the menu counts what the inbox lists"
        assert small_queries == large_queries, (
            f"{name}: {small_queries} queries with {small_rows} tasks, {large_queries} with {large_rows}"
        )


# ------------------------------------------------------------------------------------------------
# The menu's count on every other page
# ------------------------------------------------------------------------------------------------
def _menu(client, user):
    client.logout()
    return _page(web_session(client, user), reverse("access:settings"))


def _menu_queries(client, user, django_assert_max_num_queries):
    client.logout()
    web_session(client, user)
    with django_assert_max_num_queries(MENU_PAGE_BUDGET):
        return _page(client, reverse("access:settings"))


def test_the_menu_count_costs_a_page_no_queries_once_kept(client, officer, team, django_assert_max_num_queries):
    def more(n):
        for i in range(n):
            make_case(officer=officer, team=team, title=f"Signaal {i}")

    more(2)
    first = _menu(client, officer)  # counts, and keeps the count
    small, _rows, count = _menu_queries(client, officer, django_assert_max_num_queries)
    assert count == first[2] == 2
    more(5)
    assert _menu(client, officer)[2] == 7  # the new cases changed the count: counted again
    large, _rows, count = _menu_queries(client, officer, django_assert_max_num_queries)
    assert count == 7
    assert small == large, f"the menu: {small} queries with 2 tasks, {large} with 7"


def test_the_menu_count_follows_every_change_at_once(client, officer, officer2, team):
    """Kept, the count is still right after the person's own step, a colleague's step and a change of
    the team: every audited change counts it again."""
    from cases.services import case_team_remove, case_transition

    cases = [make_case(officer=officer, team=team, title=f"Signaal {i}") for i in range(3)]
    assert _menu(client, officer)[2] == 3
    assert _menu(client, officer2)[2] == 3
    case_transition(user=officer, case=cases[0], name="withdraw", reason="Geen dreiging.")  # their own step
    assert _menu(client, officer)[2] == 2
    case_transition(user=officer2, case=cases[1], name="withdraw", reason="Geen dreiging.")  # a colleague's
    assert _menu(client, officer)[2] == 1
    assert _menu(client, officer2)[2] == 1
    case_team_remove(user=officer, case=cases[2], member=officer2)  # off the team: not theirs to see
    assert _menu(client, officer2)[2] == 0
    assert _menu(client, officer)[2] == 1


def test_the_inbox_page_counts_afresh(client, officer, team):
    """A write outside the services (no audit record) shows on the inbox page at once, list and count."""
    case = make_case(officer=officer, team=team)
    assert _menu(client, officer)[2] == 1
    Case.objects.filter(pk=case.pk).update(state="withdrawn")
    client.logout()
    assert _page(web_session(client, officer), reverse("core:home"))[1:] == (0, 0)
    assert _menu(client, officer)[2] == 0

"""Query budgets, continued: the GET list and detail endpoints that tests/test_query_budget.py does
not cover answer in a fixed number of queries, whatever the page size and however many rows.

Same method: each test reads an endpoint once with little data (and a small page) and once with
more data (and a larger page), asserts both reads within the endpoint's budget
(django_assert_max_num_queries), asserts the larger read really returned more rows (so a query per
row would show) and asserts the two counts are equal. The budgets are what the endpoints need
today on PostgreSQL; raise one only with a reason.
"""

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.roles import Role
from tests.factories import (
    add_liaisons,
    approve_assessment,
    case_to_investment_preparation,
    fill_initial_assessment,
    fund_with_tranches,
    invest_in_case,
    make_case,
    order_sale,
    sample_pdf,
    score_all_indicators,
    start_risk_assessment,
    transaction_event,
    use_tmp_document_storage,
)

pytestmark = [pytest.mark.fastpaths, pytest.mark.django_db]

# Queries per request on PostgreSQL (the authenticated user is given, as DRF's force_authenticate
# does; token authentication adds one). A write inside a read (an audited read: the consultation
# detail, the audit trail of a case) is one INSERT inside a savepoint here (two more queries),
# because each test runs in a transaction.
BUDGET = {
    # the afwegingskader
    "framework_list": 2,  # count, page
    "framework_detail": 1,  # the version (its items are its definition)
    "consultation_list": 2,  # count, page (assessment, case, framework, advisor, waiver joined)
    "consultation_list_advisor": 2,  # the same for the advisor the requests are addressed to
    "consultation_detail": 5,  # the request, the audited read (3), the assessment's records
    "assessment_history": 2,  # the assessment, the revisions of its case and kind (joined)
    "assessment_scores": 2,  # the assessment, its records
    "assessment_outcome": 6,  # the assessment, its scores, conditions, checks, settlements, advice requests (v2)
    "assessment_consultations": 2,  # the assessment, its requests
    # the fund
    "fund_accounts": 2,  # the fund, the running balances
    "fund_account_history": 2,  # the fund, the account's lines with their entries
    "fund_managers": 2,  # the fund, its manager periods
    # positions: the lists under /api/positions/{id}/, each the position (with its case) and its rows
    "position_valuations": 2,
    "position_conditions": 2,
    "position_rights": 2,
    "position_disbursements": 2,
    "position_dilutions": 2,
    "position_conversions": 2,
    "position_exits": 2,
    # letters and reports
    "letter_revisions": 3,  # the letter, the reader's role on its case, the revisions with their authors
    "report_list": 2,  # count, page
    "report_detail": 1,  # the report
    # documents: the case (2: with its categories), then
    "document_list": 6,  # count, page, versions, links (with their content type)
    "document_detail": 5,  # the document, its versions, its links
    "document_versions": 5,  # the document with its versions and links, as the detail
    # the audit trail
    "audit_case": 7,  # the case (2), reading its trail is audited (3), count, page
    "audit_user": 2,  # count, page
    # the case lifecycle
    "case_transitions": 7,  # the case (2), its team's roles, the latest approved assessment (4: once per guard)
}


def _read(client, url: str):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries), response.json()


def _assert_constant(django_assert_max_num_queries, client, name: str, small_url: str, grow, large_url: str, *, rows):
    """`rows(body)` counts the rows a response holds; the larger read must hold more."""
    with django_assert_max_num_queries(BUDGET[name]):
        small, small_body = _read(client, small_url)
    grow()
    with django_assert_max_num_queries(BUDGET[name]):
        large, large_body = _read(client, large_url)
    assert rows(large_body) > rows(small_body), (
        f"{name}: the larger read holds {rows(large_body)} rows, the smaller {rows(small_body)}: grow more"
    )
    assert small == large, f"{name}: {small} queries with little data, {large} with more (an N+1?)"


def page(body) -> int:
    return len(body["results"])


def length(body) -> int:
    return len(body)


@pytest.fixture
def team(officer2, assessor, assessor2, secretariat, secretariat2, manager, manager2):
    return {
        officer2: Role.CASE_OFFICER,
        assessor: Role.RISK_ASSESSOR,
        assessor2: Role.RISK_ASSESSOR,
        secretariat: Role.CABINET_SECRETARIAT,
        secretariat2: Role.CABINET_SECRETARIAT,
        manager: Role.FUND_MANAGER,
        manager2: Role.FUND_MANAGER,
    }


@pytest.fixture
def admin(make_user):
    return make_user("beheer", Role.ADMINISTRATOR)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def advisor(make_user):
    return make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")


@pytest.fixture
def liaison(make_user):
    return make_user("liaison", Role.PARLIAMENTARY_LIAISON)


# ------------------------------------------------------------------------------------------------
# The afwegingskader: framework versions
# ------------------------------------------------------------------------------------------------
def _publish_version(admin, *, extra_indicators: int = 0):
    """A new published version: the default one with `extra_indicators` broader indicators more."""
    from assessments.models import FrameworkVersion
    from assessments.services import framework_create_draft, framework_publish

    definition = copy.deepcopy(FrameworkVersion.objects.get(number=1).definition)
    broader = next(i for i in definition["indicators"] if i["kind"] == "broader")
    for n in range(extra_indicators):
        definition["indicators"].append(
            dict(
                broader,
                code=f"{broader['code']}_{n + 2}",
                label_nl=f"{broader['label_nl']} {n + 2}",
                label_en=f"{broader['label_en']} {n + 2}",
            )
        )
    draft = framework_create_draft(user=admin, name=f"Versie met {extra_indicators} extra", definition=definition)
    return framework_publish(user=admin, framework=draft)


def _items(body) -> int:
    return len(body["conditions"]) + len(body["indicators"]) + len(body["checks"])


def test_frameworks_are_constant_in_versions_and_items(api, assessor, admin, django_assert_max_num_queries):
    from assessments.models import FrameworkVersion

    client = api(assessor)
    default = FrameworkVersion.objects.get(number=1)
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "framework_list",
        "/api/frameworks/?page_size=1",
        lambda: [_publish_version(admin) for _ in range(3)],
        "/api/frameworks/?page_size=50",
        rows=page,
    )
    larger = _publish_version(admin, extra_indicators=4)
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "framework_detail",
        f"/api/frameworks/{default.pk}/",
        lambda: None,
        f"/api/frameworks/{larger.pk}/",
        rows=_items,
    )


# ------------------------------------------------------------------------------------------------
# The afwegingskader: an assessment's revisions, scores, outcome and advice requests
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def assessed_case(case, officer):
    return start_risk_assessment(case, officer=officer)


def _request_advice(assessment, *, lead, advisor, covers):
    from assessments.services import consultation_request

    return consultation_request(
        user=lead,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="Deelt JenV de inschatting van de dreiging?",
        covers=covers,
        due_date=timezone.localdate() + timedelta(days=5),
    )


def test_assessment_history_is_constant_in_revisions(
    api, assessor, assessor2, assessed_case, django_assert_max_num_queries
):
    from assessments.services import assessment_approve, assessment_revise, assessment_submit

    first = approve_assessment(assessed_case, lead=assessor, approver=assessor2)

    def revise_twice():
        latest = first
        for _ in range(2):
            draft = assessment_revise(user=assessor, assessment=latest)
            assessment_submit(user=assessor, assessment=draft)
            latest = assessment_approve(user=assessor2, assessment=draft)

    _assert_constant(
        django_assert_max_num_queries,
        api(assessor),
        "assessment_history",
        f"/api/assessments/{first.pk}/history/",
        revise_twice,
        f"/api/assessments/{first.pk}/history/",
        rows=length,
    )


def _scores(body) -> int:
    return sum(len(row["scores"]) for row in body)


@pytest.fixture
def draft(assessor, assessed_case):
    from assessments.services import assessment_start

    return assessment_start(user=assessor, case=assessed_case)


def _fill(draft, assessor, assessor2):
    from assessments.services import assessment_set_policy_goal

    fill_initial_assessment(draft, lead=assessor)
    score_all_indicators(draft, assessor=assessor2, level=2, core_only=False)
    # Framework version 2: the broader indicator counts (and is explained) only for a crucial company.
    assessment_set_policy_goal(
        user=assessor, assessment=draft, crucial=True, rationale="Cruciaal voor de energietransitie."
    )


def test_assessment_scores_are_constant_in_scores(api, assessor, assessor2, draft, django_assert_max_num_queries):
    url = f"/api/assessments/{draft.pk}/scores/"
    _assert_constant(
        django_assert_max_num_queries,
        api(assessor),
        "assessment_scores",
        url,
        lambda: _fill(draft, assessor, assessor2),
        url,
        rows=_scores,
    )


def test_assessment_outcome_is_constant_in_inputs(api, assessor, assessor2, draft, django_assert_max_num_queries):
    """One outcome, computed from every score, condition and check: filled in, it names more reasons
    and drivers."""
    url = f"/api/assessments/{draft.pk}/outcome/"
    _assert_constant(
        django_assert_max_num_queries,
        api(assessor),
        "assessment_outcome",
        url,
        lambda: _fill(draft, assessor, assessor2),
        url,
        rows=_explained,
    )


def _explained(body) -> int:
    return len(body["reasons"]) + len(body["drivers"])


def test_assessment_consultations_are_constant_in_requests(
    api, assessor, advisor, officer, assessed_case, draft, django_assert_max_num_queries
):
    from cases.services import case_team_add

    case_team_add(user=officer, case=assessed_case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    assessment = draft
    _request_advice(assessment, lead=assessor, advisor=advisor, covers=["state_actor_influence"])
    client = api(assessor)

    def more():
        for covers in (["national_security_risk"], ["proportionality"], ["state_actor_influence"]):
            _request_advice(assessment, lead=assessor, advisor=advisor, covers=covers)

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "assessment_consultations",
        f"/api/assessments/{assessment.pk}/consultations/",
        more,
        f"/api/assessments/{assessment.pk}/consultations/",
        rows=length,
    )


def _advised_assessment(officer, team, assessor, advisor, n: int, covers=("state_actor_influence",)):
    """A new case in risk assessment with a draft assessment and `n` advice requests to `advisor`."""
    from assessments.services import assessment_start
    from cases.services import case_team_add

    case = start_risk_assessment(make_case(officer=officer, team=team), officer=officer)
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    assessment = assessment_start(user=assessor, case=case)
    return [_request_advice(assessment, lead=assessor, advisor=advisor, covers=list(covers)) for _ in range(n)]


def test_consultation_lists_are_constant_in_requests(
    api, officer, team, assessor, advisor, django_assert_max_num_queries
):
    _advised_assessment(officer, team, assessor, advisor, 2)
    more = lambda: [_advised_assessment(officer, team, assessor, advisor, 2) for _ in range(2)]  # noqa: E731
    _assert_constant(
        django_assert_max_num_queries,
        api(assessor),
        "consultation_list",
        "/api/consultations/?page_size=1",
        more,
        "/api/consultations/?page_size=50",
        rows=page,
    )
    _assert_constant(
        django_assert_max_num_queries,
        api(advisor),
        "consultation_list_advisor",
        "/api/consultations/?page_size=1",
        lambda: None,
        "/api/consultations/?page_size=50",
        rows=page,
    )


def _covered(body) -> int:
    return sum(len(rows) for rows in body["parts"].values())


def test_consultation_detail_is_constant_in_what_it_covers(
    api, officer, team, assessor, advisor, django_assert_max_num_queries
):
    from assessments.framework import Framework
    from assessments.models import FrameworkVersion

    everything = sorted(Framework(FrameworkVersion.objects.get(number=1).definition).all_codes)
    narrow = _advised_assessment(officer, team, assessor, advisor, 1)[0]
    wide = _advised_assessment(officer, team, assessor, advisor, 1, covers=everything)[0]
    _assert_constant(
        django_assert_max_num_queries,
        api(advisor),
        "consultation_detail",
        f"/api/consultations/{narrow.pk}/",
        lambda: None,
        f"/api/consultations/{wide.pk}/",
        rows=_covered,
    )


# ------------------------------------------------------------------------------------------------
# The fund: accounts and managers
# ------------------------------------------------------------------------------------------------
def _invested_case(officer, team, secretariat, secretariat2, manager, manager2, amount="1000000", **terms):
    case = make_case(officer=officer, team=team)
    case = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(case, proposer=manager, approver=manager2, amount=Decimal(amount), **terms)


def _nonzero(body) -> int:
    return sum(1 for row in body if Decimal(row["balance"]) != 0)


def test_fund_accounts_are_constant_in_ledger_size(
    api, officer, team, secretariat, secretariat2, manager, manager2, django_assert_max_num_queries
):
    from bev.services import reservation_book

    from .factories import charge_fee

    fund_with_tranches(user=manager)
    client = api(manager)

    def book():
        position = _invested_case(officer, team, secretariat, secretariat2, manager, manager2)
        reservation_book(user=manager, position=position, amount=Decimal("5000"), idempotency_key="qbm-res")
        for i in range(3):
            charge_fee(user=manager, amount=Decimal("1000"), idempotency_key=f"qbm-fee-{i}")

    # One row per account whatever the ledger holds: what grows is the accounts with a balance.
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "fund_accounts",
        "/api/fund/accounts/",
        book,
        "/api/fund/accounts/",
        rows=_nonzero,
    )
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "fund_account_history",
        "/api/fund/accounts/ministry_loan/",
        lambda: None,
        "/api/fund/accounts/cash_available/",
        rows=length,
    )


def test_fund_managers_are_constant_in_periods(api, admin, manager, django_assert_max_num_queries):
    from bev.services import manager_change

    fund_with_tranches(user=manager)

    def successors():
        for year in (2028, 2030, 2032):
            manager_change(user=admin, name=f"Investeringsinstelling {year}", valid_from=date(year, 1, 1))

    _assert_constant(
        django_assert_max_num_queries,
        api(manager),
        "fund_managers",
        "/api/fund/managers/",
        successors,
        "/api/fund/managers/",
        rows=length,
    )


@pytest.mark.parametrize("url", ["/api/fund/sweeps/", "/api/fund/tranches/"])
def test_fund_movements_answer_no_get(api, manager, url):
    """These take a booking (POST) and list nothing: the ledger (covered in test_query_budget) lists them."""
    fund_with_tranches(user=manager)
    assert api(manager).get(url).status_code == 405


# ------------------------------------------------------------------------------------------------
# Positions: the lists under /api/positions/{id}/
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def position(officer, team, secretariat, secretariat2, manager, manager2):
    fund_with_tranches(user=manager)
    return _invested_case(officer, team, secretariat, secretariat2, manager, manager2)


def _position_list(django_assert_max_num_queries, client, position, what: str, grow):
    url = f"/api/positions/{position.pk}/{what}/"
    _assert_constant(django_assert_max_num_queries, client, f"position_{what}", url, grow, url, rows=length)


def test_position_valuations_are_constant(api, manager, position, django_assert_max_num_queries):
    from bev.services import valuation_record

    def value():
        for month in (1, 2, 3):
            valuation_record(
                user=manager,
                position=position,
                valued_on=timezone.localdate(),  # invested today: not valued before it
                fair_value=Decimal("1100000"),
                method="multiples",
            )

    _position_list(django_assert_max_num_queries, api(manager), position, "valuations", value)


@pytest.mark.parametrize("what", ["conditions", "rights"])
def test_position_follow_ups_are_constant(
    api, manager, officer, secretariat, position, what, django_assert_max_num_queries
):
    from bev.services import follow_up_add

    def add():
        for i, owner in enumerate([manager, officer, secretariat]):
            follow_up_add(
                user=manager,
                position=position,
                what=what[:-1],
                description=f"Afspraak {i}",
                owner=owner,
                due_date=date(2027, 1, 1) + timedelta(days=i),
                kind="veto" if what == "rights" else None,
            )

    _position_list(django_assert_max_num_queries, api(manager), position, what, add)


def test_position_disbursements_are_constant(api, manager, manager2, position, django_assert_max_num_queries):
    from bev.services import disbursement_approve, disbursement_propose, disbursement_reject

    def propose():
        for i in range(4):
            disbursement = disbursement_propose(
                user=manager, position=position, amount=Decimal("10000"), idempotency_key=f"qbm-disb-{i}"
            )
            if i == 0:
                disbursement_approve(user=manager2, disbursement=disbursement)
            elif i == 1:
                disbursement_reject(user=manager2, disbursement=disbursement, reason="Nog niet nodig.")

    _position_list(django_assert_max_num_queries, api(manager), position, "disbursements", propose)


def test_position_dilutions_are_constant(api, manager, position, django_assert_max_num_queries):
    from bev.services import dilution_record

    def dilute():
        for i in range(3):
            dilution_record(
                user=manager,
                position=position,
                issued_on=date(2026, 1, 1 + i),
                shares_outstanding_before=1000 + 100 * i,
                new_shares_issued=100,
            )

    _position_list(django_assert_max_num_queries, api(manager), position, "dilutions", dilute)


def test_position_conversions_are_constant(
    api, officer, team, secretariat, secretariat2, manager, manager2, django_assert_max_num_queries
):
    from bev.services import conversion_record

    fund_with_tranches(user=manager)
    loan = _invested_case(officer, team, secretariat, secretariat2, manager, manager2, instrument="convertible_loan")

    def convert():  # a loan converts once: the list goes from none to one
        conversion_record(
            user=manager, position=loan, converted_on=timezone.localdate(), shares=500, ownership_percent=Decimal("10")
        )

    _position_list(django_assert_max_num_queries, api(manager), loan, "conversions", convert)


def test_position_exits_are_constant(api, manager, position, secretariat, secretariat2, django_assert_max_num_queries):
    from bev.services import exit_book

    order_sale(
        position.case, recorder=secretariat, confirmer=secretariat2
    )  # the exit gate's ground while invested (tests/test_exit_gate.py)

    def sell():
        for i in range(3):
            exit_book(
                user=manager,
                position=position,
                proceeds=Decimal("100000"),
                fraction_sold_percent=Decimal("10"),
                idempotency_key=f"qbm-exit-{i}",
            )

    _position_list(django_assert_max_num_queries, api(manager), position, "exits", sell)


@pytest.mark.parametrize("what", ["reservations", "releases", "returns"])
def test_position_movements_answer_no_get(api, manager, position, what):
    """These take a booking (POST) and list nothing: the position's ledger lists them."""
    assert api(manager).get(f"/api/positions/{position.pk}/{what}/").status_code == 405


# ------------------------------------------------------------------------------------------------
# Letters to parliament and reports
# ------------------------------------------------------------------------------------------------
def _letter_for(case, *, kind="first_investment"):
    from parliament.services import letter_drafts_make, letter_requests_create

    with transaction.atomic():
        request = letter_requests_create(event=transaction_event(case, kind=kind))
    return letter_drafts_make(request_id=request.pk)[0]


def test_letter_revisions_are_constant(api, officer, case, liaison, django_assert_max_num_queries):
    from parliament.services import letter_update

    add_liaisons(case, by=officer, liaisons=[liaison])
    letter = _letter_for(case)

    def edit():
        for i in range(3):
            letter_update(
                user=liaison,
                letter=letter,
                body=f"{letter.body}\n\nAanvulling {i}.",
                note=f"Versie {i}",
                expected_revision=letter.revision,
            )
            letter.refresh_from_db()

    url = f"/api/letters/{letter.pk}/revisions/"
    _assert_constant(django_assert_max_num_queries, api(liaison), "letter_revisions", url, edit, url, rows=length)


def test_reports_are_constant(
    api, officer, case, liaison, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from parliament.services import letter_requests_create, report_request

    add_liaisons(case, by=officer, liaisons=[liaison])
    client = api(liaison)
    pending = report_request(user=liaison, kind="annual_transactions", year=2025)

    def more():
        for year in (2023, 2024, 2025):
            report_request(user=liaison, kind="annual_transactions", year=year)

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "report_list",
        "/api/reports/?page_size=1",
        more,
        "/api/reports/?page_size=50",
        rows=page,
    )

    with transaction.atomic():  # a transaction of 2025 for the report to hold
        letter_requests_create(event=transaction_event(case, executed_on=date(2025, 5, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        done = report_request(user=liaison, kind="annual_transactions", year=2025)
    # One row: what grows is the files it offers (none while pending; CSV, XLSX and PDF when done).
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "report_detail",
        f"/api/reports/{pending.pk}/",
        lambda: None,
        f"/api/reports/{done.pk}/",
        rows=lambda body: len(body["files"]),
    )


# ------------------------------------------------------------------------------------------------
# Documents of a case
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def _upload(case, user, title="Memo"):
    from documents.services import document_upload

    return document_upload(
        user=user,
        case=case,
        title=title,
        document_type="cabinet_decision",
        content=sample_pdf(title),
        filename="memo.pdf",
    )


def _versions_and_links(document, user, secretariat, n: int = 3):
    from cases.models import CabinetDecision
    from documents.services import document_link, document_version_add, document_version_withdraw

    for i in range(n):
        version = document_version_add(
            user=user, document=document, content=sample_pdf(f"v{i}"), filename=f"memo-{i}.pdf"
        )
        if i == 0:
            document_version_withdraw(user=user, version=version, reason="Verkeerde bijlage.")
        decision = CabinetDecision.objects.create(
            case=document.case,
            meeting_date=timezone.localdate(),
            reference=f"MR-{i}",
            deploy=True,
            recorded_by=secretariat,
        )
        document_link(user=user, document=document, target_type="cases.cabinetdecision", target_id=str(decision.pk))


def _versions_plus_links(body) -> int:
    return len(body["versions"]) + len(body["links"])


def test_documents_are_constant_in_documents_versions_and_links(
    api, storage, officer, secretariat, case, django_assert_max_num_queries
):
    document = _upload(case, officer)
    _upload(case, officer, "Tweede memo")
    client = api(officer)
    base = f"/api/cases/{case.pk}/documents/"

    def more_documents():
        for i in range(3):
            _versions_and_links(_upload(case, officer, f"Memo {i}"), officer, secretariat, n=2)

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "document_list",
        f"{base}?page_size=1",
        more_documents,
        f"{base}?page_size=50",
        rows=page,
    )
    grow = lambda: _versions_and_links(document, officer, secretariat)  # noqa: E731
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "document_detail",
        f"{base}{document.pk}/",
        grow,
        f"{base}{document.pk}/",
        rows=_versions_plus_links,
    )
    other = _upload(case, officer, "Derde memo")
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "document_versions",
        f"{base}{other.pk}/versions/",
        lambda: _versions_and_links(other, officer, secretariat),
        f"{base}{other.pk}/versions/",
        rows=length,
    )


def test_document_links_answer_no_get(api, storage, officer, case):
    """Links are made with POST and listed in the document's detail (document_detail above)."""
    document = _upload(case, officer)
    assert api(officer).get(f"/api/cases/{case.pk}/documents/{document.pk}/links/").status_code == 405


# ------------------------------------------------------------------------------------------------
# The audit trail
# ------------------------------------------------------------------------------------------------
def _edits(case, officer, n: int):
    from cases.services import case_update

    for i in range(n):
        case_update(user=officer, case=case, data={"summary": f"Samenvatting {i}"}, expected_version=case.version)
        case.refresh_from_db()


def test_audit_trail_is_constant_in_records(api, officer, case, auditor, django_assert_max_num_queries):
    from cases.services import case_team_add

    case_team_add(user=officer, case=case, member=auditor, role=Role.AUDITOR)
    hidden = make_case(officer=officer, title="Casus buiten het team van de auditor")
    client = api(auditor)

    def more():
        _edits(case, officer, 4)
        _edits(hidden, officer, 4)

    _assert_constant(
        django_assert_max_num_queries,
        client,
        "audit_case",
        f"/api/audit/?case={case.pk}&page_size=2",
        more,
        f"/api/audit/?case={case.pk}&page_size=100",
        rows=page,
    )
    # Per person: records of cases on the auditor's team and (masked) of others.
    _assert_constant(
        django_assert_max_num_queries,
        client,
        "audit_user",
        "/api/audit/?user=officer&page_size=2",
        lambda: _edits(hidden, officer, 3),
        "/api/audit/?user=officer&page_size=100",
        rows=page,
    )


# ------------------------------------------------------------------------------------------------
# The case lifecycle: GET /api/cases/{id}/transitions/
# ------------------------------------------------------------------------------------------------
def test_case_transitions_are_constant_in_history(
    api, officer, assessor, assessor2, assessed_case, django_assert_max_num_queries
):
    """The transitions come from the state machine; the guards read the case's assessments. Approving
    one (and a revision of it) makes `submit_to_cabinet` available: one more row."""
    from assessments.services import assessment_approve, assessment_revise, assessment_submit

    def approve():
        first = approve_assessment(assessed_case, lead=assessor, approver=assessor2)
        draft = assessment_revise(user=assessor, assessment=first)
        assessment_submit(user=assessor, assessment=draft)
        assessment_approve(user=assessor2, assessment=draft)
        _edits(assessed_case, officer, 3)

    url = f"/api/cases/{assessed_case.pk}/transitions/"
    _assert_constant(
        django_assert_max_num_queries,
        api(officer),
        "case_transitions",
        url,
        approve,
        url,
        rows=lambda body: len(body["available"]),
    )


def test_an_assessment_without_advice_requests_is_read_without_their_query(api, assessor, advisor, officer, draft):
    """Its records tell it has none (one branch of their UNION ALL): the read of the requests is left
    out; once it has one, the request is read and shown."""
    from cases.services import case_team_add

    client, url = api(assessor), f"/api/assessments/{draft.pk}/"
    with CaptureQueriesContext(connection) as without:
        assert client.get(url).json()["consultations"] == []
    assert not [q for q in without.captured_queries if 'assessments_consultationrequest"."ministry' in q["sql"]]
    case_team_add(user=officer, case=draft.case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    request = _request_advice(draft, lead=assessor, advisor=advisor, covers=["state_actor_influence"])
    with CaptureQueriesContext(connection) as with_one:
        body = client.get(url).json()
    assert [c["id"] for c in body["consultations"]] == [request.pk] and body["open_consultations"] == [request.pk]
    assert len(with_one.captured_queries) == len(without.captured_queries) + 1

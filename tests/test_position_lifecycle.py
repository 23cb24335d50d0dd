"""Positions: only the letter's instruments, a deploy decision first, four eyes on the money, the
case moved to invested by the first disbursement, and closed once every position is exited."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from audit.models import AuditRecord
from bev import services
from bev.models import JournalEntry, Position
from cases.models import Case
from cases.services import case_transition
from core.exceptions import Conflict, LimitExceeded, PermissionDenied, RuleViolation
from tests.factories import (
    case_to_investment_preparation,
    fund_establish_default,
    fund_with_tranches,
    invest_in_case,
    order_sale,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def ready_case(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, conditions="Informatierechten en een zetel in de RvC."
    )


@pytest.fixture
def executed(monkeypatch):
    """The events handed to the parliament side (the real receiver runs too)."""
    seen = []
    from bev import events

    original = events.transaction_executed

    def capture(event):
        seen.append(event)
        original(event)

    monkeypatch.setattr(events, "transaction_executed", capture)
    return seen


def put_in_state(case, state):
    Case.objects.filter(pk=case.pk).update(state=state)
    return Case.objects.get(pk=case.pk)


# --- instruments ----------------------------------------------------------------------------------
@pytest.mark.parametrize("instrument", ["ordinary_loan", "subordinated_loan", "guarantee"])
def test_debt_and_guarantees_are_refused_with_the_letters_reason(manager, ready_case, instrument):
    with pytest.raises(RuleViolation) as refused:
        services.position_create(user=manager, case=ready_case, instrument=instrument, principal=M)
    assert refused.value.field == "instrument"
    assert "voetnoot 12" in refused.value.message and "vreemd vermogen" in refused.value.message
    assert not Position.objects.exists()


def test_the_api_refuses_a_guarantee_as_a_field_error(api, manager, ready_case):
    response = api(manager).post("/api/positions/", {"case": ready_case.pk, "instrument": "guarantee"}, format="json")
    assert response.status_code == 400
    assert "vreemd vermogen" in response.json()["instrument"][0]
    assert not Position.objects.exists()


@pytest.mark.parametrize("instrument", ["equity", "convertible_loan", "loan_with_warrants"])
def test_the_letters_instruments_are_recorded_with_their_terms(manager, manager2, ready_case, instrument):
    position = invest_in_case(ready_case, proposer=manager, approver=manager2, amount=5 * M, instrument=instrument)
    assert position.instrument == instrument
    if instrument != "equity":
        assert position.principal == 5 * M and position.interest_rate_percent == Decimal("4.0")
    assert (position.conversion_terms != "") == (instrument == "convertible_loan")
    assert (position.warrant_terms != "") == (instrument == "loan_with_warrants")


@pytest.mark.parametrize(
    "terms", [{"principal": M}, {"interest_rate_percent": Decimal("4")}, {"maturity_date": date(2030, 1, 1)}]
)
def test_shares_have_no_loan_terms(manager, ready_case, terms):
    """An equity position took a principal, an interest rate and a maturity date, which only a loan has."""
    with pytest.raises(RuleViolation) as refused:
        services.position_create(
            user=manager, case=ready_case, instrument="equity", ownership_percent=Decimal("20"), **terms
        )
    assert refused.value.field == next(iter(terms))
    assert not Position.objects.exists()


def test_a_convertible_loan_needs_its_conversion_terms(manager, ready_case):
    with pytest.raises(RuleViolation) as refused:
        services.position_create(user=manager, case=ready_case, instrument="convertible_loan", principal=M)
    assert refused.value.field == "conversion_terms"


def test_no_position_without_a_cabinet_decision_to_deploy(manager, case):
    fund_establish_default()
    with pytest.raises(Conflict):
        services.position_create(
            user=manager, case=put_in_state(case, "investment_preparation"), instrument="equity", ownership_percent=10
        )


# --- four eyes and the lifecycle link -------------------------------------------------------------
def test_the_proposer_cannot_approve_their_own_disbursement(manager, ready_case):
    position = services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=10)
    proposal = services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="p")
    with pytest.raises(PermissionDenied):
        services.disbursement_approve(user=manager, disbursement=proposal)
    assert not JournalEntry.objects.filter(kind="disbursement").exists()


def test_the_first_disbursement_moves_the_case_to_invested_and_informs_parliament(
    manager, manager2, ready_case, executed
):
    position = invest_in_case(ready_case, proposer=manager, approver=manager2, amount=7 * M)
    case = Case.objects.get(pk=ready_case.pk)
    assert case.state == "invested"
    assert case.timeline.filter(transition="mark_invested", actor=manager2).exists()
    entry = JournalEntry.objects.get(kind="disbursement")
    assert [(e.kind, e.amount, e.position_id, e.source_key) for e in executed] == [
        ("first_investment", 7 * M, position.pk, f"journal:{entry.pk}")
    ]
    follow_on = services.disbursement_propose(user=manager2, position=position, amount=M, idempotency_key="f")
    services.disbursement_approve(user=manager, disbursement=follow_on)
    assert executed[-1].kind == "follow_on_investment" and executed[-1].amount == M


def test_a_refused_approval_leaves_the_case_where_it_was(manager, manager2, ready_case):
    position = services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=10)
    proposal = services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="p")
    services.reservation_book(
        user=manager2,
        position=services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=1),
        amount=100 * M,
        idempotency_key="r",
    )
    with pytest.raises(LimitExceeded):
        services.disbursement_approve(user=manager2, disbursement=proposal)
    assert Case.objects.get(pk=ready_case.pk).state == "investment_preparation"


def test_partial_then_full_exit_lets_the_case_close(manager, manager2, ready_case, executed, secretariat, secretariat2):
    position = invest_in_case(
        ready_case, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("40"), shares=4000
    )
    order_sale(ready_case, recorder=secretariat, confirmer=secretariat2)  # the exit gate (test_exit_gate.py)
    case = put_in_state(ready_case, "exit")
    partial = services.exit_book(
        user=manager, position=position, proceeds=6 * M, fraction_sold_percent=50, idempotency_key="x1"
    )
    position.refresh_from_db()
    assert (partial.cost_derecognised, partial.realised_result, partial.is_full) == (5 * M, M, False)
    assert position.ownership_percent == Decimal("20") and position.shares == 2000 and not position.is_exited
    with pytest.raises(Conflict):
        case_transition(user=manager, case=case, name="close")  # a position is still held
    full = services.exit_book(
        user=manager, position=position, proceeds=4 * M, fraction_sold_percent=100, idempotency_key="x2"
    )
    assert (full.cost_derecognised, full.realised_result, full.is_full) == (5 * M, -M, True)
    position.refresh_from_db()
    assert position.is_exited and position.ownership_percent == 0
    assert [e.kind for e in executed][-2:] == ["partial_exit", "full_exit"]
    assert executed[-1].amount == 4 * M
    case = case_transition(user=manager, case=Case.objects.get(pk=case.pk), name="close")
    assert case.state == "closed"


def test_a_position_never_invested_in_does_not_keep_the_case_open(
    manager, manager2, ready_case, secretariat, secretariat2
):
    """A position recorded but never funded (a second "Record position", found by trying the product)
    holds nothing to sell: once the funded one is sold the case closes. One never-funded position
    alone does not count as exited."""
    from bev.selectors import case_positions_all_exited

    empty = services.position_create(
        user=manager, case=ready_case, instrument="equity", ownership_percent=Decimal("25"), shares=2500
    )
    position = invest_in_case(
        ready_case, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("25"), shares=2500
    )
    order_sale(ready_case, recorder=secretariat, confirmer=secretariat2)
    case = put_in_state(ready_case, "exit")
    assert case_positions_all_exited(case.pk) is False  # the funded one is still held
    services.exit_book(
        user=manager, position=position, proceeds=12 * M, fraction_sold_percent=100, idempotency_key="e1"
    )
    assert Position.objects.get(pk=empty.pk).exited_on is None
    assert case_positions_all_exited(case.pk) is True
    assert case_transition(user=manager, case=Case.objects.get(pk=case.pk), name="close").state == "closed"


def test_positions_never_funded_alone_are_not_an_exit(manager, ready_case):
    from bev.selectors import case_positions_all_exited

    services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=Decimal("25"))
    assert case_positions_all_exited(ready_case.pk) is False


def test_a_case_without_positions_cannot_close_through_the_fund_rule(manager, case):
    from bev.selectors import case_positions_all_exited

    assert case_positions_all_exited(case.pk) is False


# --- dilution, conversion, rights and conditions ---------------------------------------------------
def test_dilution_at_a_new_share_issue_lowers_the_stake(manager, manager2, ready_case):
    position = invest_in_case(
        ready_case, proposer=manager, approver=manager2, amount=M, ownership_percent=Decimal("30")
    )
    dilution = services.dilution_record(
        user=manager,
        position=position,
        issued_on=timezone.localdate(ready_case.created_at),
        shares_outstanding_before=10_000,
        new_shares_issued=2_500,
    )
    position.refresh_from_db()
    assert (dilution.ownership_before, dilution.ownership_after) == (Decimal("30"), Decimal("24"))
    assert position.ownership_percent == Decimal("24")


@pytest.mark.parametrize(
    "new_shares",
    [9_223_372_036_854_775_807, 10**17, 1],  # the stake rounds to 0 %, to 0 %, stays 30 % at six places
)
def test_an_issue_that_rounds_the_stake_to_nothing_or_leaves_it_unchanged_is_refused(
    manager, manager2, ready_case, api, new_shares
):
    """Found by trying the product: 9,223,372,036,854,775,807 new shares set a 25 % stake to
    0.000000 % while the position stayed held, and every later dilution was refused with a message
    no value could satisfy. The percentage path already refused a new stake of 0 %."""
    position = invest_in_case(
        ready_case, proposer=manager, approver=manager2, amount=M, ownership_percent=Decimal("30")
    )
    response = api(manager).post(
        f"/api/positions/{position.pk}/dilutions/",
        {
            "issued_on": timezone.localdate(ready_case.created_at).isoformat(),
            "shares_outstanding_before": 1_000_000_000,
            "new_shares_issued": new_shares,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "nieuwe belang moet boven 0%" in response.json()["new_shares_issued"][0], response.json()
    position.refresh_from_db()
    assert position.ownership_percent == Decimal("30") and not position.dilutions.exists()


def test_conversion_turns_the_loan_into_shares_and_informs_parliament(manager, manager2, ready_case, executed):
    position = invest_in_case(
        ready_case, proposer=manager, approver=manager2, amount=3 * M, instrument="convertible_loan"
    )
    conversion = services.conversion_record(
        user=manager,
        position=position,
        converted_on=timezone.localdate(ready_case.created_at),
        shares=1500,
        ownership_percent=Decimal("15"),
    )
    position.refresh_from_db()
    assert (position.instrument, position.shares, position.ownership_percent) == ("equity", 1500, Decimal("15"))
    assert conversion.from_instrument == "convertible_loan"
    assert (executed[-1].kind, executed[-1].amount, executed[-1].source_key) == (
        "conversion",
        3 * M,
        f"conversion:{conversion.pk}",
    )
    with pytest.raises(Conflict):
        services.conversion_record(
            user=manager, position=position, converted_on=conversion.converted_on, shares=1, ownership_percent=1
        )


def test_rights_and_conditions_are_followed_with_owner_due_date_and_status(
    api, manager, manager2, ready_case, outsider
):
    position = invest_in_case(ready_case, proposer=manager, approver=manager2, amount=M)
    client = api(manager)
    right = client.post(
        f"/api/positions/{position.pk}/rights/",
        {"kind": "board_seat", "description": "Zetel in de RvC", "owner": "manager2", "due_date": "2027-01-31"},
        format="json",
    )
    assert right.status_code == 201, right.json()
    condition = client.post(
        f"/api/positions/{position.pk}/conditions/",
        {"description": "Kwartaalrapportage over de beveiliging", "owner": "manager"},
        format="json",
    )
    assert condition.status_code == 201
    assert (
        client.post(
            f"/api/positions/{position.pk}/conditions/", {"description": "x", "owner": "outsider"}, format="json"
        ).status_code
        == 400
    )  # not on the case team
    updated = client.patch(
        f"/api/positions/{position.pk}/rights/{right.json()['id']}/", {"status": "met"}, format="json"
    )
    assert updated.status_code == 200 and updated.json()["status"] == "met"
    detail = client.get(f"/api/positions/{position.pk}/").json()
    assert [r["status"] for r in detail["rights"]] == ["met"]
    assert [c["owner"] for c in detail["conditions"]] == ["manager"]


# --- access: positions are case data ---------------------------------------------------------------
def test_positions_are_reached_only_through_visible_cases(api, manager, manager2, ready_case, make_user):
    position = invest_in_case(ready_case, proposer=manager, approver=manager2, amount=M)
    auditor = make_user("auditor", Role.AUDITOR)
    other_manager = make_user("manager3", Role.FUND_MANAGER)
    # an exit: 404 for a manager off the team; the auditor's role never books (403, whatever the id)
    for user, refused in ((auditor, 403), (other_manager, 404)):
        client = api(user)
        assert client.get(f"/api/positions/{position.pk}/").status_code == 404
        assert client.get("/api/positions/").json()["count"] == 0
        assert (
            client.post(
                f"/api/positions/{position.pk}/exits/",
                {"proceeds": "1.00", "fraction_sold_percent": "100", "idempotency_key": "x"},
                format="json",
            ).status_code
            == refused
        )
    assert api(auditor).get("/api/fund/").status_code == 200  # fund-wide figures need fund.view only


def test_reading_a_position_is_audited(api, manager, manager2, ready_case):
    position = invest_in_case(ready_case, proposer=manager, approver=manager2, amount=M)
    response = api(manager).get(f"/api/positions/{position.pk}/")
    assert response.status_code == 200
    assert response.json()["metrics"]["invested"] == "1000000.00"
    assert (
        AuditRecord.objects.filter(
            action="read", event="position.read", object_id=str(position.pk), actor=manager
        ).count()
        == 1
    )


def test_the_trail_names_a_position_by_its_cases_kenmerk(manager, manager2, ready_case):
    """The trail's object read "Aandelen in 8": the case's database id, which no user knows."""
    position = invest_in_case(ready_case, proposer=manager, approver=manager2, amount=M)
    names = set(
        AuditRecord.objects.filter(object_type="bev.position", object_id=str(position.pk)).values_list(
            "object_repr", flat=True
        )
    )
    assert names and all(ready_case.reference in name for name in names if name), names


def test_fund_views_need_fund_view(api, officer, manager):
    fund_with_tranches(user=manager)
    assert api(officer).get("/api/fund/").status_code == 403
    assert api(officer).get("/api/fund/ledger/").status_code == 403
    assert (
        api(officer).post("/api/fund/fees/", {"amount": "1.00", "idempotency_key": "f"}, format="json").status_code
        == 403
    )

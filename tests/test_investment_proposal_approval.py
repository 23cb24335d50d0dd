"""Invest-NL's investment proposal ("Invest-NL is daarbij verantwoordelijk voor het uitwerken van een
voorstel", letter): proposed by a fund manager, approved by the EZK case officer (four eyes across
the two organisations), before anything is reserved or disbursed in the case."""

from decimal import Decimal

import pytest
from django.urls import reverse

from access.roles import Role
from audit.models import AuditRecord
from bev import services
from bev.models import InvestmentProposal, JournalEntry
from cases.models import TimelineEvent
from cases.services import case_team_add
from core.exceptions import Conflict, RuleViolation

from .factories import case_to_investment_preparation, fund_with_tranches, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
PROPOSAL = {
    "instrument": "equity",
    "amount": "5000000.00",
    "terms": "20% van de aandelen, zetel in de RvC",
    "valuation_basis": "Pre-money € 20 mln, laatste financieringsronde",
}


@pytest.fixture
def decided(case, manager, secretariat, secretariat2):
    """Decided up to €10m in equity; no proposal yet."""
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=10 * M, instruments=["equity"], propose=False
    )


@pytest.fixture
def position(decided, manager):
    return services.position_create(user=manager, case=decided, instrument="equity", ownership_percent=Decimal("20"))


def test_nothing_is_reserved_or_disbursed_without_an_approved_proposal(api, manager, officer, position):
    response = api(manager).post(
        f"/api/positions/{position.pk}/reservations/", {"amount": "1000.00", "idempotency_key": "r1"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "no_approved_proposal"
    response = api(manager).post(
        f"/api/positions/{position.pk}/disbursements/", {"amount": "1000.00", "idempotency_key": "d1"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "no_approved_proposal"
    proposed = api(manager).post("/api/investment-proposals/", {"case": position.case_id, **PROPOSAL}, format="json")
    assert proposed.status_code == 201, proposed.json()
    # proposed but not yet approved: still nothing
    assert (
        api(manager)
        .post(
            f"/api/positions/{position.pk}/reservations/", {"amount": "1000.00", "idempotency_key": "r2"}, format="json"
        )
        .status_code
        == 409
    )
    assert not JournalEntry.objects.filter(kind="reservation").exists()
    approved = api(officer).post(f"/api/investment-proposals/{proposed.json()['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert (
        api(manager)
        .post(
            f"/api/positions/{position.pk}/reservations/", {"amount": "1000.00", "idempotency_key": "r3"}, format="json"
        )
        .status_code
        == 201
    )


def test_four_eyes_across_the_two_organisations(api, make_user, officer, manager, manager2, decided):
    proposal = api(manager).post("/api/investment-proposals/", {"case": decided.pk, **PROPOSAL}, format="json").json()
    url = f"/api/investment-proposals/{proposal['id']}/approve/"
    assert api(manager).post(url).status_code == 403  # the proposer
    assert api(manager2).post(url).status_code == 403  # another Invest-NL manager
    # an Invest-NL person cannot be put on the team as case officer (separation of duties) ...
    with pytest.raises(RuleViolation):
        case_team_add(
            user=officer, case=decided, member=make_user("insider", Role.FUND_MANAGER), role=Role.CASE_OFFICER
        )
    # ... and a case officer who moved to Invest-NL keeps no power to approve
    mover = make_user("mover", Role.CASE_OFFICER)
    case_team_add(user=officer, case=decided, member=mover, role=Role.CASE_OFFICER)
    type(mover).objects.filter(pk=mover.pk).update(role=Role.FUND_MANAGER)
    assert api(type(mover).objects.get(pk=mover.pk)).post(url).status_code == 403
    # and EZK does not propose
    assert (
        api(officer).post("/api/investment-proposals/", {"case": decided.pk, **PROPOSAL}, format="json").status_code
        == 403
    )
    assert InvestmentProposal.objects.get().status == "proposed"
    assert api(officer).post(url).status_code == 200


def test_the_proposal_fits_the_decision(api, manager, decided):
    post = api(manager).post
    over = post("/api/investment-proposals/", {"case": decided.pk, **PROPOSAL, "amount": "10000000.01"}, format="json")
    assert over.status_code == 409 and over.json()["code"] == "cabinet_decision_limit"
    loan = post(
        "/api/investment-proposals/", {"case": decided.pk, **PROPOSAL, "instrument": "convertible_loan"}, format="json"
    )
    assert loan.status_code == 409 and loan.json()["code"] == "cabinet_decision_instrument"
    # the instruments as people read them, at the field (was "'convertible_loan' ... (wel: equity)")
    assert (
        "„In aandelen converteerbare lening”" in loan.json()["message"] and "(wel: Aandelen)" in loan.json()["message"]
    )
    assert loan.json()["field"] == "instrument"
    guarantee = post(
        "/api/investment-proposals/", {"case": decided.pk, **PROPOSAL, "instrument": "guarantee"}, format="json"
    )
    assert guarantee.status_code == 400 and "instrument" in guarantee.json()
    blank = post("/api/investment-proposals/", {"case": decided.pk, **PROPOSAL, "valuation_basis": ""}, format="json")
    assert blank.status_code == 400 and "valuation_basis" in blank.json()
    assert not InvestmentProposal.objects.exists()


def test_each_step_is_audited_and_on_the_timeline(manager, officer, decided):
    proposal = services.investment_proposal_propose(user=manager, case=decided, **PROPOSAL)
    with pytest.raises(Conflict):
        services.investment_proposal_propose(user=manager, case=decided, **PROPOSAL)  # one open at a time
    services.investment_proposal_reject(user=officer, proposal=proposal, reason="Waardering te hoog.")
    second = services.investment_proposal_propose(user=manager, case=decided, **{**PROPOSAL, "amount": "4000000.00"})
    services.investment_proposal_approve(user=officer, proposal=second)
    events = list(
        AuditRecord.objects.filter(event__startswith="investment_proposal.")
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert events == [
        "investment_proposal.propose",
        "investment_proposal.reject",
        "investment_proposal.propose",
        "investment_proposal.approve",
    ]
    steps = [e.data["step"] for e in TimelineEvent.objects.filter(case=decided, data__has_key="investment_proposal")]
    assert steps == ["proposed", "rejected", "proposed", "approved"]


def test_web_propose_and_approve(client, manager, officer, decided):
    web_session(client, manager)
    page = reverse("bev:case_positions", args=[decided.pk])
    refused = client.post(
        reverse("bev:proposal_propose", args=[decided.pk]),
        {
            "proposal-instrument": "equity",
            "proposal-amount": "10.000.000,01",
            "proposal-terms": "x",
            "proposal-valuation_basis": "y",
        },
    )
    assert refused.status_code == 400 and "kabinetsbesluit MR-2026-01" in refused.content.decode()
    assert (
        client.post(
            reverse("bev:proposal_propose", args=[decided.pk]),
            {
                "proposal-instrument": "equity",
                "proposal-amount": "5.000.000",
                "proposal-terms": "20% van de aandelen",
                "proposal-valuation_basis": "Laatste ronde",
            },
        ).status_code
        == 302
    )
    proposal = InvestmentProposal.objects.get()
    assert "Goedkeuren (EZK" not in client.get(page).content.decode()  # not for the proposer
    client.logout()
    web_session(client, officer)
    body = client.get(page).content.decode()
    assert "20% van de aandelen" in body and "Goedkeuren (EZK" in body
    asked = client.post(reverse("bev:proposal_decide", args=[proposal.pk, "approve"]))  # asks first, shows what
    assert asked.status_code == 200 and "Bevestigen en goedkeuren" in asked.content.decode()
    assert (
        client.post(reverse("bev:proposal_decide", args=[proposal.pk, "approve"]), {"confirm": "1"}).status_code == 302
    )
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.decided_by == officer
    timeline = client.get(reverse("cases:detail", args=[decided.pk])).content.decode()
    assert "Investeringsvoorstel goedgekeurd door EZK" in timeline


def test_one_approved_proposal_per_decision_is_a_409_never_a_500(api, manager, officer, decided):
    """Found by trying the product: a second proposal under the same kabinetsbesluit was accepted (201)
    and approving it ended in a 500 (the one-approved-per-decision constraint)."""
    first = api(manager).post("/api/investment-proposals/", {"case": decided.pk, **PROPOSAL}, format="json").json()
    assert api(officer).post(f"/api/investment-proposals/{first['id']}/approve/").status_code == 200
    second = api(manager).post("/api/investment-proposals/", {"case": decided.pk, **PROPOSAL}, format="json")
    assert second.status_code == 409 and second.json()["code"] == "proposal_already_approved"
    assert "MR-2026-01" in second.json()["message"]
    # one that slipped in before (proposed beside the approved one): its approval is refused, not a 500
    approved = InvestmentProposal.objects.get()
    late = InvestmentProposal.objects.create(
        case=decided,
        decision=approved.decision,
        instrument="equity",
        amount=approved.amount,
        terms="t",
        valuation_basis="v",
        proposed_by=manager,
    )
    refused = api(officer).post(f"/api/investment-proposals/{late.pk}/approve/")
    assert refused.status_code == 409 and refused.json()["code"] == "proposal_already_approved"
    assert InvestmentProposal.objects.filter(status="approved").count() == 1

"""Whole lives of a case through the API, with the letter's own figures: a €100m fund received in two
tranches of €50m (2023, 2024), an equity stake of €12.5m in a strategic company, monitoring, a
risk review, the exit, the case closed; and the ends on the way."""

from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from cases.models import TimelineEvent
from parliament.models import LetterDraft as Letter

from .factories import add_liaisons, approve_assessment, approve_risk_review, fund_with_tranches

pytestmark = pytest.mark.django_db


def move(client, case, name, reason=""):
    response = client.post(f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": reason}, format="json")
    assert response.status_code == 200, (name, response.json())
    return response.json()["state"]


def test_signal_to_closed(
    api,
    officer,
    assessor,
    assessor2,
    secretariat,
    secretariat2,
    manager,
    manager2,
    make_user,
    case,
    django_capture_on_commit_callbacks,
):
    liaison = make_user("liaison", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[liaison])
    fund_with_tranches(user=manager)

    # EZK: intake and the risk assessment (afwegingskader, four eyes).
    assert move(api(officer), case, "start_intake") == "intake"
    assert move(api(officer), case, "start_assessment") == "risk_assessment"
    approve_assessment(case, lead=assessor, approver=assessor2, outcome="deploy")
    assert move(api(assessor), case, "submit_to_cabinet") == "cabinet_decision"

    # The cabinet decides: entered by one, confirmed by another.
    decision = (
        api(secretariat)
        .post(
            f"/api/cases/{case.pk}/cabinet-decisions/",
            {
                "meeting_date": timezone.localdate().isoformat(),
                "reference": "MR-2026-101",
                "deploy": True,
                "instruments": ["equity"],
                "max_amount": "25000000.00",
                "conditions": "Zetel in de raad van commissarissen",
            },
            format="json",
        )
        .json()
    )
    api(secretariat2).post(f"/api/cases/{case.pk}/cabinet-decisions/{decision['id']}/confirm/")
    assert move(api(secretariat), case, "start_investment_preparation") == "investment_preparation"

    # Invest-NL's investment proposal under the decision, approved by EZK's case officer.
    proposal = api(manager).post(
        "/api/investment-proposals/",
        {
            "case": case.pk,
            "instrument": "equity",
            "amount": "12500000.00",
            "terms": "25% van de aandelen, zetel RvC",
            "valuation_basis": "Pre-money € 37,5 mln (laatste ronde)",
        },
        format="json",
    )
    assert proposal.status_code == 201, proposal.json()
    assert api(officer).post(f"/api/investment-proposals/{proposal.json()['id']}/approve/").status_code == 200

    # Invest-NL: a position in equity, a disbursement proposed by one manager, approved by another.
    position = api(manager).post(
        "/api/positions/",
        {"case": case.pk, "instrument": "equity", "shares": 250000, "ownership_percent": "25"},
        format="json",
    )
    assert position.status_code == 201, position.json()
    position_id = position.json()["id"]
    proposed = api(manager).post(
        f"/api/positions/{position_id}/disbursements/",
        {"amount": "12500000.00", "idempotency_key": "e2e-disb-1"},
        format="json",
    )
    assert proposed.status_code == 201, proposed.json()
    assert (
        api(manager).post(f"/api/disbursements/{proposed.json()['id']}/approve/", {}, format="json").status_code == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        approved = api(manager2).post(f"/api/disbursements/{proposed.json()['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.json()
    case.refresh_from_db()
    assert case.state == "invested"  # the first disbursement moved the case

    # Parliament is informed afterwards: a draft for each chamber.
    assert set(Letter.objects.filter(case=case).values_list("chamber", flat=True)) == {"tweede_kamer", "eerste_kamer"}

    overview = api(manager).get("/api/fund/").json()
    assert Decimal(overview["deployed"]) == Decimal("12500000.00")
    assert Decimal(overview["available"]) == Decimal("87500000.00")

    # Monitoring; a risk review finds the risk manageable; the stake is sold.
    assert move(api(manager), case, "start_monitoring") == "monitoring"
    blocked = api(manager).post(f"/api/cases/{case.pk}/transitions/", {"name": "start_exit"}, format="json")
    assert blocked.status_code == 409 and blocked.json()["extra"]["unmet"] == ["exit_is_authorised"]
    approve_risk_review(case, lead=assessor, approver=assessor2, manageable=True)
    assert move(api(manager), case, "start_exit") == "exit"
    with django_capture_on_commit_callbacks(execute=True):
        sold = api(manager).post(
            f"/api/positions/{position_id}/exits/",
            {"proceeds": "15000000.00", "fraction_sold_percent": "100", "idempotency_key": "e2e-exit-1"},
            format="json",
        )
    assert sold.status_code == 201, sold.json()
    assert Decimal(sold.json()["realised_result"]) == Decimal("2500000.00")
    assert move(api(officer), case, "close") == "closed"

    steps = list(TimelineEvent.objects.filter(case=case, kind="transition").values_list("to_state", flat=True))
    assert steps == [
        "intake",
        "risk_assessment",
        "cabinet_decision",
        "investment_preparation",
        "invested",
        "monitoring",
        "exit",
        "closed",
    ]
    # An exit informs parliament too.
    assert Letter.objects.filter(case=case).count() == 4


def test_assessment_concludes_no_deployment(api, officer, assessor, assessor2, case):
    move(api(officer), case, "start_intake")
    move(api(officer), case, "start_assessment")
    approve_assessment(case, lead=assessor, approver=assessor2, outcome="do_not_deploy")
    refused = api(assessor).post(f"/api/cases/{case.pk}/transitions/", {"name": "submit_to_cabinet"}, format="json")
    assert refused.status_code == 409
    assert (
        move(api(assessor), case, "conclude_not_deployed", reason="Geen invloed van een statelijke actor vastgesteld.")
        == "not_deployed"
    )

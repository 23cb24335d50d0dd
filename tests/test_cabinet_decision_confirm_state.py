"""A kabinetsbesluit is confirmed only at the stage it was recorded in. An ended case (closed,
withdrawn, not admissible, not deployed), or a case no longer at that stage, takes no confirmation:
409 (API), a form error and no button (web), and nothing changes. The state is the one
read on the case's row locked (docs/security.md, "a state checked is a state locked")."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import CabinetDecision, Case
from cases.services import cabinet_decision_record, case_transition

from .factories import web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_decision(case, secretariat):
    """A decision to deploy recorded at the cabinet stage, not yet confirmed."""
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    return cabinet_decision_record(
        user=secretariat,
        case=Case.objects.get(pk=case.pk),
        meeting_date=date.today(),
        reference="MR-2026-07",
        deploy=True,
        instruments=["equity"],
        max_amount=Decimal("25000000.00"),
    )


def test_a_withdrawn_case_takes_no_confirmation_of_its_decision(api, officer, secretariat2, pending_decision):
    case = pending_decision.case
    case_transition(user=officer, case=case, name="withdraw", reason="De overname gaat niet door.")
    url = f"/api/cases/{case.pk}/cabinet-decisions/{pending_decision.pk}/confirm/"
    response = api(secretariat2).post(url)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "case_closed"
    # the web: no confirm button on the confirmation page, and the POST is a form error
    client = web_session(Client(), secretariat2)
    page = client.get(reverse("cases:decision_confirm", args=[case.pk, pending_decision.pk]))
    assert page.status_code == 200 and not page.context["may_confirm"]
    posted = client.post(reverse("cases:decision_confirm", args=[case.pk, pending_decision.pk]))
    assert posted.status_code == 400
    assert "beëindigd" in posted.content.decode()
    assert CabinetDecision.objects.get(pk=pending_decision.pk).confirmed_at is None


def test_a_decision_is_confirmed_only_at_its_stage(api, secretariat2, pending_decision):
    Case.objects.filter(pk=pending_decision.case_id).update(state="intake")  # not at the cabinet (any more)
    response = api(secretariat2).post(
        f"/api/cases/{pending_decision.case_id}/cabinet-decisions/{pending_decision.pk}/confirm/"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert CabinetDecision.objects.get(pk=pending_decision.pk).confirmed_at is None
    Case.objects.filter(pk=pending_decision.case_id).update(state="cabinet_decision")
    assert (
        api(secretariat2)
        .post(f"/api/cases/{pending_decision.case_id}/cabinet-decisions/{pending_decision.pk}/confirm/")
        .status_code
        == 200
    )

"""One confirmed kabinetsbesluit per decision round. The service refused a new decision while one
waited for confirmation, but once a decision was confirmed the API recorded another in the same
round (only the web page hid the form). Now the service refuses it (409
`decision_already_confirmed`), and the case page and "Mijn werk" ask the same rule
(cases.selectors.cabinet_decision_refusal). Later rounds still work: a rejected decision binds
nothing, a follow-on decision is a new round, and a sale order closes no round."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.constants import State
from cases.models import CabinetDecision, Case
from cases.services import cabinet_decision_confirm, cabinet_decision_record, cabinet_decision_reject
from core.exceptions import Conflict

from .factories import (
    approve_assessment,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    web_session,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
DECISIONS = "/api/cases/{pk}/cabinet-decisions/"


def _body(reference, *, deploy=True, orders_sale=False):
    body = {"meeting_date": date.today().isoformat(), "reference": reference, "deploy": deploy}
    if deploy:
        body |= {"instruments": ["equity"], "max_amount": "25000000.00"}
    if orders_sale:
        body["orders_sale"] = True
    return body


def _record(user, case, reference, **kw):
    deploy = kw.pop("deploy", True)
    return cabinet_decision_record(
        user=user,
        case=Case.objects.get(pk=case.pk),
        meeting_date=date.today(),
        reference=reference,
        deploy=deploy,
        instruments=["equity"] if deploy else [],
        max_amount=25 * M if deploy else None,
        **kw,
    )


@pytest.fixture
def decided(case, secretariat, secretariat2):
    """A case at the cabinet whose decision to deploy is recorded and confirmed."""
    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    return cabinet_decision_confirm(user=secretariat2, decision=_record(secretariat, case, "MR-2026-10"))


def test_the_api_refuses_a_second_decision_once_one_is_confirmed(api, decided, secretariat):
    answer = api(secretariat).post(DECISIONS.format(pk=decided.case_id), _body("MR-2026-11"), format="json")
    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "decision_already_confirmed"
    assert "al bevestigd" in answer.json()["message"]
    assert list(CabinetDecision.objects.filter(case_id=decided.case_id).values_list("reference", flat=True)) == [
        "MR-2026-10"
    ]
    # a decision not to deploy is no way around it either
    declined = api(secretariat).post(DECISIONS.format(pk=decided.case_id), _body("MR-2026-12", deploy=False))
    assert declined.status_code == 409 and declined.json()["code"] == "decision_already_confirmed"


def test_the_service_refuses_it_too(decided, secretariat2):
    with pytest.raises(Conflict) as refused:
        _record(secretariat2, decided.case, "MR-2026-11", deploy=False)
    assert refused.value.code == "decision_already_confirmed"
    assert CabinetDecision.objects.filter(case_id=decided.case_id).count() == 1


def test_the_page_offers_no_form_and_a_post_is_refused_at_the_form(client, decided, secretariat):
    web_session(client, secretariat)
    page = client.get(reverse("cases:detail", args=[decided.case_id])).content.decode()
    assert reverse("cases:decision_record", args=[decided.case_id]) not in page
    posted = client.post(
        reverse("cases:decision_record", args=[decided.case_id]),
        {"meeting_date": date.today().isoformat(), "reference": "MR-2026-11", "deploy": "no"},
    )
    assert posted.status_code == 400
    assert "al bevestigd" in posted.content.decode()
    assert CabinetDecision.objects.filter(case_id=decided.case_id).count() == 1


def test_a_rejected_decision_does_not_close_the_round(api, case, secretariat, secretariat2):
    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    cabinet_decision_reject(user=secretariat2, decision=_record(secretariat, case, "MR-FOUT"), reason="Ander bedrag.")
    answer = api(secretariat).post(DECISIONS.format(pk=case.pk), _body("MR-2026-10"), format="json")
    assert answer.status_code == 201, answer.content


@pytest.fixture
def held(case, manager, manager2, secretariat, secretariat2):
    """€ 10 mln invested under a confirmed decision; the case in monitoring."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    Case.objects.filter(pk=position.case_id).update(state=State.MONITORING)
    return Case.objects.get(pk=position.case_id)


def test_a_follow_on_is_a_new_round_and_closes_once_confirmed(
    api, held, officer, secretariat, secretariat2, assessor, assessor2
):
    sent = api(officer).post(
        f"/api/cases/{held.pk}/transitions/",
        {"name": "request_follow_on_decision", "reason": "Nieuwe financieringsronde"},
        format="json",
    )
    assert sent.status_code == 200, sent.content
    approve_assessment(Case.objects.get(pk=held.pk), lead=assessor, approver=assessor2, outcome="deploy")
    first = api(secretariat).post(DECISIONS.format(pk=held.pk), _body("MR-VERVOLG"), format="json")
    assert first.status_code == 201, first.content  # the earlier confirmed decision closed its own round
    confirmed = api(secretariat2).post(f"{DECISIONS.format(pk=held.pk)}{first.json()['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.content
    second = api(secretariat).post(DECISIONS.format(pk=held.pk), _body("MR-VERVOLG-2"), format="json")
    assert second.status_code == 409 and second.json()["code"] == "decision_already_confirmed"


def test_a_sale_order_is_recorded_while_the_stake_is_held_and_closes_no_round(api, held, secretariat, secretariat2):
    """The decision to deploy was confirmed; the cabinet may still order the sale, and a further
    (e.g. full after partial) sale order after that: neither is a decision on deploying."""
    url = DECISIONS.format(pk=held.pk)
    for reference in ("MR-VERKOOP-1", "MR-VERKOOP-2"):
        recorded = api(secretariat).post(url, _body(reference, deploy=False, orders_sale=True), format="json")
        assert recorded.status_code == 201, recorded.content
        assert api(secretariat2).post(f"{url}{recorded.json()['id']}/confirm/").status_code == 200

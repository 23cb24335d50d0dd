"""The exit gate: no sale of the State's stake, partial or full (service, API, web), without an
approved risk review that concluded the risk is manageable, or a confirmed kabinetsbesluit ordering
the sale. Dilution by a third party's round is no sale and stays recordable at any time.

Letter 2023, "Werking": "Zodra de risico's voor de nationale veiligheid tot op een beheersbaar niveau
zijn gebracht, zal de overheid haar belang in de betreffende onderneming afbouwen."
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bev import services
from bev.models import Dilution, Exit, JournalEntry
from cases.models import CabinetDecision, Case
from cases.services import cabinet_decision_confirm, cabinet_decision_record
from core.exceptions import Conflict, PermissionDenied, RuleViolation
from parliament.composition import compose_letter, letter_facts
from parliament.models import LetterRequest

from .factories import (
    approve_risk_review,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    order_sale,
    web_session,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    """An equity stake, invested (the case is in 'invested')."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(
        ready, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("40"), shares=4000
    )


def in_monitoring(position):
    Case.objects.filter(pk=position.case_id).update(state="monitoring")  # entering monitoring: cases' own test
    return Case.objects.get(pk=position.case_id)


def sell(manager, position, fraction=50, key="x1"):
    return services.exit_book(
        user=manager, position=position, proceeds=6 * M, fraction_sold_percent=fraction, idempotency_key=key
    )


def nothing_sold():
    return not Exit.objects.exists() and not JournalEntry.objects.filter(kind="sale").exists()


@pytest.mark.parametrize("fraction", [50, 100])
def test_no_sale_without_a_review_or_a_decision(manager, position, fraction):
    with pytest.raises(Conflict) as refused:
        sell(manager, position, fraction)
    assert refused.value.code == "exit_not_authorised"
    assert nothing_sold()


def test_no_sale_in_monitoring_without_a_review(manager, position):
    in_monitoring(position)
    with pytest.raises(Conflict) as refused:
        sell(manager, position)
    assert refused.value.code == "exit_not_authorised"
    assert nothing_sold()


def test_a_review_that_finds_the_risk_not_manageable_keeps_the_gate_shut(manager, assessor, assessor2, position):
    case = in_monitoring(position)
    approve_risk_review(case, lead=assessor, approver=assessor2, manageable=False)
    with pytest.raises(Conflict):
        sell(manager, position)
    assert nothing_sold()


def test_an_approved_review_finding_the_risk_manageable_opens_the_gate(manager, assessor, assessor2, position):
    case = in_monitoring(position)
    approve_risk_review(case, lead=assessor, approver=assessor2, manageable=True)
    exit_row = sell(manager, position)
    assert exit_row.fraction_sold_percent == 50 and not exit_row.is_full


def test_the_latest_review_counts(manager, assessor, assessor2, position):
    case = in_monitoring(position)
    approve_risk_review(case, lead=assessor, approver=assessor2, manageable=True)
    approve_risk_review(case, lead=assessor, approver=assessor2, manageable=False)
    with pytest.raises(Conflict):
        sell(manager, position)


def test_a_submitted_but_unapproved_review_does_not_open_the_gate(manager, assessor, position):
    from assessments.services import assessment_start, assessment_submit

    from .factories import answer_review_checks

    case = in_monitoring(position)
    review = assessment_start(user=assessor, case=case, kind="risk_review")
    answer_review_checks(review, lead=assessor, answer="yes")
    assessment_submit(user=assessor, assessment=review)
    with pytest.raises(Conflict):
        sell(manager, position)


def test_a_confirmed_kabinetsbesluit_ordering_the_sale_opens_the_gate(manager, secretariat, secretariat2, position):
    decision = cabinet_decision_record(
        user=secretariat,
        case=position.case,
        meeting_date=timezone.localdate(),
        reference="MR-2026-11",
        deploy=False,
        orders_sale=True,
    )
    with pytest.raises(Conflict):  # recorded, not yet confirmed by a second person
        sell(manager, position)
    with pytest.raises(PermissionDenied):  # four eyes on the decision
        cabinet_decision_confirm(user=secretariat, decision=decision)
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    assert sell(manager, position, 100).is_full


def test_a_sale_order_is_not_a_decision_to_deploy(secretariat, position):
    with pytest.raises(RuleViolation) as refused:
        cabinet_decision_record(
            user=secretariat,
            case=position.case,
            meeting_date=timezone.localdate(),
            reference="MR-2026-11",
            deploy=True,
            orders_sale=True,
        )
    assert refused.value.field == "deploy"
    assert not CabinetDecision.objects.filter(orders_sale=True).exists()


def test_a_sale_order_needs_a_stake(case, secretariat):
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    with pytest.raises(Conflict) as refused:
        cabinet_decision_record(
            user=secretariat,
            case=Case.objects.get(pk=case.pk),
            meeting_date=timezone.localdate(),
            reference="MR-2026-11",
            deploy=False,
            orders_sale=True,
        )
    assert refused.value.code == "invalid_state"


def test_the_sale_order_is_not_read_as_the_decision_to_deploy(secretariat, secretariat2, position):
    deploy = position.case.confirmed_cabinet_decision()
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2)
    case = Case.objects.get(pk=position.case_id)
    assert case.confirmed_cabinet_decision() == deploy and case.confirmed_sale_order().orders_sale


def test_the_case_moves_to_exit_on_a_sale_order(api, manager, secretariat, secretariat2, position):
    in_monitoring(position)
    url, data = f"/api/cases/{position.case_id}/transitions/", {"name": "start_exit", "reason": ""}
    refused = api(manager).post(url, data, format="json")
    assert refused.status_code == 409 and refused.json()["extra"]["unmet"] == ["exit_is_authorised"]
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2)
    response = api(manager).post(url, data, format="json")
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("state", ["invested", "monitoring", "exit"])
def test_dilution_is_no_sale_and_is_recorded_at_any_time(manager, position, state):
    Case.objects.filter(pk=position.case_id).update(state=state)
    services.dilution_record(
        user=manager,
        position=position,
        issued_on=date(2026, 5, 1),
        shares_outstanding_before=10000,
        new_shares_issued=2500,
    )
    position.refresh_from_db()
    assert position.ownership_percent == Decimal("32") and Dilution.objects.count() == 1
    assert nothing_sold()


def test_the_api_refuses_a_sale_with_409_and_a_stable_code(api, manager, position):
    response = api(manager).post(
        f"/api/positions/{position.pk}/exits/",
        {"proceeds": "6000000", "fraction_sold_percent": "50", "idempotency_key": "api-x"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "exit_not_authorised"
    assert nothing_sold()


def test_the_api_records_a_sale_order(api, secretariat, secretariat2, manager, position):
    url = f"/api/cases/{position.case_id}/cabinet-decisions/"
    bad = api(secretariat).post(
        url,
        {"meeting_date": str(timezone.localdate()), "reference": "MR-2026-11", "deploy": True, "orders_sale": True},
        format="json",
    )
    assert bad.status_code == 400 and "deploy" in bad.json()
    created = api(secretariat).post(
        url,
        {"meeting_date": str(timezone.localdate()), "reference": "MR-2026-11", "deploy": False, "orders_sale": True},
        format="json",
    )
    assert created.status_code in (200, 201), created.json()
    decision = CabinetDecision.objects.get(orders_sale=True)
    confirm = api(secretariat2).post(f"{url}{decision.pk}/confirm/", {}, format="json")
    assert confirm.status_code == 200, confirm.json()
    assert sell(manager, position).fraction_sold_percent == 50


def test_the_web_form_shows_the_refusal_as_a_form_error(client, manager, position):
    web_session(client, manager)
    response = client.post(
        reverse("bev:position_book", args=[position.pk, "exit"]),
        {
            "exit-proceeds": "6.000.000",
            "exit-fraction_sold_percent": "50",
            "exit-idempotency_key": "web-x",
            "confirm": "1",
        },
    )
    assert response.status_code == 400
    assert "geen goedgekeurde risicoheroverweging" in response.content.decode()
    assert nothing_sold()


def test_the_web_records_a_sale_order_while_the_stake_is_held(client, secretariat, position):
    web_session(client, secretariat)
    page = client.get(reverse("cases:detail", args=[position.case_id])).content.decode()
    assert "Kabinetsbesluit tot verkoop van het belang vastleggen" in page
    response = client.post(
        reverse("cases:decision_record", args=[position.case_id]),
        {"meeting_date": str(timezone.localdate()), "reference": "MR-2026-11"},
    )
    assert response.status_code == 302
    decision = CabinetDecision.objects.get(orders_sale=True)
    assert decision.deploy is False and decision.confirmed_at is None


# --- the exit Kamerbrief states the ground of the sale, only what is on record --------------------
def _exit_letter(position, kind="partial_exit"):
    request = LetterRequest.objects.filter(case_id=position.case_id, kind=kind).latest("id")
    return compose_letter(letter_facts(request=request, chamber="tweede_kamer", letter_date=date(2026, 6, 1))).body


REVIEW_SENTENCE = "Uit de risicoheroverweging van"
ORDER_SENTENCE = "Het kabinet heeft op 6 maart 2026 besloten tot verkoop van het belang."


def test_the_exit_letter_states_the_review_conclusion_when_the_review_opened_the_gate(
    manager, assessor, assessor2, position
):
    case = in_monitoring(position)
    approve_risk_review(case, lead=assessor, approver=assessor2, manageable=True)
    sell(manager, position)
    body = _exit_letter(position)
    assert REVIEW_SENTENCE in body and "tot op een beheersbaar niveau zijn gebracht" in body
    assert "besloten tot verkoop" not in body


def test_the_exit_letter_states_the_decision_when_the_cabinet_ordered_the_sale(
    manager, secretariat, secretariat2, position
):
    from core.formatting import date_nl

    # the meeting is not before the case came into its state (cases.services.cabinet_decision_record)
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2, meeting_date=timezone.localdate())
    sell(manager, position)
    body = _exit_letter(position)
    assert f"Het kabinet heeft op {date_nl(timezone.localdate())} besloten tot verkoop van het belang." in body
    assert REVIEW_SENTENCE not in body and "beheersbaar niveau" not in body


def test_the_exit_letter_follows_the_facts():
    from .test_kamerbrief_content import facts

    neither = compose_letter(facts(kind="partial_exit")).body
    assert "beheersbaar niveau" not in neither and "besloten tot verkoop" not in neither
    review = compose_letter(facts(kind="partial_exit", exit_review_date=date(2026, 5, 4))).body
    assert "Uit de risicoheroverweging van 4 mei 2026 blijkt" in review and "besloten tot verkoop" not in review
    order = compose_letter(facts(kind="full_exit", sale_order_date=date(2026, 3, 6))).body
    assert ORDER_SENTENCE in order and "beheersbaar niveau" not in order
    # Found by trying the product: "Daarom bouwt de Staat zijn belang af, zoals aangekondigd." while
    # nothing had been announced to that chamber (its first letter on the case was still a draft), and
    # after a sale the cabinet ordered, which no letter announces.
    for body in (review, order):
        assert "Daarom bouwt de Staat zijn belang af." in body and "af, zoals aangekondigd" not in body


def test_a_decision_dated_before_the_case_came_to_the_cabinet_is_refused(
    api, case, officer, assessor, assessor2, secretariat
):
    """A kabinetsbesluit dated 2020-01-01 was recorded on a case signalled in 2026, and the Kamerbrief
    would say "heeft het kabinet op 1 januari 2020 besloten"."""
    from cases.services import case_transition

    from .factories import approve_assessment, start_risk_assessment

    start_risk_assessment(case, officer=officer)
    approve_assessment(case, lead=assessor, approver=assessor2)
    case_transition(user=assessor, case=Case.objects.get(pk=case.pk), name="submit_to_cabinet")
    body = {
        "meeting_date": "2020-01-01",
        "reference": "MR 2026/50",
        "deploy": True,
        "instruments": ["equity"],
        "max_amount": "50000000.00",
    }
    response = api(secretariat).post(f"/api/cases/{case.pk}/cabinet-decisions/", body)
    assert response.status_code == 400 and "meeting_date" in response.json(), response.content
    assert "Kabinetsbesluit" in response.json()["meeting_date"][0] or "status" in response.json()["meeting_date"][0]
    assert not CabinetDecision.objects.filter(case=case).exists()
    body["meeting_date"] = str(timezone.localdate())
    assert api(secretariat).post(f"/api/cases/{case.pk}/cabinet-decisions/", body).status_code == 201


def test_negative_proceeds_are_refused_as_negative_nil_proceeds_are_a_sale(
    manager, secretariat, secretariat2, position
):
    """Found by trying the product: "-1" was refused with "Het bedrag moet groter zijn dan nul" while
    "0.00" (a stake sold for nothing) is accepted: the message said what the rule is not."""
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2, meeting_date=timezone.localdate())
    with pytest.raises(RuleViolation) as refused:
        services.exit_book(
            user=manager, position=position, proceeds="-1", fraction_sold_percent=50, idempotency_key="n"
        )
    assert (refused.value.field, refused.value.message) == ("proceeds", "Het bedrag mag niet negatief zijn.")
    assert nothing_sold()
    services.exit_book(user=manager, position=position, proceeds="0.00", fraction_sold_percent=50, idempotency_key="z")
    assert Exit.objects.get().proceeds == 0

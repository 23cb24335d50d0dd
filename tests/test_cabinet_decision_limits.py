"""The kabinetsbesluit binds the money ("draag ik zorg dat het kabinetsbesluit om te investeren door
Invest-NL effectief ten uitvoer wordt gebracht", letter): a decision to deploy records the
instruments, the maximum for the case and a lapse date; every reservation and disbursement stays
within them (409 naming the decision and what is left), nothing is booked on refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bev import services
from bev.models import JournalEntry
from cases.models import CabinetDecision, Case
from core.exceptions import Conflict

from .factories import case_to_investment_preparation, fund_with_tranches, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def decided(case, manager, secretariat, secretariat2):
    """The cabinet allowed €10m in equity; Invest-NL's proposal under it is approved."""
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=10 * M, instruments=["equity"]
    )


@pytest.fixture
def position(decided, manager):
    return services.position_create(user=manager, case=decided, instrument="equity", ownership_percent=Decimal("20"))


def reserve(user, position, amount, key):
    return services.reservation_book(user=user, position=position, amount=amount, idempotency_key=key)


def propose(user, position, amount, key):
    return services.disbursement_propose(user=user, position=position, amount=amount, idempotency_key=key)


# -- recording the decision -------------------------------------------------------------------
def test_a_decision_to_deploy_names_instruments_and_maximum(api, secretariat, case):
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    url = f"/api/cases/{case.pk}/cabinet-decisions/"
    bare = api(secretariat).post(
        url, {"meeting_date": "2026-11-20", "reference": "MR-1", "deploy": True}, format="json"
    )
    assert bare.status_code == 400
    assert set(bare.json()) == {"instruments", "max_amount"}
    debt = api(secretariat).post(
        url,
        {
            "meeting_date": "2026-11-20",
            "reference": "MR-1",
            "deploy": True,
            "instruments": ["guarantee"],
            "max_amount": "1000.00",
        },
        format="json",
    )
    assert debt.status_code == 400 and "instruments" in debt.json()
    declined_with_money = api(secretariat).post(
        url,
        {"meeting_date": "2026-11-20", "reference": "MR-1", "deploy": False, "max_amount": "1000.00"},
        format="json",
    )
    assert declined_with_money.status_code == 400 and "max_amount" in declined_with_money.json()
    early = api(secretariat).post(
        url,
        {
            "meeting_date": "2026-11-20",
            "reference": "MR-1",
            "deploy": True,
            "instruments": ["equity"],
            "max_amount": "1000.00",
            "lapses_on": "2026-11-19",
        },
        format="json",
    )
    assert early.status_code == 400 and "lapses_on" in early.json()
    assert not CabinetDecision.objects.exists()
    ok = api(secretariat).post(
        url,
        {
            "meeting_date": "2026-11-20",
            "reference": "MR-1",
            "deploy": True,
            "instruments": ["loan_with_warrants", "equity"],
            "max_amount": "12500000.00",
            "lapses_on": "2027-05-20",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    # the confirming secretary reads all of it in the API response
    listed = api(secretariat).get(url).json()[0]
    assert listed["instruments"] == ["equity", "loan_with_warrants"]
    assert listed["max_amount"] == "12500000.00" and listed["lapses_on"] == "2027-05-20"


# -- the maximum ------------------------------------------------------------------------------
def test_a_reservation_above_the_decided_maximum_is_refused_with_what_is_left(api, manager, position):
    assert reserve(manager, position, 6 * M, "r1")
    before = JournalEntry.objects.count()
    response = api(manager).post(
        f"/api/positions/{position.pk}/reservations/", {"amount": "4000000.01", "idempotency_key": "r2"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "cabinet_decision_limit"
    assert "MR-2026-01" in body["message"] and "€ 4.000.000,00" in body["message"]
    assert body["extra"]["decision"] == "MR-2026-01" and body["extra"]["left"] == "4000000.00"
    assert JournalEntry.objects.count() == before
    assert reserve(manager, position, 4 * M, "r3")  # exactly at the maximum


def test_committed_counts_reservations_and_disbursements_less_releases(manager, manager2, position):
    reserve(manager, position, 6 * M, "r1")
    # 8m disbursed, 6m of it from the reservation: the committed total goes from 6m to 8m.
    services.disbursement_approve(user=manager2, disbursement=propose(manager, position, 8 * M, "d1"))
    reserve(manager, position, 2 * M, "r2")  # 10m committed
    with pytest.raises(Conflict) as refused:
        reserve(manager, position, Decimal("0.01"), "r3")
    assert refused.value.code == "cabinet_decision_limit"
    services.reservation_release(user=manager, position=position, amount=M, idempotency_key="rel1")
    assert reserve(manager, position, M, "r4")  # the release gave room back under the decision
    # 2m reserved: a disbursement drawing on it adds nothing; one cent beyond it is refused
    assert propose(manager, position, 2 * M, "d2")
    with pytest.raises(Conflict):
        propose(manager, position, 2 * M + Decimal("0.01"), "d3")


def test_two_disbursements_within_the_maximum_apart_but_not_together(manager, manager2, position):
    first, second = propose(manager, position, 6 * M, "d1"), propose(manager, position, 6 * M, "d2")
    services.disbursement_approve(user=manager2, disbursement=first)
    with pytest.raises(Conflict) as refused:
        services.disbursement_approve(user=manager2, disbursement=second)  # checked again under the fund lock
    assert refused.value.code == "cabinet_decision_limit"
    second.refresh_from_db()
    assert second.status == "proposed"
    assert JournalEntry.objects.filter(kind="disbursement").count() == 1


# -- the instrument and the lapse date --------------------------------------------------------
def test_an_instrument_the_decision_does_not_allow_is_refused(api, manager, decided):
    """Refused when the position is recorded (found by trying the product: such a position was recorded,
    and every booking on it refused afterwards), and still at every booking: a later decision governs."""
    response = api(manager).post(
        "/api/positions/",
        {
            "case": decided.pk,
            "instrument": "convertible_loan",
            "principal": "1000000.00",
            "conversion_terms": "Tegen de prijs van de volgende ronde.",
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "cabinet_decision_instrument" and response.json()["field"] == "instrument"
    assert "MR-2026-01" in response.json()["message"]
    # the instruments in words, as the decision's page shows them, not their codes
    assert (
        "„In aandelen converteerbare lening”" in response.json()["message"]
        and "(wel: Aandelen)" in response.json()["message"]
    )
    assert "convertible_loan" not in response.json()["message"]
    assert not decided.positions.exists()
    # The bookings' own check (a position recorded under an earlier decision that allowed it):
    from bev.services.ledger import _check_cabinet_decision

    with pytest.raises(Conflict) as refused:
        _check_cabinet_decision(case=decided, instrument="convertible_loan", increase=M)
    assert refused.value.code == "cabinet_decision_instrument"
    assert not JournalEntry.objects.filter(kind__in=["reservation", "disbursement"]).exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"instrument": "equity", "ownership_percent": "0"}, "ownership_percent"),
        ({"instrument": "equity", "ownership_percent": "10", "shares": 0}, "shares"),
    ],
)
def test_a_position_without_a_stake_is_refused_at_its_field(api, manager, decided, terms, field):
    response = api(manager).post("/api/positions/", {"case": decided.pk, **terms}, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not decided.positions.exists()


@pytest.fixture
def loan_decided(case, manager, secretariat, secretariat2):
    """The cabinet allowed a convertible loan of at most €25m (the tester's case 7)."""
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=25 * M, instruments=["convertible_loan"]
    )


@pytest.mark.parametrize(
    ("terms", "status", "field"),
    [
        ({"maturity_date": "2020-01-01"}, 400, "maturity_date"),  # matured before it was recorded
        ({"maturity_date": "today"}, 400, "maturity_date"),
        ({"principal": "25000000.01"}, 409, "principal"),  # above the decision's maximum
        ({"principal": "0.00"}, 400, "principal"),
    ],
)
def test_loan_terms_that_cannot_be_right_are_refused_at_their_field(api, manager, loan_decided, terms, status, field):
    """Found by trying the product: a loan maturing in 2020, and one with a principal of €200m under a
    decision of €25m, were recorded, and money was disbursed on the first."""
    if terms.get("maturity_date") == "today":
        terms = {"maturity_date": timezone.localdate().isoformat()}
    data = {
        "case": loan_decided.pk,
        "instrument": "convertible_loan",
        "principal": "5000000.00",
        "interest_rate_percent": "5",
        "conversion_terms": "Tegen de prijs van de volgende ronde.",
        **terms,
    }
    response = api(manager).post("/api/positions/", data, format="json")
    body = response.json()
    assert response.status_code == status and (body.get("field") == field if status == 409 else field in body), body
    assert not loan_decided.positions.exists()
    # the same loan with sound terms is recorded
    sound = {
        **data,
        "principal": "25000000.00",
        "maturity_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
    }
    assert api(manager).post("/api/positions/", sound, format="json").status_code == 201


def test_a_lapsed_decision_allows_nothing_more(manager, manager2, position):
    pending = propose(manager, position, M, "d1")
    # the decision's lapse date passes
    CabinetDecision.objects.update(
        meeting_date=timezone.localdate() - timedelta(days=30), lapses_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Conflict) as refused:
        reserve(manager, position, M, "r1")
    assert refused.value.code == "cabinet_decision_lapsed"
    with pytest.raises(Conflict):
        services.disbursement_approve(user=manager2, disbursement=pending)
    CabinetDecision.objects.update(lapses_on=timezone.localdate())  # the last day still counts
    assert reserve(manager, position, M, "r2")


# -- the web UI shows the refusal at the form ---------------------------------------------------
def test_web_reservation_above_the_maximum_is_a_form_error(client, manager, position):
    web_session(client, manager)
    response = client.post(
        reverse("bev:position_book", args=[position.pk, "reserve"]),
        {"reserve-amount": "10.000.000,01", "reserve-idempotency_key": "web-r1"},
    )
    assert response.status_code == 400
    assert "Kabinetsbesluit MR-2026-01" in response.content.decode()
    assert not JournalEntry.objects.filter(kind="reservation").exists()


def test_a_maximum_above_the_funds_size_is_refused_at_the_field(api, client, manager, secretariat, case):
    """150.000.001 for one case, against a fund of at most € 150 miljoen ("De maximale omvang van de
    voorziening bedraagt 150 miljoen euro in liquide middelen", letter): refused at `max_amount` in
    the API and the web form, nothing recorded; the fund's own figure is the bound."""
    fund_with_tranches(user=manager)
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    decision = {"meeting_date": "2026-11-20", "reference": "MR-9", "deploy": True, "instruments": ["equity"]}
    url = f"/api/cases/{case.pk}/cabinet-decisions/"
    over = api(secretariat).post(url, {**decision, "max_amount": "150000001.00"}, format="json")
    assert over.status_code == 400 and set(over.json()) == {"max_amount"}, over.json()
    assert "€ 150.000.000,00" in over.json()["max_amount"][0]
    web_session(client, secretariat)
    form = client.post(
        reverse("cases:decision_record", args=[case.pk]),
        {**decision, "deploy": "yes", "max_amount": "150.000.001", "instruments": ["equity"]},
    )
    assert form.status_code == 400 and "boven de maximale omvang van de voorziening" in form.content.decode()
    assert not CabinetDecision.objects.exists()
    at_the_limit = api(secretariat).post(url, {**decision, "max_amount": "150000000.00"}, format="json")
    assert at_the_limit.status_code == 201, at_the_limit.json()

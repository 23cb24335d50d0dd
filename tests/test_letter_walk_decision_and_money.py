"""Cases built from the 2023 letter's own figures, walked as the people who use the service would:
a withdrawal after the kabinetsbesluit, the decision's date, the €100m/€150m figures the fund page
shows. Each test asserts what users rely on (the figures, the refusal's field and code), not only a
status code."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bev import services
from bev.models import JournalEntry
from bev.selectors import fund_overview
from cases.models import Case
from cases.services import cabinet_decision_record, case_transition
from core.exceptions import Conflict

from .factories import (
    case_to_investment_preparation,
    fund_with_tranches,
    web_session,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


# ---------------------------------------------------------------------------------------------
# A withdrawal after the kabinetsbesluit: no money is earmarked for a case that ended
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def withdrawn_after_decision(case, manager, secretariat, secretariat2, officer):
    """The letter's fund (two €50m tranches), a kabinetsbesluit to deploy up to €30m in equity,
    Invest-NL's proposal approved, a position opened, and then the threat went away: withdrawn."""
    fund_with_tranches(user=manager)
    prepared = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=30 * M, instruments=("equity",)
    )
    position = services.position_create(
        user=manager, case=prepared, instrument="equity", ownership_percent=Decimal("25"), shares=2500
    )
    case_transition(user=officer, case=prepared, name="withdraw", reason="De overnemer trok zich terug.")
    position.refresh_from_db()
    return position


def test_no_liquidity_is_reserved_for_a_case_withdrawn_after_the_decision(withdrawn_after_decision, manager):
    before = fund_overview()
    with pytest.raises(Conflict) as refused:
        services.reservation_book(
            user=manager, position=withdrawn_after_decision, amount=10 * M, idempotency_key="after-withdrawal"
        )
    assert refused.value.code == "invalid_state"
    assert "Ingetrokken" in refused.value.message or "ingetrokken" in refused.value.message
    after = fund_overview()
    assert (after["reserved"], after["available"]) == (before["reserved"], before["available"]) == (0, 100 * M)
    assert not JournalEntry.objects.filter(idempotency_key="after-withdrawal").exists()


def test_the_api_answers_409_for_a_reservation_on_a_withdrawn_case(withdrawn_after_decision, manager, api):
    response = api(manager).post(
        f"/api/positions/{withdrawn_after_decision.pk}/reservations/",
        {"amount": "10000000.00", "idempotency_key": "api-after-withdrawal"},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_state"
    assert fund_overview()["reserved"] == 0


def test_a_reservation_made_before_the_withdrawal_is_released_by_it(case, manager, secretariat, secretariat2, officer):
    """What was earmarked before the withdrawal goes back to the available liquidity, with the
    withdrawal itself (tests/test_case_end_releases_reservation.py): nothing is left to release."""
    fund_with_tranches(user=manager)
    prepared = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=30 * M, instruments=("equity",)
    )
    position = services.position_create(
        user=manager, case=prepared, instrument="equity", ownership_percent=Decimal("25"), shares=2500
    )
    services.reservation_book(user=manager, position=position, amount=30 * M, idempotency_key="r-before")
    case_transition(user=officer, case=Case.objects.get(pk=case.pk), name="withdraw", reason="Teruggetrokken.")
    overview = fund_overview()
    assert (overview["reserved"], overview["available"]) == (0, 100 * M)
    with pytest.raises(Conflict) as refused:
        services.reservation_release(user=manager, position=position, amount=30 * M, idempotency_key="r-release")
    assert refused.value.code == "position_reservation"


# ---------------------------------------------------------------------------------------------
# The kabinetsbesluit's date: "Op basis van deze risico-inschatting beslist het kabinet"; the
# Kamerbrief states "heeft het kabinet op <datum> besloten", so a recorded decision has been taken
# ---------------------------------------------------------------------------------------------
def _at_cabinet(case):
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    return Case.objects.get(pk=case.pk)


def test_a_kabinetsbesluit_dated_tomorrow_is_refused_at_the_meeting_date(case, secretariat):
    case = _at_cabinet(case)
    tomorrow = timezone.localdate() + timedelta(days=1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        cabinet_decision_record(
            user=secretariat,
            case=case,
            meeting_date=tomorrow,
            reference="MR-toekomst",
            deploy=True,
            instruments=["equity"],
            max_amount=30 * M,
        )
    assert "meeting_date" in refused.value.message_dict
    assert not case.cabinet_decisions.exists()


def test_the_api_refuses_a_future_meeting_date_with_a_field_error(case, secretariat, api):
    case = _at_cabinet(case)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = api(secretariat).post(
        f"/api/cases/{case.pk}/cabinet-decisions/",
        {
            "meeting_date": tomorrow.isoformat(),
            "reference": "MR-toekomst",
            "deploy": True,
            "instruments": ["equity"],
            "max_amount": "30000000.00",
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "meeting_date" in response.json()
    assert not case.cabinet_decisions.exists()


def test_a_kabinetsbesluit_of_today_in_amsterdam_is_recorded(case, secretariat):
    """Today is Amsterdam's date (TIME_ZONE), also in the hour after midnight when UTC is still on
    the day before."""
    case = _at_cabinet(case)
    decision = cabinet_decision_record(
        user=secretariat,
        case=case,
        meeting_date=timezone.localdate(),
        reference="MR-vandaag",
        deploy=True,
        instruments=["equity"],
        max_amount=30 * M,
    )
    assert decision.meeting_date == timezone.localdate()


# ---------------------------------------------------------------------------------------------
# The fund page states the fund's own limits, not constants
# ---------------------------------------------------------------------------------------------
def test_the_fund_page_states_the_letters_limits_from_the_funds_configuration(client, manager):
    fund_with_tranches(user=manager)
    web_session(client, manager)
    page = client.get(reverse("bev:fund")).content.decode()
    assert "Liquide middelen (max. € 150.000.000)" in page
    assert "Ontvangen van EZK (max. € 100.000.000)" in page
    assert "tegen het maximum van € 150.000.000" in page
    assert "tegen de omvang van € 100.000.000" in page


def test_a_fund_established_with_other_limits_shows_those_limits(client, manager):
    """`bev_establish_fund --committed-limit/--liquid-cap`: the page follows the fund's figures."""
    from datetime import date

    from bev.services import fund_establish

    fund_establish(
        name="BEV SPV",
        policy_owner="Ministerie van Economische Zaken",
        manager_name="Invest-NL",
        manager_from=date(2023, 9, 1),
        committed_limit=120 * M,
        liquid_cap=180 * M,
    )
    web_session(client, manager)
    page = client.get(reverse("bev:fund")).content.decode()
    assert "€ 150 mln" not in page and "€ 100 mln" not in page
    assert "Liquide middelen (max. € 180.000.000)" in page
    assert "Ontvangen van EZK (max. € 120.000.000)" in page


def test_the_fund_page_in_english_states_the_same_limits(client, manager):
    from access.models import User

    fund_with_tranches(user=manager)
    User.objects.filter(pk=manager.pk).update(language="en")
    web_session(client, manager)
    page = client.get(reverse("bev:fund")).content.decode()
    # An English page writes its figures the English way (core/templatetags/bev_web.py); the limits
    # are the same.
    assert "Liquid assets (max. €150,000,000)" in page
    assert "Liquid assets over time against the maximum of €150,000,000" in page
    assert (
        "Invested against the fund's size of €100,000,000" in page
        or "Invested against the fund&#x27;s size of €100,000,000" in page
    )
    assert "€ 150.000.000" not in page


def test_the_fees_page_names_the_manager_of_the_day(client, manager):
    """The manager is data with validity dates (2025 letter: integration "per 1 januari 2028")."""
    from datetime import date

    from bev.services import fund_establish

    fund_establish(
        name="BEV SPV",
        policy_owner="Ministerie van Economische Zaken",
        manager_name="Nationale Investeringsinstelling",
        manager_from=date(2023, 9, 1),
    )
    web_session(client, manager)
    page = client.get(reverse("bev:fees")).content.decode()
    assert "Beheersvergoeding Nationale Investeringsinstelling" in page
    assert "Beheersvergoeding Invest-NL" not in page


# ---------------------------------------------------------------------------------------------
# Stage deadlines are the service's working norms: the letter only asks for "per direct"
# ---------------------------------------------------------------------------------------------
def test_the_case_page_labels_the_stage_deadline_as_the_services_norm(client, officer, case):
    web_session(client, officer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "uiterlijk" in page
    assert "Een werknorm van deze dienst, geen termijn uit de Kamerbrief van 2023" in page


def test_the_english_case_page_labels_it_too(client, officer, case):
    from access.models import User

    User.objects.filter(pk=officer.pk).update(language="en")
    web_session(client, officer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "A working norm of this service, not a term from the 2023 letter to parliament" in page

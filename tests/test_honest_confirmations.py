"""Honest confirmations, four eyes in the UI (issue 23): a confirmation shows what is confirmed, a
proposal says "voorgesteld" (nothing is booked), and nobody is offered a button the service would
refuse them: the author of a letter sees no "Goedkeuren", the confirmed kabinetsbesluit is not
offered again."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from access.roles import Role
from bev.constants import DisbursementStatus
from bev.models import Disbursement
from cases.models import Case
from cases.services import cabinet_decision_confirm, cabinet_decision_record

from .factories import (
    add_liaisons,
    case_to_investment_preparation,
    fund_with_tranches,
    transaction_event,
    web_session,
)

pytestmark = pytest.mark.django_db


def test_the_confirmation_of_a_proposed_disbursement_shows_what_is_proposed(
    client, case, manager, secretariat, secretariat2
):
    from bev.services import position_create

    fund_with_tranches(user=manager)
    case = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = position_create(user=manager, case=case, instrument="equity", ownership_percent=Decimal("10"))
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "disburse"])
    data = {"disburse-amount": "1.500.000", "disburse-idempotency_key": "confirm-1"}
    page = client.post(url, data)
    assert page.status_code == 200
    body = page.content.decode()
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", body))
    assert facts["Bedrag"] == "€ 1.500.000"
    assert facts["Positie"] == f"Aandelen, positie {position.pk}"
    assert facts["Casus"] == f"{case.reference} {case.title}"
    assert facts["Status na bevestigen"] == "voorgesteld"
    assert "Bevestigen en voorstellen" in body and "Bevestigen en boeken" not in body
    assert not Disbursement.objects.exists()  # the preview changed nothing

    done = client.post(url, {**data, "confirm": "1"}, follow=True).content.decode()
    assert "Voorgesteld: Uitbetaling voorstellen" in done and "Geboekt" not in done
    assert Disbursement.objects.get().status == DisbursementStatus.PROPOSED


def test_the_author_of_a_letter_is_not_offered_goedkeuren(client, case, officer, manager, make_user):
    from parliament import services
    from parliament.models import LetterDraft

    kamer, kamer2 = make_user("kamer", Role.PARLIAMENTARY_LIAISON), make_user("kamer2", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer, kamer2])
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager))
    services.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    letter = services.letter_set_reference(user=kamer, letter=letter, our_reference="DGED-EV / 99497318")
    services.letter_submit(user=kamer, letter=letter)
    approve = reverse("parliament:act", args=[letter.pk, "approve"])
    author_page = web_session(client, kamer).get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert approve not in author_page
    assert "een ander moet hem goedkeuren" in author_page
    client.logout()
    other_page = web_session(client, kamer2).get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert approve in other_page


def test_the_confirmed_kabinetsbesluit_is_not_offered_again(client, case, secretariat, secretariat2):
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    case = Case.objects.get(pk=case.pk)
    record = reverse("cases:decision_record", args=[case.pk])
    detail = reverse("cases:detail", args=[case.pk])
    assert record in web_session(client, secretariat).get(detail).content.decode()
    decision = cabinet_decision_record(
        user=secretariat,
        case=case,
        meeting_date=date.today(),
        reference="MR-7",
        deploy=True,
        instruments=["equity"],
        max_amount=Decimal("1000000"),
    )
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    for person in (secretariat, secretariat2):
        client.logout()
        assert record not in web_session(client, person).get(detail).content.decode()


def test_removing_a_team_member_asks_first_and_can_be_undone(client, case, officer, assessor2):
    from cases.models import CaseTeamMember

    web_session(client, officer)
    url = reverse("cases:team_remove", args=[case.pk, assessor2.pk])
    asked = client.post(url)
    body = asked.content.decode()
    assert asked.status_code == 200 and "Bevestigen en verwijderen" in body
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", body))
    assert facts["Persoon"] == str(assessor2) and facts["Rol in de casus"] == "EZK-risicobeoordelaar"
    assert facts["Casus"] == f"{case.reference} {case.title}"
    assert CaseTeamMember.objects.filter(case=case, user=assessor2).exists()  # nothing removed yet

    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert not CaseTeamMember.objects.filter(case=case, user=assessor2).exists()
    assert "Ongedaan maken" in page
    undo = client.post(
        reverse("cases:team_add", args=[case.pk]),
        {"team-member": f"{assessor2.pk}:{Role.RISK_ASSESSOR}"},
    )
    assert undo.status_code == 302
    assert CaseTeamMember.objects.get(case=case, user=assessor2).role == Role.RISK_ASSESSOR


def test_a_step_the_service_would_refuse_is_refused_before_any_confirmation(client, case, officer):
    web_session(client, officer)
    refused = client.post(reverse("cases:team_remove", args=[case.pk, officer.pk]), follow=True)
    assert "Bevestigen en verwijderen" not in refused.content.decode()

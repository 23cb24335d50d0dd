"""Four eyes on the kabinetsbesluit can also say no: the second secretary rejects a pending decision
recorded wrongly (another maximum, another case's conditions) with a reason, instead of having only
"confirm" (or withdrawing the whole case). The rejected decision is kept (who, when, why), binds
nothing (no transition, no money, no letter), and the case may get a new decision recorded and
confirmed. Never by its recorder; a confirmed or rejected decision is final (409)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord
from bev import services as bev
from bev.models import JournalEntry
from cases.constants import State
from cases.models import CabinetDecision, Case, TimelineEvent
from cases.services import (
    cabinet_decision_confirm,
    cabinet_decision_record,
    cabinet_decision_reject,
    case_transition,
)
from core.exceptions import Conflict, PermissionDenied, RuleViolation

from .factories import (
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    web_session,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
WRONG = "Maximum van een andere casus: de ministerraad besloot tot 25 miljoen."


def _record(user, case, *, reference="MR-2026-10", max_amount=Decimal("250000000.00") / 2, **kw):
    return cabinet_decision_record(
        user=user,
        case=Case.objects.get(pk=case.pk),
        meeting_date=date.today(),
        reference=reference,
        deploy=kw.pop("deploy", True),
        instruments=kw.pop("instruments", ["equity"]),
        max_amount=max_amount,
        **kw,
    )


@pytest.fixture
def at_cabinet(case):
    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def pending(at_cabinet, secretariat):
    """A decision to deploy with the wrong maximum (125m instead of 25m), waiting for confirmation."""
    return _record(secretariat, at_cabinet)


def _url(decision, step="reject"):
    return f"/api/cases/{decision.case_id}/cabinet-decisions/{decision.pk}/{step}/"


# ------------------------------------------------------------------------------------------------
# The step itself
# ------------------------------------------------------------------------------------------------
def test_the_second_secretary_rejects_and_a_new_decision_is_recorded_and_confirmed(
    api, pending, secretariat, secretariat2
):
    response = api(secretariat2).post(_url(pending), {"reason": WRONG}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "rejected" and body["rejected_by"] == "secretariat2"
    assert body["rejection_reason"] == WRONG and body["rejected_at"] and body["confirmed_at"] is None
    kept = CabinetDecision.objects.get(pk=pending.pk)  # kept for the record, never deleted
    assert kept.rejected_by == secretariat2 and kept.rejection_reason == WRONG and not kept.is_pending

    # the case is free again: a correct decision is recorded (no 409 pending_decision) and confirmed
    recorded = api(secretariat).post(
        f"/api/cases/{pending.case_id}/cabinet-decisions/",
        {
            "meeting_date": date.today().isoformat(),
            "reference": "MR-2026-10-A",
            "deploy": True,
            "instruments": ["equity"],
            "max_amount": "25000000.00",
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["status"] == "pending"
    confirmed = api(secretariat2).post(_url(CabinetDecision.objects.get(pk=recorded.json()["id"]), "confirm"))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    case = Case.objects.get(pk=pending.case_id)
    assert case.confirmed_cabinet_decision().max_amount == 25 * M
    listed = api(secretariat).get(f"/api/cases/{case.pk}/cabinet-decisions/").json()
    assert sorted(d["status"] for d in listed) == ["confirmed", "rejected"]


def test_the_rejection_is_audited_and_on_the_timeline(pending, secretariat2):
    cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    record = AuditRecord.objects.get(event="cabinet_decision.reject")
    assert record.actor_id == secretariat2.pk and record.case_id == pending.case_id
    assert record.object_id == str(pending.pk)
    assert record.changes["rejection_reason"]["after"] == WRONG
    assert record.changes["rejected_by"]["after"] == "secretariat2"
    event = TimelineEvent.objects.filter(case_id=pending.case_id, data__step="rejected").get()
    assert event.actor == secretariat2 and event.reason == WRONG and event.data["decision"] == pending.pk


def test_the_recorder_learns_of_the_rejection(pending, secretariat, secretariat2, django_capture_on_commit_callbacks):
    secretariat.email, secretariat2.email = "s1@minaz.example", "s2@minaz.example"
    secretariat.save(update_fields=["email"])
    secretariat2.save(update_fields=["email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    [sent] = mail.outbox
    assert sent.to == ["s1@minaz.example"] and "afgewezen" in sent.subject
    assert WRONG not in sent.body  # nothing of the case file in a mail


# ------------------------------------------------------------------------------------------------
# Refusals
# ------------------------------------------------------------------------------------------------
def test_the_recorder_cannot_reject_their_own_decision(api, pending, secretariat):
    response = api(secretariat).post(_url(pending), {"reason": WRONG}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    with pytest.raises(PermissionDenied) as refused:
        cabinet_decision_reject(user=secretariat, decision=pending, reason=WRONG)
    assert refused.value.code == "four_eyes"
    assert CabinetDecision.objects.get(pk=pending.pk).is_pending
    assert not AuditRecord.objects.filter(event="cabinet_decision.reject").exists()


def test_only_the_secretariat_rejects(api, pending, officer, manager):
    for person in (officer, manager):
        response = api(person).post(_url(pending), {"reason": WRONG}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", person
    assert CabinetDecision.objects.get(pk=pending.pk).is_pending


def test_a_confirmed_decision_is_not_rejected(api, pending, secretariat2, make_user, case):
    from access.roles import Role
    from cases.services import case_team_add

    cabinet_decision_confirm(user=secretariat2, decision=pending)
    third = make_user("secretariat3", Role.CABINET_SECRETARIAT)
    case_team_add(user=case.created_by, case=Case.objects.get(pk=case.pk), member=third, role=Role.CABINET_SECRETARIAT)
    for person in (secretariat2, third):
        response = api(person).post(_url(pending), {"reason": WRONG}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "already_confirmed", response.content
    kept = CabinetDecision.objects.get(pk=pending.pk)
    assert kept.confirmed_at is not None and kept.rejected_at is None


def test_a_rejected_decision_is_neither_rejected_again_nor_confirmed(api, pending, secretariat2, make_user, case):
    from access.roles import Role
    from cases.services import case_team_add

    cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    third = make_user("secretariat3", Role.CABINET_SECRETARIAT)
    case_team_add(user=case.created_by, case=Case.objects.get(pk=case.pk), member=third, role=Role.CABINET_SECRETARIAT)
    again = api(third).post(_url(pending), {"reason": "Nog eens."}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rejected"
    confirm = api(third).post(_url(pending, "confirm"))
    assert confirm.status_code == 409 and confirm.json()["code"] == "already_rejected"
    kept = CabinetDecision.objects.get(pk=pending.pk)
    assert kept.confirmed_at is None and kept.rejected_by == secretariat2 and kept.rejection_reason == WRONG


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(api, pending, secretariat2, reason):
    payload = {} if reason is None else {"reason": reason}
    response = api(secretariat2).post(_url(pending), payload, format="json")
    assert response.status_code == 400 and "reason" in response.json(), response.content
    with pytest.raises(RuleViolation) as refused:
        cabinet_decision_reject(user=secretariat2, decision=pending, reason=reason or "  ")
    assert refused.value.field == "reason"
    assert CabinetDecision.objects.get(pk=pending.pk).is_pending


def test_an_ended_case_takes_no_rejection(api, pending, officer, secretariat2):
    case_transition(user=officer, case=Case.objects.get(pk=pending.case_id), name="withdraw", reason="Gaat niet door.")
    response = api(secretariat2).post(_url(pending), {"reason": WRONG}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "case_closed"
    assert CabinetDecision.objects.get(pk=pending.pk).is_pending


def test_a_pending_decision_the_case_moved_past_can_still_be_rejected(pending, secretariat, secretariat2):
    """A decision that no longer fits the stage can be neither confirmed nor replaced (a sale order is
    refused while it waits): rejecting it is the way out."""
    Case.objects.filter(pk=pending.case_id).update(state=State.MONITORING)
    with pytest.raises(Conflict) as refused:
        cabinet_decision_confirm(user=secretariat2, decision=pending)
    assert refused.value.code == "invalid_state"
    cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    sale = _record(
        secretariat,
        pending.case,
        reference="MR-VERKOOP",
        deploy=False,
        instruments=[],
        max_amount=None,
        orders_sale=True,
    )
    assert sale.is_pending


def test_the_database_keeps_confirmed_and_rejected_apart(pending, secretariat2):
    with pytest.raises(IntegrityError), transaction.atomic():
        CabinetDecision.objects.filter(pk=pending.pk).update(
            confirmed_at=timezone.now(),
            confirmed_by=secretariat2,
            rejected_at=timezone.now(),
            rejected_by=secretariat2,
            rejection_reason=WRONG,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CabinetDecision.objects.filter(pk=pending.pk).update(rejected_at=timezone.now(), rejected_by=secretariat2)


# ------------------------------------------------------------------------------------------------
# A rejected decision never counts
# ------------------------------------------------------------------------------------------------
def test_the_case_does_not_move_on_a_rejected_decision(api, pending, secretariat, secretariat2):
    cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    case = Case.objects.get(pk=pending.case_id)
    assert case.confirmed_cabinet_decision() is None and case.governing_deploy_decision() is None
    moved = api(secretariat).post(
        f"/api/cases/{case.pk}/transitions/", {"name": "start_investment_preparation"}, format="json"
    )
    assert moved.status_code == 409 and "cabinet_decided_to_deploy" in moved.json()["extra"]["unmet"]
    declined = api(secretariat).post(
        f"/api/cases/{case.pk}/transitions/", {"name": "record_cabinet_declined"}, format="json"
    )
    assert declined.status_code == 409
    assert Case.objects.get(pk=case.pk).state == State.CABINET_DECISION


def test_the_fund_books_nothing_under_a_rejected_decision(pending, secretariat2, manager):
    cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    fund_with_tranches(user=manager)
    Case.objects.filter(pk=pending.case_id).update(state=State.INVESTMENT_PREPARATION)  # as if it had moved on
    case = Case.objects.get(pk=pending.case_id)
    with pytest.raises(Conflict) as refused:
        bev.investment_proposal_propose(
            user=manager, case=case, instrument="equity", amount=10 * M, terms="Belang.", valuation_basis="Ronde."
        )
    assert refused.value.code == "no_cabinet_decision"
    with pytest.raises(Conflict) as refused:
        bev.position_create(user=manager, case=case, instrument="equity", ownership_percent=Decimal("20"))
    assert refused.value.code == "no_cabinet_decision"
    assert not JournalEntry.objects.filter(kind__in=["reservation", "disbursement"]).exists()


def test_the_money_follows_the_confirmed_decision_not_a_later_rejected_one(
    case, manager, manager2, secretariat, secretariat2
):
    """The fund's governing decision (bev.services.ledger) is the latest *confirmed* one: a later
    decision recorded wrongly (another instrument, 1m) and rejected changes nothing for the money."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    Case.objects.filter(pk=position.case_id).update(state=State.FOLLOW_ON_DECISION)
    wrong = CabinetDecision.objects.create(
        case_id=position.case_id,
        meeting_date=date.today(),
        reference="MR-FOUT",
        deploy=True,
        instruments=["convertible_loan"],
        max_amount=M,
        recorded_by=secretariat,
    )
    cabinet_decision_reject(user=secretariat2, decision=wrong, reason=WRONG)
    Case.objects.filter(pk=position.case_id).update(state=State.MONITORING)
    bev.reservation_book(user=manager, position=position, amount=2 * M, idempotency_key="under-the-confirmed-one")


def test_a_rejected_sale_order_neither_stops_new_money_nor_opens_the_exit(
    client, case, manager, manager2, secretariat, secretariat2
):
    from cases import guards

    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    Case.objects.filter(pk=position.case_id).update(state=State.MONITORING)
    sale = _record(
        secretariat,
        position.case,
        reference="MR-VERKOOP",
        deploy=False,
        instruments=[],
        max_amount=None,
        orders_sale=True,
    )
    confirm_url = reverse("cases:decision_confirm", args=[sale.case_id, sale.pk])
    assert confirm_url in _my_work(client, secretariat2)
    cabinet_decision_reject(user=secretariat2, decision=sale, reason="Verkeerde casus.")
    assert confirm_url not in _my_work(client, secretariat2)  # the confirmation task goes
    case = Case.objects.get(pk=position.case_id)
    assert not guards.cabinet_ordered_sale(case) and not guards.exit_is_authorised(case)
    with pytest.raises(Conflict) as refused:
        bev.exit_book(user=manager, position=position, proceeds=6 * M, fraction_sold_percent=50, idempotency_key="x")
    assert refused.value.code == "exit_not_authorised"
    bev.reservation_book(user=manager, position=position, amount=M, idempotency_key="after-rejected-order")


def test_the_letter_states_the_confirmed_decision_not_a_rejected_one(
    case, manager, manager2, secretariat, secretariat2, officer
):
    """The Kamerbrief's "heeft het kabinet op <datum> besloten" reads the confirmed decision: a later
    decision rejected (a follow-on recorded wrongly) does not replace its date."""
    from parliament.composition import letter_facts
    from parliament.models import LetterRequest

    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    confirmed = Case.objects.get(pk=position.case_id).confirmed_cabinet_decision()
    CabinetDecision.objects.filter(pk=confirmed.pk).update(meeting_date=date(2026, 1, 5))
    Case.objects.filter(pk=position.case_id).update(state=State.FOLLOW_ON_DECISION)
    wrong = CabinetDecision.objects.create(
        case_id=position.case_id,
        meeting_date=date.today(),
        reference="MR-FOUT",
        deploy=True,
        instruments=["equity"],
        max_amount=140 * M,
        recorded_by=secretariat,
    )
    cabinet_decision_reject(user=secretariat2, decision=wrong, reason=WRONG)
    request = LetterRequest.objects.filter(case_id=position.case_id).latest("id")
    facts = letter_facts(request=request, chamber="tweede_kamer", letter_date=date.today())
    assert facts["cabinet_decision_date"] == date(2026, 1, 5)


# ------------------------------------------------------------------------------------------------
# Mijn werk
# ------------------------------------------------------------------------------------------------
def _my_work(client, user) -> str:
    client.logout()
    return web_session(client, user).get(reverse("core:home")).content.decode()


def test_the_confirmation_task_goes_and_the_recording_task_comes_back_with_the_reason(
    client, pending, secretariat, secretariat2
):
    confirm_url = reverse("cases:decision_confirm", args=[pending.case_id, pending.pk])
    assert confirm_url in _my_work(client, secretariat2)
    cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    for person in (secretariat, secretariat2):
        body = _my_work(client, person)
        assert confirm_url not in body
        assert "Kabinetsbesluit vastleggen" in body
        assert "MR-2026-10 afgewezen: Maximum van een andere casus" in body  # the recorder sees why


# ------------------------------------------------------------------------------------------------
# The web pages
# ------------------------------------------------------------------------------------------------
def test_the_case_page_offers_rejection_to_the_second_secretary_only(client, pending, secretariat, secretariat2):
    reject_url = reverse("cases:decision_reject", args=[pending.case_id, pending.pk])
    detail = reverse("cases:detail", args=[pending.case_id])
    other = web_session(Client(), secretariat2).get(detail)
    assert other.context["may_reject"] and reject_url in other.content.decode()
    own = web_session(Client(), secretariat).get(detail)
    assert not own.context["may_reject"] and reject_url not in own.content.decode()
    confirm_page = web_session(Client(), secretariat2).get(
        reverse("cases:decision_confirm", args=[pending.case_id, pending.pk])
    )
    assert confirm_page.context["may_reject"] and reject_url in confirm_page.content.decode()


def test_rejecting_on_the_web(client, pending, secretariat, secretariat2):
    reject_url = reverse("cases:decision_reject", args=[pending.case_id, pending.pk])
    web = web_session(Client(), secretariat2)
    empty = web.post(reverse("cases:decision_reject", args=[pending.case_id, pending.pk]), {"reject-reason": " "})
    assert empty.status_code == 400
    assert empty.context["reject_form"].errors["reason"]
    assert CabinetDecision.objects.get(pk=pending.pk).is_pending

    done = web.post(reject_url, {"reject-reason": WRONG})
    assert done.status_code == 302 and done["Location"].endswith("#cabinet-decision")
    assert CabinetDecision.objects.get(pk=pending.pk).rejected_by == secretariat2

    page = web_session(Client(), secretariat).get(reverse("cases:detail", args=[pending.case_id]))
    body = page.content.decode()
    assert "Afgewezen door" in body and WRONG in body  # the recorder sees why
    assert "Wacht op bevestiging" not in body
    assert page.context["decision_form"] is not None  # a new decision may be recorded
    assert "Kabinetsbesluit afgewezen (vier ogen)" in body  # the timeline


def test_the_recorder_posting_a_rejection_is_refused_on_the_web(pending, secretariat):
    reject_url = reverse("cases:decision_reject", args=[pending.case_id, pending.pk])
    refused = web_session(Client(), secretariat).post(reject_url, {"reject-reason": WRONG})
    assert refused.status_code == 400
    assert "Vier ogen" in refused.content.decode()
    assert CabinetDecision.objects.get(pk=pending.pk).is_pending


# The English of this change's texts, until locale/en holds them (another change adds them there):
# the page must show each through gettext, none hard-coded in Dutch.


def test_the_rejection_reads_in_english(pending, secretariat, secretariat2):
    cabinet_decision_reject(user=secretariat2, decision=pending, reason=WRONG)
    web = web_session(Client(), secretariat)
    web.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = web.get(reverse("cases:detail", args=[pending.case_id])).content.decode()
    assert 'lang="en"' in body and "Cabinet decision" in body
    assert "Rejected by" in body and "This decision does not apply." in body
    assert "Reason for rejection: " + WRONG in body  # people's text stays as written
    assert "Cabinet decision rejected (four eyes)" in body
    assert "Afgewezen door" not in body and "Reden van afwijzing" not in body

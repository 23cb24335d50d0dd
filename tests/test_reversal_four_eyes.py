"""A booking two people approved is undone only by two people, and a transaction undone is not
reported to parliament as done.

The tester's walk: a fund manager proposed a disbursement of € 15 mln by mistake (€ 10 mln was meant),
a second approved it, and the first reversed it alone (`POST /api/fund/ledger/{id}/reverse/`). The
drafts about the € 15 mln stayed, were approved and sent; the € 10 mln booked instead got a letter
about a "vervolginvestering". Now:
- an entry booked under four eyes (a disbursement, a management fee) is reversed through a proposal
  that a second person with the booking's own approving permission approves (bev.constants.REVERSAL_APPROVAL);
- the reversal withdraws the transaction's letters not yet sent, keeps a sent one and says on its
  page that its transaction was reversed, and the next letter about the case tells the drafter;
- the disbursement booked instead of one reversed in full is the first investment."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from bev import services as fund
from bev.models import JournalEntry, ReversalProposal
from bev.selectors import position_balances
from core.exceptions import Conflict, PermissionDenied, RuleViolation
from parliament import services as letters
from parliament.models import LetterDraft, LetterRequest

from .factories import (
    add_liaisons,
    case_to_investment_preparation,
    charge_fee,
    fee_approver,
    fund_with_tranches,
    invest_in_case,
    reverse_four_eyes,
    web_session,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
INVESTED_ON = date(2026, 2, 2)


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def kamer2(make_user):
    return make_user("kamer2", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def wrong_first(
    case, officer, manager, manager2, secretariat, secretariat2, kamer, kamer2, django_capture_on_commit_callbacks
):
    """€ 15 mln paid where € 10 mln was meant: proposed by `manager`, approved by `manager2`; its letters drafted."""
    add_liaisons(case, by=officer, liaisons=[kamer, kamer2])
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=40 * M)
    with django_capture_on_commit_callbacks(execute=True):
        position = invest_in_case(ready, proposer=manager, approver=manager2, amount=15 * M, booked_on=INVESTED_ON)
    return position


def _entry(position):
    return JournalEntry.objects.get(position=position, kind="disbursement", reverses__isnull=True)


def test_one_person_cannot_reverse_a_disbursement_two_approved(wrong_first, manager, manager2, api):
    entry = _entry(wrong_first)
    with pytest.raises(Conflict) as refused:
        fund.entry_reverse(user=manager, entry=entry, reason="Verkeerd bedrag", idempotency_key="rev")
    assert refused.value.code == "reversal_needs_four_eyes"
    answer = api(manager).post(
        f"/api/fund/ledger/{entry.pk}/reverse/", {"reason": "Verkeerd bedrag", "idempotency_key": "rev"}, format="json"
    )
    assert answer.status_code == 409 and answer.json()["code"] == "reversal_needs_four_eyes"
    assert position_balances(position_ids=[wrong_first.pk])[wrong_first.pk]["invested"] == 15 * M

    proposal = fund.reversal_propose(user=manager, entry=entry, reason="Verkeerd bedrag", idempotency_key="rev")
    assert position_balances(position_ids=[wrong_first.pk])[wrong_first.pk]["invested"] == 15 * M  # nothing booked yet
    with pytest.raises(PermissionDenied) as own:
        fund.reversal_approve(user=manager, proposal=proposal)
    assert own.value.code == "four_eyes"
    done = fund.reversal_approve(user=manager2, proposal=proposal)
    assert done.status == "approved" and done.reversal.reverses == entry
    assert (done.reversal.created_by, done.reversal.approved_by) == (manager, manager2)
    assert position_balances(position_ids=[wrong_first.pk])[wrong_first.pk]["invested"] == 0


def test_the_reversal_of_a_fee_is_approved_by_ezk_as_the_fee_was(manager, manager2, officer):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    fee = charge_fee(user=manager, amount=Decimal("400000.00"), idempotency_key="fee")
    proposal = fund.reversal_propose(user=manager, entry=fee, reason="Dubbel", idempotency_key="rev-fee")
    with pytest.raises(PermissionDenied):  # another Invest-NL manager does not approve EZK's side
        fund.reversal_approve(user=manager2, proposal=proposal)
    done = fund.reversal_approve(user=fee_approver(), proposal=proposal)
    assert done.reversal.amount == Decimal("400000.00") and done.reversal.reverses == fee


def test_a_proposal_is_refused_or_rejected_with_a_reason(wrong_first, manager, manager2, api):
    entry = _entry(wrong_first)
    with pytest.raises(RuleViolation) as no_reason:
        fund.reversal_propose(user=manager, entry=entry, reason=" ", idempotency_key="r0")
    assert no_reason.value.field == "reason"
    answer = api(manager).post(
        "/api/fund/reversals/", {"entry": entry.pk, "reason": "Verkeerd", "idempotency_key": "r1"}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    proposal = ReversalProposal.objects.get(pk=answer.json()["id"])
    again = api(manager).post(
        "/api/fund/reversals/", {"entry": entry.pk, "reason": "Nog eens", "idempotency_key": "r2"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "reversal_pending"
    refused = api(manager2).post(f"/api/fund/reversals/{proposal.pk}/reject/", {"reason": ""}, format="json")
    assert refused.status_code == 400
    rejected = api(manager2).post(
        f"/api/fund/reversals/{proposal.pk}/reject/", {"reason": "Bedrag klopt"}, format="json"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    approve = api(manager2).post(f"/api/fund/reversals/{proposal.pk}/approve/", {}, format="json")
    assert approve.status_code == 409
    assert position_balances(position_ids=[wrong_first.pk])[wrong_first.pk]["invested"] == 15 * M


def test_an_entry_booked_by_one_person_is_still_reversed_by_one(manager):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    tranche = JournalEntry.objects.get(kind="tranche")
    with pytest.raises(Conflict) as refused:
        fund.reversal_propose(user=manager, entry=tranche, reason="Verkeerd", idempotency_key="r")
    assert refused.value.code == "reversal_not_four_eyes"
    assert fund.entry_reverse(user=manager, entry=tranche, reason="Verkeerd", idempotency_key="r").reverses == tranche


def test_a_reversal_on_a_case_off_the_team_is_the_same_404_as_a_missing_entry(wrong_first, make_user, api):
    stranger = make_user("elders", Role.FUND_MANAGER)
    body = {"reason": "x", "idempotency_key": "k"}
    on_case = api(stranger).post(f"/api/fund/ledger/{_entry(wrong_first).pk}/reverse/", body, format="json")
    missing = api(stranger).post("/api/fund/ledger/999999/reverse/", body, format="json")
    assert on_case.status_code == missing.status_code == 404
    assert on_case.json() == missing.json()


def test_the_letters_of_a_reversed_transaction_are_withdrawn(wrong_first, manager, manager2, client, kamer):
    drafts = LetterDraft.objects.filter(case=wrong_first.case)
    assert sorted(drafts.values_list("status", flat=True)) == ["draft", "draft"]
    reverse_four_eyes(_entry(wrong_first), proposer=manager, approver=manager2, reason="Verkeerd bedrag")
    assert sorted(drafts.values_list("status", flat=True)) == ["withdrawn", "withdrawn"]
    letter = drafts.get(chamber="tweede_kamer")
    with pytest.raises(Conflict):
        letters.letter_submit(user=kamer, letter=letter)
    web_session(client, kamer)
    page = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert "tegengeboekt" in page and "Verkeerd bedrag" in page and "ingetrokken" in page
    assert "Ter beoordeling aanbieden" not in page
    work = client.get(reverse("core:home")).content.decode()
    assert reverse("parliament:letter", args=[letter.pk]) not in work


def test_a_transaction_reversed_before_its_letters_were_drafted_gets_none(
    case, officer, manager, manager2, secretariat, secretariat2
):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=40 * M)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=15 * M)  # the worker did not run
    request = LetterRequest.objects.get(case=case)
    reverse_four_eyes(_entry(position), proposer=manager, approver=manager2)
    request.refresh_from_db()
    assert request.status == "reversed"
    assert letters.letter_drafts_make(request_id=request.pk) == []
    assert request.pk not in letters.pending_letter_request_ids()


def test_a_sent_letter_stays_sent_and_the_next_letter_tells_the_drafter(
    wrong_first, manager, manager2, kamer, kamer2, client, django_capture_on_commit_callbacks
):
    letter = LetterDraft.objects.get(case=wrong_first.case, chamber="tweede_kamer")
    letters.letter_set_reference(user=kamer, letter=letter, our_reference="2026-0000123456")
    letters.letter_submit(user=kamer, letter=letter)
    letters.letter_approve(user=kamer2, letter=letter)
    letters.letter_mark_sent(
        user=kamer, letter=letter, sent_on=timezone.localdate(), kamerstuk_number="Kamerstuk 30 821, nr. 300"
    )
    reverse_four_eyes(_entry(wrong_first), proposer=manager, approver=manager2, reason="Verkeerd bedrag")
    letter.refresh_from_db()
    assert letter.status == "sent"
    web_session(client, kamer)
    page = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert "tegengeboekt" in page and "informeer de Kamer over de correctie" in page

    # the € 10 mln booked instead: the first investment that stands, and its drafter is told
    with django_capture_on_commit_callbacks(execute=True):
        right = fund.disbursement_propose(user=manager, position=wrong_first, amount=10 * M, idempotency_key="right")
        fund.disbursement_approve(user=manager2, disbursement=right)
    new = LetterDraft.objects.filter(case=wrong_first.case, chamber="tweede_kamer").exclude(pk=letter.pk).get()
    assert new.kind == "first_investment"
    assert any(
        "Kamerstuk 30 821, nr. 300" in note and "tegengeboekt" in note and "Verkeerd bedrag" in note
        for note in new.drafting_notes
    )


def test_reversing_an_inflow_undoes_the_sweep_it_made(case, manager, manager2, secretariat, secretariat2):
    """A dividend of € 70 mln typed for € 0.7 mln took the liquid assets to € 160 mln; € 10 mln went to
    the treasury. Reversing the dividend left the € 10 mln "swept": the fund's own capital gone."""
    from bev.selectors import fund_overview

    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=40 * M)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M)
    before = fund_overview()
    assert (before["liquid"], before["swept_to_treasury"]) == (90 * M, 0)
    wrong = fund.return_book(user=manager, position=position, kind="dividend", amount=70 * M, idempotency_key="div")
    assert (fund_overview()["liquid"], fund_overview()["swept_to_treasury"]) == (150 * M, 10 * M)
    fund.entry_reverse(user=manager, entry=wrong, reason="Tikfout: 0,7 mln", idempotency_key="div-rev")
    after = fund_overview()
    assert (after["liquid"], after["swept_to_treasury"]) == (90 * M, 0)
    assert JournalEntry.objects.filter(kind="sweep", reverses__isnull=False).count() == 1


def test_the_letters_list_pages_and_marks_a_reversed_transaction(
    wrong_first, manager, manager2, client, kamer, monkeypatch
):
    from parliament import views

    reverse_four_eyes(_entry(wrong_first), proposer=manager, approver=manager2)
    monkeypatch.setattr(views, "LETTERS_PER_PAGE", 1)
    web_session(client, kamer)
    first = client.get(reverse("parliament:letters")).content.decode()
    assert "Pagina 1 van 2" in first and "transactie tegengeboekt" in first
    assert "Pagina 2 van 2" in client.get(reverse("parliament:letters"), {"page": 2}).content.decode()


def test_a_position_nothing_was_invested_in_offers_no_step_on_a_holding(
    case, manager, manager2, secretariat, secretariat2, client
):
    """ "Waardering vastleggen" was offered on a position without a payment, then refused at its date
    (found by a newcomer's walk)."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=40 * M)
    position = fund.position_create(user=manager, case=ready, instrument="equity", ownership_percent=Decimal("20"))
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[position.pk])).content.decode()
    for action in ("value", "exit", "return"):
        assert reverse("bev:position_book", args=[position.pk, action]) not in page
    assert reverse("bev:position_book", args=[position.pk, "disburse"]) in page
    proposal = fund.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="d")
    fund.disbursement_approve(user=manager2, disbursement=proposal)
    page = client.get(reverse("bev:position", args=[position.pk])).content.decode()
    assert reverse("bev:position_book", args=[position.pk, "value"]) in page


def test_the_drafting_notes_say_on_an_english_page_that_they_are_dutch(wrong_first, client, kamer):
    """The notes are the service's Dutch, as the letter; an English page said nothing of it."""
    letter = LetterDraft.objects.get(case=wrong_first.case, chamber="tweede_kamer")
    assert letter.drafting_notes
    web_session(client, kamer)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert "The notes are written in Dutch, as the letter is." in page and '<ul lang="nl">' in page


def test_a_reversed_disbursement_says_so_on_its_row(wrong_first, manager, manager2, client):
    """Its row said "Goedgekeurd en geboekt" after the reversal (found by a domain walk)."""
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[wrong_first.pk])).content.decode()
    assert "tegengeboekt op" not in page
    reverse_four_eyes(_entry(wrong_first), proposer=manager, approver=manager2)
    page = client.get(reverse("bev:position", args=[wrong_first.pk])).content.decode()
    row = page.split('id="disbursements"')[1].split("</table>")[0]
    assert "Goedgekeurd en geboekt" in row and "tegengeboekt op" in row

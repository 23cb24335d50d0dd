"""Correcting a booking in the web UI (it existed only in the API): "Tegenboeken" on the ledger page.

A fund manager who booked a wrong amount corrects it with a reversing entry, after the confirm step
the other bookings have. An entry one person booked (a tranche, a reservation) is reversed at once
(`entry_reverse`); an entry booked under four eyes (a disbursement, a management fee:
bev.constants.REVERSAL_APPROVAL) is proposed (`reversal_propose`) and a second person with the
booking's own approving permission approves or rejects it, from the ledger's "Voorstellen tot
tegenboeking" (a case's booking) or the fees page (a management fee: EZK's officials do not see the
ledger), to which "Mijn werk" links them. The proposer is offered no approval, and a forged one is
refused with a message, changing nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from access.roles import Role
from bev.constants import ProposalStatus
from bev.models import JournalEntry, ReversalProposal
from bev.selectors import position_balances

from .factories import (
    case_to_investment_preparation,
    charge_fee,
    fee_approver,
    fund_with_tranches,
    invest_in_case,
    web_session,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
WORK_KIND = "Vier ogen: tegenboeking goedkeuren"


@pytest.fixture
def wrong_disbursement(case, manager, manager2, secretariat, secretariat2):
    """€ 15 mln paid where € 10 mln was meant: proposed by `manager`, approved by `manager2`."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=40 * M)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=15 * M, booked_on=date(2026, 2, 2))
    return JournalEntry.objects.get(position=position, kind="disbursement", reverses__isnull=True)


def _reverse_form(entry, reason, key, **extra):
    return {f"e{entry.pk}-reason": reason, f"e{entry.pk}-idempotency_key": key, **extra}


def _invested(entry):
    return position_balances(position_ids=[entry.position_id])[entry.position_id]["invested"]


def test_a_disbursement_is_reversed_by_two_managers_on_the_web(client, wrong_disbursement, manager, manager2):
    entry = wrong_disbursement
    reverse_url = reverse("bev:entry_reverse", args=[entry.pk])
    web_session(client, manager)
    assert reverse_url in client.get(reverse("bev:ledger")).content.decode()

    preview = client.post(reverse_url, _reverse_form(entry, "Verkeerd bedrag", "web-rev-1"))
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert "Er wordt niets geboekt: dit wordt voorgesteld." in preview.content.decode()
    assert not ReversalProposal.objects.exists()
    done = client.post(reverse_url, _reverse_form(entry, "Verkeerd bedrag", "web-rev-1", confirm="1"), follow=True)
    assert "Een tweede persoon keurt het goed (vier ogen)" in done.content.decode()
    proposal = ReversalProposal.objects.get()
    assert (proposal.entry, proposal.proposed_by, proposal.status) == (entry, manager, ProposalStatus.PROPOSED)
    assert _invested(entry) == 15 * M  # nothing booked yet

    # The proposer sees the proposal, is offered no approval and no second "Tegenboeken"
    page = client.get(reverse("bev:ledger")).content.decode()
    approve_url = reverse("bev:reversal_decide", args=[proposal.pk, "approve"])
    assert "Verkeerd bedrag" in page and approve_url not in page and reverse_url not in page
    assert WORK_KIND not in client.get(reverse("core:home")).content.decode()
    # ... and a forged approval is refused with the service's message, changing nothing
    for forged in ({}, {"confirm": "1"}):
        refused = client.post(approve_url, forged)
        assert refused.status_code == 400
        assert "Vier ogen: wie de tegenboeking voorstelt, keurt haar niet zelf goed." in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and not JournalEntry.objects.filter(reverses=entry).exists()

    # A second manager finds it on "Mijn werk", follows the link and approves it
    client.logout()
    web_session(client, manager2)
    work = client.get(reverse("core:home")).content.decode()
    link = reverse("bev:ledger") + "#reversals"
    assert WORK_KIND in work and f'href="{link}"' in work
    ledger = client.get(link).content.decode()
    assert approve_url in ledger
    confirm = client.post(approve_url)
    assert confirm.status_code == 200 and "Bevestigen en boeken" in confirm.content.decode()
    assert not JournalEntry.objects.filter(reverses=entry).exists()
    assert client.post(approve_url, {"confirm": "1"}).status_code == 302
    proposal.refresh_from_db()
    reversal = JournalEntry.objects.get(reverses=entry)
    assert proposal.status == ProposalStatus.APPROVED and proposal.reversal == reversal
    assert (reversal.created_by, reversal.approved_by) == (manager, manager2)
    assert _invested(entry) == 0
    after = client.get(reverse("bev:ledger")).content.decode()
    assert "Tegenboeking van #%s: Verkeerd bedrag" % entry.pk in after
    assert WORK_KIND not in client.get(reverse("core:home")).content.decode()


def test_a_proposal_is_rejected_with_a_reason_at_the_field(client, wrong_disbursement, manager, manager2):
    from bev.services import reversal_propose

    proposal = reversal_propose(user=manager, entry=wrong_disbursement, reason="Verkeerd", idempotency_key="rj")
    web_session(client, manager2)
    url = reverse("bev:reversal_decide", args=[proposal.pk, "reject"])
    empty = client.post(url, {f"rv{proposal.pk}-reason": " "})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert f'id="id_rv{proposal.pk}-reason_error"' in body and "Een reden is verplicht." in body
    assert client.post(url, {f"rv{proposal.pk}-reason": "Het bedrag klopt"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.rejection_reason == "Het bedrag klopt"
    # decided: a second decision is refused at the top of the page, not a 500 or a bare 403
    again = client.post(reverse("bev:reversal_decide", args=[proposal.pk, "approve"]), {"confirm": "1"})
    assert again.status_code == 400 and "Over dit voorstel tot tegenboeking is al besloten." in again.content.decode()
    assert not JournalEntry.objects.filter(reverses=wrong_disbursement).exists()


def test_a_tranche_one_person_booked_is_reversed_directly(client, manager):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    tranche = JournalEntry.objects.get(kind="tranche")
    url = reverse("bev:entry_reverse", args=[tranche.pk])
    web_session(client, manager)
    preview = client.post(url, _reverse_form(tranche, "Dubbel ingevoerd", "web-tr-1"))
    assert preview.status_code == 200 and "Na boeking" in preview.content.decode()
    assert not JournalEntry.objects.filter(reverses=tranche).exists()
    assert client.post(url, _reverse_form(tranche, "Dubbel ingevoerd", "web-tr-1", confirm="1")).status_code == 302
    assert client.post(url, _reverse_form(tranche, "Dubbel ingevoerd", "web-tr-1", confirm="1")).status_code == 302
    assert JournalEntry.objects.filter(reverses=tranche).count() == 1  # a retried confirm books once
    assert not ReversalProposal.objects.exists()
    assert url not in client.get(reverse("bev:ledger")).content.decode()  # reversed: not offered again


def test_an_empty_reason_is_refused_at_the_field(client, manager):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    tranche = JournalEntry.objects.get(kind="tranche")
    web_session(client, manager)
    refused = client.post(reverse("bev:entry_reverse", args=[tranche.pk]), _reverse_form(tranche, "  ", "web-e-1"))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert f'id="id_e{tranche.pk}-reason_error"' in body and "Een reden is verplicht." in body
    assert not JournalEntry.objects.filter(reverses=tranche).exists()


def test_who_may_not_book_or_see_the_case_is_offered_no_correction(client, wrong_disbursement, make_user, officer2):
    auditor = make_user("grootboek_auditor", Role.AUDITOR)
    stranger = make_user("elders", Role.FUND_MANAGER)  # books, but not on the case's team
    url = reverse("bev:entry_reverse", args=[wrong_disbursement.pk])
    tranche = JournalEntry.objects.filter(kind="tranche").first()
    web_session(client, auditor)
    assert "Tegenboeken" not in client.get(reverse("bev:ledger")).content.decode()
    assert client.post(url, _reverse_form(wrong_disbursement, "x", "a-1")).status_code == 404  # off the team
    client.logout()
    web_session(client, stranger)
    page = client.get(reverse("bev:ledger")).content.decode()
    assert url not in page and reverse("bev:entry_reverse", args=[tranche.pk]) in page  # the fund's own: yes
    assert client.post(url, _reverse_form(wrong_disbursement, "x", "s-1", confirm="1")).status_code == 404
    # on the team, but as a case officer who became a fund manager since: the membership carries no
    # powers until the team is put right (access.permissions.can), so no correction of the case's entry
    officer2.role = Role.FUND_MANAGER
    officer2.save(update_fields=["role"])
    client.logout()
    web_session(client, officer2)
    page = client.get(reverse("bev:ledger")).content.decode()
    assert url not in page and reverse("bev:entry_reverse", args=[tranche.pk]) in page
    refused = client.post(url, _reverse_form(wrong_disbursement, "x", "o-1", confirm="1"))
    assert refused.status_code == 400 and "Uw rol staat niet toe: boeken in het fonds." in refused.content.decode()
    assert not ReversalProposal.objects.exists()


def test_a_management_fees_reversal_is_approved_by_ezk_on_the_fees_page(client, manager, manager2):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    fee = charge_fee(user=manager, amount=Decimal("400000.00"), idempotency_key="fee")
    web_session(client, manager)
    url = reverse("bev:entry_reverse", args=[fee.pk])
    assert client.post(url, _reverse_form(fee, "Dubbel", "web-fee-1", confirm="1")).status_code == 302
    proposal = ReversalProposal.objects.get(entry=fee)
    approve_url = reverse("bev:reversal_decide", args=[proposal.pk, "approve"])
    client.logout()
    web_session(client, manager2)  # another Invest-NL manager does not approve EZK's side
    assert approve_url not in client.get(reverse("bev:ledger")).content.decode()
    assert WORK_KIND not in client.get(reverse("core:home")).content.decode()

    client.logout()
    web_session(client, fee_approver())
    assert client.get(reverse("bev:ledger")).status_code == 403  # EZK does not see the ledger (fund.view)
    work = client.get(reverse("core:home")).content.decode()
    link = reverse("bev:fees") + "#reversals"
    assert WORK_KIND in work and f'href="{link}"' in work
    assert approve_url in client.get(link).content.decode()
    assert client.post(approve_url, {"confirm": "1"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.reversal.reverses == fee


def test_the_ledgers_corrections_are_in_english(client, wrong_disbursement, manager, manager2):
    from bev.services import reversal_propose

    reversal_propose(user=manager, entry=wrong_disbursement, reason="Verkeerd", idempotency_key="en")
    web_session(client, manager2)
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("bev:ledger")).content.decode()
    for english in ("Proposed reversals", "Reverse", "Reason for the reversal", "Approve and book (four eyes)"):
        assert english in body
    assert "Voorstellen tot tegenboeking" not in body and ">Tegenboeken<" not in body


def test_a_reversal_beyond_a_limit_is_refused_at_its_row(client, manager):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    charge_fee(user=manager, amount=Decimal("400000.00"), idempotency_key="fee-spent")  # part of it spent
    tranche = JournalEntry.objects.get(kind="tranche")
    web_session(client, manager)
    refused = client.post(reverse("bev:entry_reverse", args=[tranche.pk]), _reverse_form(tranche, "Fout", "lim-1"))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Tegenboeken zou de beschikbare liquiditeit negatief maken." in body
    assert (
        f'<details class="action" open><summary>Tegenboeken<span class="visually-hidden"> #{tranche.pk}</span>' in body
    )
    assert not JournalEntry.objects.filter(reverses=tranche).exists()

"""Interest paid to EZK leaves the fund as a repayment of principal, a disbursement or a management fee
does, so it needs a second person: one fund manager proposes it, another approves it (which books it)
or rejects it with a reason; the proposer never decides their own (403 `four_eyes`); a decided
proposal is not decided again (409 `already_decided`); the interest accrued and unpaid, the available
liquidity and the booking date are checked again at the approval. The letter says only that "rente
betaald moet worden over de middelen" (footnote 9); four eyes is the service's own control
(docs/security.md). Before, one fund manager alone paid interest to EZK in one booking."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from access.roles import Role
from audit.models import AuditRecord
from bev import services
from bev.constants import EntryKind
from bev.models import JournalEntry, LoanInterestPaymentProposal
from bev.selectors import fund_overview
from bev.work import work_items
from core.exceptions import Conflict, LimitExceeded, PermissionDenied, RuleViolation
from tests.factories import fund_establish_default, fund_with_tranches, repay_loan, web_session

pytestmark = pytest.mark.django_db
M = Decimal("1000000.00")
URL = "/api/fund/loan-interest-payments/"
ACCRUED_THROUGH = date(2024, 12, 31)  # the ledger's latest booking: the last accrual


@pytest.fixture
def payable(manager, make_user):
    """The fund with its €100m received and a year of interest accrued (2%, per quarter): the
    interest accrued and unpaid."""
    administrator = make_user("beheerder", Role.ADMINISTRATOR)
    fund_with_tranches(user=manager)
    services.loan_terms_record(
        user=administrator,
        valid_from=date(2023, 12, 1),
        interest_rate_percent="2",
        interest_period="quarter",
        repayment_basis="on_demand",
        source="Leningsovereenkomst EZK-Invest-NL (proef)",
    )
    services.loan_interest_accrue(user=manager, through=ACCRUED_THROUGH)
    owed = fund_overview()["loan_interest_payable"]
    assert owed > M  # about € 1.66 mln
    return owed


def payments() -> int:
    return JournalEntry.objects.filter(kind=EntryKind.EZK_INTEREST_PAID).count()


def propose(user, amount=M, key="i1", **kw):
    return services.loan_interest_payment_propose(user=user, amount=amount, idempotency_key=key, **kw)


def test_the_proposer_cannot_decide_their_own_interest_payment(manager, payable, api):
    proposal = propose(manager, amount=payable)
    with pytest.raises(PermissionDenied) as refused:
        services.loan_interest_payment_approve(user=manager, proposal=proposal)
    assert refused.value.code == "four_eyes"
    with pytest.raises(PermissionDenied) as refused:
        services.loan_interest_payment_reject(user=manager, proposal=proposal, reason="Toch niet.")
    assert refused.value.code == "four_eyes"
    response = api(manager).post(f"{URL}{proposal.pk}/approve/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    response = api(manager).post(f"{URL}{proposal.pk}/reject/", {"reason": "Toch niet."}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    assert payments() == 0 and fund_overview()["loan_interest_payable"] == payable
    assert LoanInterestPaymentProposal.objects.get().status == "proposed"


def test_the_api_proposes_and_another_fund_manager_approves_it_books_once(manager, manager2, payable, api):
    body = {"amount": str(payable), "idempotency_key": "all", "description": "Rente 2024."}
    response = api(manager).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    proposed = response.json()
    assert proposed["status"] == "proposed" and proposed["entry"] is None
    assert proposed["proposed_by"] == manager.username and proposed["description"] == "Rente 2024."
    assert payments() == 0  # the endpoint no longer books on its own
    retry = api(manager).post(URL, body, format="json")
    assert retry.status_code == 200 and retry.json()["id"] == proposed["id"]
    approved = api(manager2).post(f"{URL}{proposed['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] == manager2.username
    entry = JournalEntry.objects.get(kind=EntryKind.EZK_INTEREST_PAID)
    assert approved.json()["entry"] == entry.pk
    assert (entry.created_by, entry.approved_by, entry.amount) == (manager, manager2, payable)
    # approving twice books once
    again = api(manager2).post(f"{URL}{proposed['id']}/approve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    with pytest.raises(Conflict) as refused:
        services.loan_interest_payment_approve(user=manager2, proposal=LoanInterestPaymentProposal.objects.get())
    assert refused.value.code == "already_decided"
    assert payments() == 1 and fund_overview()["loan_interest_payable"] == 0
    assert fund_overview()["loan_interest_paid"] == payable
    events = list(
        AuditRecord.objects.filter(event__startswith="loan_interest_payment.")
        .order_by("id")
        .values_list("event", "actor")
    )
    assert events == [("loan_interest_payment.propose", manager.pk), ("loan_interest_payment.approve", manager2.pk)]
    listed = api(manager).get(URL)
    assert listed.status_code == 200 and [p["status"] for p in listed.json()] == ["approved"]


def test_a_rejected_interest_payment_books_nothing_and_needs_a_reason(manager, manager2, payable, api):
    proposal = propose(manager)
    response = api(manager2).post(f"{URL}{proposal.pk}/reject/", {"reason": "  "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    with pytest.raises(RuleViolation) as refused:
        services.loan_interest_payment_reject(user=manager2, proposal=proposal, reason=" ")
    assert refused.value.field == "reason"
    response = api(manager2).post(f"{URL}{proposal.pk}/reject/", {"reason": "Nog niet gefactureerd."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Nog niet gefactureerd."
    again = api(manager2).post(f"{URL}{proposal.pk}/approve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert payments() == 0 and fund_overview()["loan_interest_payable"] == payable
    assert AuditRecord.objects.filter(event="loan_interest_payment.reject", actor=manager2).count() == 1


def test_the_interest_payable_is_checked_again_at_the_approval(manager, manager2, payable):
    share = (payable * Decimal("0.6")).quantize(Decimal("0.01"))
    first, second = propose(manager, amount=share, key="a"), propose(manager, amount=share, key="b")
    services.loan_interest_payment_approve(user=manager2, proposal=first)  # 40% left unpaid
    with pytest.raises(Conflict) as refused:
        services.loan_interest_payment_approve(user=manager2, proposal=second)
    assert refused.value.code == "loan_interest_exceeds_payable"
    assert payments() == 1 and LoanInterestPaymentProposal.objects.get(pk=second.pk).status == "proposed"
    with pytest.raises(Conflict) as refused:  # and early, at the proposal
        propose(manager, amount=payable - share + Decimal("0.01"), key="c")
    assert refused.value.code == "loan_interest_exceeds_payable"


def test_the_available_liquidity_is_checked_again_at_the_approval(manager, manager2, payable):
    proposal = propose(manager, amount=payable)  # € 100 mln available: it fits now
    # then most of the cash goes back to EZK as principal: less is available than the interest owed
    repay_loan(proposer=manager, approver=manager2, amount=99 * M, idempotency_key="r")
    assert fund_overview()["available"] == M < payable
    with pytest.raises(LimitExceeded) as refused:
        services.loan_interest_payment_approve(user=manager2, proposal=proposal)
    assert refused.value.code == "available_liquidity" and refused.value.field == "amount"
    with pytest.raises(LimitExceeded) as refused:  # and early, at the proposal
        propose(manager, amount=M + Decimal("0.01"), key="x")
    assert refused.value.code == "available_liquidity"
    assert payments() == 0 and fund_overview()["loan_interest_payable"] == payable


def test_the_booking_date_is_checked_again_at_the_approval(manager, manager2, payable):
    early = propose(manager, amount=M / 4, key="early", paid_on=date(2025, 1, 10))
    later = propose(manager, amount=M / 4, key="later", paid_on=date(2025, 2, 10))
    services.loan_interest_payment_approve(user=manager2, proposal=later)
    with pytest.raises(RuleViolation) as refused:  # the ledger is never back-dated
        services.loan_interest_payment_approve(user=manager2, proposal=early)
    assert refused.value.field == "paid_on"
    approved = services.loan_interest_payment_approve(user=manager2, proposal=early, paid_on=date(2025, 2, 11))
    assert approved.entry.booked_on == date(2025, 2, 11)
    with pytest.raises(RuleViolation) as refused:  # before the ledger's latest booking, at the proposal
        propose(manager, key="back", paid_on=ACCRUED_THROUGH - date.resolution)
    assert refused.value.field == "paid_on"
    with pytest.raises(RuleViolation) as refused:  # a date in the future, at the proposal
        propose(manager, key="future", paid_on=date(2999, 1, 1))
    assert refused.value.field == "paid_on"


def test_an_idempotency_key_is_never_a_second_payment(manager, payable, api):
    # a key the ledger already holds (a retry of a payment booked at once, before four eyes)
    with pytest.raises(Conflict) as refused:
        propose(manager, key="factory-tranche-1")
    assert refused.value.code == "idempotency_key_reused"
    response = api(manager).post(URL, {"amount": "1000.00", "idempotency_key": "factory-tranche-1"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"
    assert not LoanInterestPaymentProposal.objects.exists()
    # a proposal's key for another amount
    first = propose(manager, key="k")
    with pytest.raises(Conflict) as refused:
        propose(manager, amount=2 * M, key="k")
    assert refused.value.code == "idempotency_key_reused"
    again = propose(manager, key="k")
    assert again.pk == first.pk and again.replayed
    assert LoanInterestPaymentProposal.objects.count() == 1 and payments() == 0


@pytest.mark.parametrize(
    "role", [Role.CASE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR, Role.PARLIAMENTARY_LIAISON, Role.RISK_ASSESSOR]
)
def test_other_roles_neither_propose_nor_decide(manager, payable, make_user, api, role):
    other = make_user(f"other_{role}", role)
    response = api(other).post(URL, {"amount": "1000.00", "idempotency_key": "o"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    proposal = propose(manager)
    with pytest.raises(PermissionDenied):
        services.loan_interest_payment_approve(user=other, proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.loan_interest_payment_reject(user=other, proposal=proposal, reason="Nee.")
    assert api(other).post(f"{URL}{proposal.pk}/approve/", {}, format="json").status_code == 403
    assert api(other).post(f"{URL}{proposal.pk}/reject/", {"reason": "Nee."}, format="json").status_code == 403
    assert payments() == 0 and LoanInterestPaymentProposal.objects.get().status == "proposed"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"amount": "abc", "idempotency_key": "k"}, "amount"),
        ({"amount": "0.00", "idempotency_key": "k"}, "amount"),
        ({"amount": "10.001", "idempotency_key": "k"}, "amount"),
        ({"amount": "10.00"}, "idempotency_key"),
        ({"amount": "10.00", "idempotency_key": "k", "paid_on": "gisteren"}, "paid_on"),
        ({"amount": "10.00", "idempotency_key": "k", "paid_on": "2999-01-01"}, "paid_on"),
    ],
)
def test_bad_input_is_a_field_error(manager, api, payload, field):
    fund_establish_default()
    response = api(manager).post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not LoanInterestPaymentProposal.objects.exists()


def test_mijn_werk_asks_the_other_fund_manager_not_the_proposer(manager, manager2, payable):
    propose(manager)
    kind = "Vier ogen: rentebetaling aan EZK goedkeuren"
    assert [i["url"] for i in work_items(user=manager2) if i["kind"] == kind] == [reverse("bev:loan_interest_payments")]
    assert not [i for i in work_items(user=manager) if i["kind"] == kind]


def test_the_fund_page_proposes_and_another_fund_manager_approves_after_a_confirm_step(
    manager, manager2, payable, client
):
    web_session(client, manager)
    assert reverse("bev:loan_interest_payments") in client.get(reverse("bev:fund")).content.decode()
    url = reverse("bev:fund_book", args=["loan-interest"])
    data = {"loan-interest-amount": "250.000", "loan-interest-idempotency_key": "web-i-1"}
    preview = client.post(url, data)
    assert preview.status_code == 200 and "voorgesteld" in preview.content.decode()
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    proposal = LoanInterestPaymentProposal.objects.get()
    assert proposal.status == "proposed" and proposal.amount == Decimal("250000.00") and payments() == 0
    page_url = reverse("bev:loan_interest_payments")
    approve_url = reverse("bev:loan_interest_payment_decide", args=[proposal.pk, "approve"])
    page = client.get(page_url)
    assert page.status_code == 200 and approve_url not in page.content.decode()  # not on one's own
    refused = client.post(approve_url, {"confirm": "1"})
    assert refused.status_code == 400 and "Vier ogen" in refused.content.decode()
    client.logout()
    web_session(client, manager2)
    assert approve_url in client.get(page_url).content.decode()
    confirm = client.post(approve_url)
    assert confirm.status_code == 200 and payments() == 0  # first the confirm step
    assert client.post(approve_url, {"confirm": "1"}).status_code == 302
    assert payments() == 1 and fund_overview()["loan_interest_payable"] == payable - Decimal("250000.00")
    # a rejection without a reason comes back at its field
    other = propose(manager, key="i2")
    reject_url = reverse("bev:loan_interest_payment_decide", args=[other.pk, "reject"])
    response = client.post(reject_url, {f"li{other.pk}-reason": ""})
    assert response.status_code == 400 and "Een reden is verplicht." in response.content.decode()
    assert client.post(reject_url, {f"li{other.pk}-reason": "Dubbel."}).status_code == 302
    assert LoanInterestPaymentProposal.objects.get(pk=other.pk).status == "rejected" and payments() == 1


def test_an_interest_payment_booked_under_four_eyes_is_reversed_under_four_eyes_on_the_ledger(
    manager, manager2, payable, client
):
    """A correction needs the eyes of the booking it undoes (bev.constants.REVERSAL_APPROVAL): one
    fund manager alone could otherwise undo an interest payment two approved, or book it again."""
    entry = services.loan_interest_payment_approve(user=manager2, proposal=propose(manager)).entry
    with pytest.raises(Conflict) as refused:
        services.entry_reverse(user=manager, entry=entry, reason="Verkeerd bedrag.", idempotency_key="rev")
    assert refused.value.code == "reversal_needs_four_eyes"
    proposal = services.reversal_propose(user=manager, entry=entry, reason="Verkeerd bedrag.", idempotency_key="rev")
    with pytest.raises(PermissionDenied):
        services.reversal_approve(user=manager, proposal=proposal)
    task = [i for i in work_items(user=manager2) if i["kind"] == "Vier ogen: tegenboeking goedkeuren"]
    assert [i["url"] for i in task] == [reverse("bev:ledger") + "#reversals"]
    web_session(client, manager2)
    approve_url = reverse("bev:reversal_decide", args=[proposal.pk, "approve"])
    assert approve_url in client.get(reverse("bev:ledger")).content.decode()
    assert client.post(approve_url, {"confirm": "1"}).status_code == 302
    assert fund_overview()["loan_interest_payable"] == payable

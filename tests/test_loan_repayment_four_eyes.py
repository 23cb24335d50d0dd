"""A repayment to EZK leaves the fund as a disbursement or a management fee does, so it needs a second
person: one fund manager proposes it, another approves it (which books it) or rejects it with a reason;
the proposer never approves their own (403 `four_eyes`); the limits (principal outstanding, available
liquidity, booking date) are checked again at the approval. The letter says only that the loan is "een
langlopende achtergestelde lening" to be "terugbetaald"; four eyes is the service's own control
(docs/security.md). Found by acceptance testing: one fund manager repaid the whole €100m in one booking."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from access.roles import Role
from audit.models import AuditRecord
from bev import services
from bev.constants import EntryKind
from bev.models import JournalEntry, LoanRepaymentProposal
from bev.selectors import fund_overview
from bev.work import work_items
from core.exceptions import Conflict, LimitExceeded, PermissionDenied, RuleViolation
from tests.factories import fund_establish_default, fund_with_tranches, web_session

pytestmark = pytest.mark.django_db
M = Decimal("1000000.00")
URL = "/api/fund/loan-repayments/"


def repayments() -> int:
    return JournalEntry.objects.filter(kind=EntryKind.EZK_REPAYMENT).count()


def propose(user, amount=10 * M, key="r1", **kw):
    return services.loan_repayment_propose(user=user, amount=amount, idempotency_key=key, **kw)


def test_the_proposer_cannot_approve_their_own_repayment(manager, api):
    fund_with_tranches(user=manager)
    proposal = propose(manager, amount=100 * M)
    with pytest.raises(PermissionDenied) as refused:
        services.loan_repayment_approve(user=manager, proposal=proposal)
    assert refused.value.code == "four_eyes"
    response = api(manager).post(f"{URL}{proposal.pk}/approve/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    response = api(manager).post(f"{URL}{proposal.pk}/reject/", {"reason": "Toch niet."}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    assert repayments() == 0 and fund_overview()["loan_principal_outstanding"] == 100 * M
    assert LoanRepaymentProposal.objects.get().status == "proposed"


def test_the_api_proposes_and_another_fund_manager_approves_it_books_once(manager, manager2, api):
    fund_with_tranches(user=manager)
    response = api(manager).post(
        URL, {"amount": "100000000.00", "idempotency_key": "all", "description": "Volledige aflossing."}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "proposed" and body["entry"] is None and body["proposed_by"] == manager.username
    assert repayments() == 0  # the endpoint no longer books on its own
    retry = api(manager).post(URL, {"amount": "100000000.00", "idempotency_key": "all"}, format="json")
    assert retry.status_code == 200 and retry.json()["id"] == body["id"]
    approved = api(manager2).post(f"{URL}{body['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] == manager2.username
    entry = JournalEntry.objects.get(kind=EntryKind.EZK_REPAYMENT)
    assert approved.json()["entry"] == entry.pk
    assert (entry.created_by, entry.approved_by, entry.amount) == (manager, manager2, 100 * M)
    # approving twice books once
    again = api(manager2).post(f"{URL}{body['id']}/approve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    with pytest.raises(Conflict):
        services.loan_repayment_approve(user=manager2, proposal=LoanRepaymentProposal.objects.get())
    assert repayments() == 1 and fund_overview()["loan_principal_outstanding"] == 0
    events = list(
        AuditRecord.objects.filter(event__startswith="loan_repayment.").order_by("id").values_list("event", "actor")
    )
    assert events == [("loan_repayment.propose", manager.pk), ("loan_repayment.approve", manager2.pk)]
    listed = api(manager).get(URL)
    assert listed.status_code == 200 and [p["status"] for p in listed.json()] == ["approved"]


def test_a_rejected_repayment_books_nothing_and_needs_a_reason(manager, manager2, api):
    fund_with_tranches(user=manager)
    proposal = propose(manager)
    response = api(manager2).post(f"{URL}{proposal.pk}/reject/", {"reason": "  "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    with pytest.raises(RuleViolation) as refused:
        services.loan_repayment_reject(user=manager2, proposal=proposal, reason=" ")
    assert refused.value.field == "reason"
    response = api(manager2).post(
        f"{URL}{proposal.pk}/reject/", {"reason": "EZK vraagt nog niets terug."}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "EZK vraagt nog niets terug."
    assert api(manager2).post(f"{URL}{proposal.pk}/approve/", {}, format="json").status_code == 409
    assert repayments() == 0 and fund_overview()["loan_principal_outstanding"] == 100 * M
    assert AuditRecord.objects.filter(event="loan_repayment.reject", actor=manager2).count() == 1


def test_the_principal_outstanding_is_checked_again_at_the_approval(manager, manager2):
    fund_with_tranches(user=manager)
    first, second = propose(manager, amount=60 * M, key="a"), propose(manager, amount=60 * M, key="b")
    services.loan_repayment_approve(user=manager2, proposal=first)  # outstanding now 40m
    with pytest.raises(Conflict) as refused:
        services.loan_repayment_approve(user=manager2, proposal=second)
    assert refused.value.code == "loan_repayment_exceeds_principal"
    assert repayments() == 1 and LoanRepaymentProposal.objects.get(pk=second.pk).status == "proposed"
    with pytest.raises(Conflict):  # and early, at the proposal
        propose(manager, amount=40 * M + Decimal("0.01"), key="c")


def test_the_available_liquidity_is_checked_again_at_the_approval(manager, manager2):
    # a cap of €60m: of the €100m received, €40m went to the staatskas; €100m principal outstanding
    services.fund_establish(
        name="BEV SPV",
        policy_owner="EZK",
        manager_name="Invest-NL",
        manager_from=date(2023, 9, 1),
        liquid_cap=Decimal("60000000.00"),
    )
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t1", received_on=date(2023, 12, 1))
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2", received_on=date(2024, 6, 3))
    with pytest.raises(LimitExceeded) as refused:  # early, at the proposal
        propose(manager, amount=60 * M + Decimal("0.01"), key="x")
    assert refused.value.code == "available_liquidity"
    big, small = propose(manager, amount=50 * M, key="big"), propose(manager, amount=20 * M, key="small")
    services.loan_repayment_approve(user=manager2, proposal=small)  # cash now 40m, outstanding 80m
    with pytest.raises(LimitExceeded) as refused:
        services.loan_repayment_approve(user=manager2, proposal=big)
    assert refused.value.code == "available_liquidity" and refused.value.field == "amount"
    assert repayments() == 1 and fund_overview()["loan_principal_outstanding"] == 80 * M


def test_the_booking_date_is_checked_again_at_the_approval(manager, manager2):
    fund_with_tranches(user=manager)
    early = propose(manager, key="early", repaid_on=date(2024, 7, 1))
    later = propose(manager, key="later", repaid_on=date(2024, 8, 1))
    services.loan_repayment_approve(user=manager2, proposal=later)
    with pytest.raises(RuleViolation) as refused:  # the ledger is never back-dated
        services.loan_repayment_approve(user=manager2, proposal=early)
    assert refused.value.field == "repaid_on"
    approved = services.loan_repayment_approve(user=manager2, proposal=early, repaid_on=date(2024, 8, 2))
    assert approved.entry.booked_on == date(2024, 8, 2)
    with pytest.raises(RuleViolation) as refused:  # a date in the future, at the proposal
        propose(manager, key="future", repaid_on=date(2999, 1, 1))
    assert refused.value.field == "repaid_on"


def test_a_key_of_a_repayment_booked_before_four_eyes_proposes_nothing(manager, manager2):
    """A retry of a request that booked at once, before this change, must not become a second repayment."""
    fund_with_tranches(user=manager)
    with pytest.raises(Conflict) as refused:
        propose(manager, key="factory-tranche-1")  # a key the ledger already has
    assert refused.value.code == "idempotency_key_reused"
    assert not LoanRepaymentProposal.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.CASE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR, Role.PARLIAMENTARY_LIAISON, Role.RISK_ASSESSOR]
)
def test_other_roles_neither_propose_nor_decide(manager, make_user, api, role):
    fund_with_tranches(user=manager)
    other = make_user(f"other_{role}", role)
    response = api(other).post(URL, {"amount": "1000.00", "idempotency_key": "o"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    proposal = propose(manager)
    with pytest.raises(PermissionDenied):
        services.loan_repayment_approve(user=other, proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.loan_repayment_reject(user=other, proposal=proposal, reason="Nee.")
    assert api(other).post(f"{URL}{proposal.pk}/approve/", {}, format="json").status_code == 403
    assert api(other).post(f"{URL}{proposal.pk}/reject/", {"reason": "Nee."}, format="json").status_code == 403
    assert repayments() == 0 and LoanRepaymentProposal.objects.get().status == "proposed"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"amount": "abc", "idempotency_key": "k"}, "amount"),
        ({"amount": "-5.00", "idempotency_key": "k"}, "amount"),
        ({"amount": "0.00", "idempotency_key": "k"}, "amount"),
        ({"amount": "10.001", "idempotency_key": "k"}, "amount"),
        ({"amount": "10.00"}, "idempotency_key"),
        ({"amount": "10.00", "idempotency_key": "k", "repaid_on": "gisteren"}, "repaid_on"),
        ({"amount": "10.00", "idempotency_key": "k", "repaid_on": "2999-01-01"}, "repaid_on"),
    ],
)
def test_bad_input_is_a_field_error(manager, api, payload, field):
    fund_establish_default()
    response = api(manager).post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not LoanRepaymentProposal.objects.exists()


def test_mijn_werk_asks_the_other_fund_manager_not_the_proposer(manager, manager2):
    fund_with_tranches(user=manager)
    propose(manager)
    kind = "Vier ogen: aflossing lening EZK goedkeuren"
    assert [i for i in work_items(user=manager2) if i["kind"] == kind]
    assert not [i for i in work_items(user=manager) if i["kind"] == kind]


def test_the_web_page_lets_another_fund_manager_approve_after_a_confirm_step(manager, manager2, client):
    fund_with_tranches(user=manager)
    proposal = propose(manager, amount=25 * M, description="Aflossing op verzoek van EZK.")
    page_url = reverse("bev:loan_repayments")
    approve_url = reverse("bev:loan_repayment_decide", args=[proposal.pk, "approve"])
    web_session(client, manager)
    page = client.get(page_url)
    assert page.status_code == 200 and "Aflossing op verzoek van EZK." in page.content.decode()
    assert approve_url not in page.content.decode()  # no button on one's own proposal
    refused = client.post(approve_url, {"confirm": "1"})
    assert refused.status_code == 400 and "Vier ogen" in refused.content.decode()
    client.logout()
    web_session(client, manager2)
    assert approve_url in client.get(page_url).content.decode()
    confirm = client.post(approve_url)
    assert confirm.status_code == 200 and repayments() == 0  # first the confirm step
    assert client.post(approve_url, {"confirm": "1"}).status_code == 302
    assert repayments() == 1 and fund_overview()["loan_principal_outstanding"] == 75 * M
    # a rejection without a reason comes back at its field
    other = propose(manager, amount=M, key="r2")
    reject_url = reverse("bev:loan_repayment_decide", args=[other.pk, "reject"])
    response = client.post(reject_url, {f"lr{other.pk}-reason": ""})
    assert response.status_code == 400 and "Een reden is verplicht." in response.content.decode()
    assert client.post(reject_url, {f"lr{other.pk}-reason": "Te vroeg."}).status_code == 302
    assert LoanRepaymentProposal.objects.get(pk=other.pk).status == "rejected" and repayments() == 1


def test_a_repayment_booked_under_four_eyes_is_reversed_under_four_eyes_on_the_ledger(manager, manager2, client):
    """A correction needs the eyes of the booking it undoes (bev.constants.REVERSAL_APPROVAL): one
    fund manager alone could otherwise undo a repayment two approved."""
    fund_with_tranches(user=manager)
    entry = services.loan_repayment_approve(user=manager2, proposal=propose(manager, amount=30 * M)).entry
    with pytest.raises(Conflict) as refused:
        services.entry_reverse(user=manager, entry=entry, reason="Verkeerd bedrag.", idempotency_key="rev")
    assert refused.value.code == "reversal_needs_four_eyes"
    proposal = services.reversal_propose(user=manager, entry=entry, reason="Verkeerd bedrag.", idempotency_key="rev")
    with pytest.raises(PermissionDenied):
        services.reversal_approve(user=manager, proposal=proposal)
    # the other fund manager finds it on "Mijn werk" and decides it on the ledger (not the fees page)
    task = [i for i in work_items(user=manager2) if i["kind"] == "Vier ogen: tegenboeking goedkeuren"]
    assert [i["url"] for i in task] == [reverse("bev:ledger") + "#reversals"]
    web_session(client, manager2)
    approve_url = reverse("bev:reversal_decide", args=[proposal.pk, "approve"])
    assert approve_url in client.get(reverse("bev:ledger")).content.decode()
    assert approve_url not in client.get(reverse("bev:fees")).content.decode()
    assert client.post(approve_url, {"confirm": "1"}).status_code == 302
    assert fund_overview()["loan_principal_outstanding"] == 100 * M

"""Random sequences of fund movements (and corrections) against a simple model of the letter's rules.

Every step is tried on the real services; the model says whether it must be booked or refused and
what the balances are afterwards. After every step the invariants are checked against the ledger:
received ≤ €100m, liquid ≤ €150m, nothing negative, every entry balanced, and the figures equal
the model's.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from access.roles import Role
from bev import services
from bev.selectors import fund_overview, unbalanced_entries
from bev.services.exits import RETURN_SCALE_MULTIPLE
from cases.models import CabinetDecision, Case
from core.exceptions import ApplicationError, Conflict, LimitExceeded, RuleViolation
from tests.factories import (
    UserFactory,
    case_to_investment_preparation,
    charge_fee,
    fee_approver,
    fund_establish_default,
    make_case,
    order_sale,
    reverse_four_eyes,
)

M = Decimal("1000000.00")
CAP, COMMITTED = 150 * M, 100 * M
# Invest-NL's approved investment proposal: what is reserved plus disbursed in the case stays within it
# (bev.services.ledger._check_approved_proposals).
PROPOSED = 80 * M
EDGES = [Decimal("0.01"), M, 10 * M, 50 * M, 50 * M - Decimal("0.01"), 50 * M + Decimal("0.01"), 100 * M]
amounts = st.one_of(
    st.sampled_from(EDGES), st.integers(min_value=1, max_value=80 * 10**8).map(lambda cents: Decimal(cents) / 100)
)
POSITIONS = 3


class FundMachine(RuleBasedStateMachine):
    """The model: plain Decimals per account, per position; the rules written out once more."""

    @initialize()
    def set_up(self):
        self.savepoint = transaction.savepoint()
        self.keys = 0
        officer = UserFactory(username="sm-officer", role=Role.CASE_OFFICER)
        self.manager = UserFactory(username="sm-manager", role=Role.FUND_MANAGER)
        self.manager2 = UserFactory(username="sm-manager2", role=Role.FUND_MANAGER)
        sec1 = UserFactory(username="sm-sec1", role=Role.CABINET_SECRETARIAT)
        sec2 = UserFactory(username="sm-sec2", role=Role.CABINET_SECRETARIAT)
        case = make_case(
            officer=officer,
            team={
                self.manager: Role.FUND_MANAGER,
                self.manager2: Role.FUND_MANAGER,
                sec1: Role.CABINET_SECRETARIAT,
                sec2: Role.CABINET_SECRETARIAT,
            },
        )
        fund_establish_default()
        # The kabinetsbesluit's own maximum is tested in tests/test_cabinet_decision_limits.py; here it
        # is set above anything the fund can hold, so the fund's limits and the approved proposal's
        # amount are the ones this model checks. A decision names at most the fund's maximum size
        # (cabinet_decision_record), and disbursed money that comes back may be disbursed again, so
        # the set-up lifts the recorded maximum.
        self.case = case_to_investment_preparation(
            case,
            recorder=sec1,
            confirmer=sec2,
            max_amount=Decimal("150000000.00"),
            proposal_amount=PROPOSED,
        )
        CabinetDecision.objects.filter(case=self.case).update(max_amount=Decimal("900000000000.00"))
        self.secretariat = (sec1, sec2)
        self.sale_ordered = False
        self.positions = [
            services.position_create(
                user=self.manager, case=self.case, instrument="equity", ownership_percent=Decimal("10")
            )
            for _ in range(POSITIONS)
        ]
        self.received = self.available = self.swept = self.fees = self.returns = Decimal("0.00")
        self.repaid = Decimal("0.00")  # principal repaid to EZK (bev.services.loan_repayment_approve)
        self.reserved = [Decimal("0.00")] * POSITIONS
        self.cost = [Decimal("0.00")] * POSITIONS
        self.invested = [Decimal("0.00")] * POSITIONS
        self.exited = [False] * POSITIONS
        self.case_invested = False
        self.corrigible = []  # [entry, kind, amount, reversed] of tranches and fees, for reversals

    def teardown(self):
        if getattr(self, "savepoint", None):
            transaction.savepoint_rollback(self.savepoint)

    # --- helpers -----------------------------------------------------------------------------
    def key(self):
        self.keys += 1
        return f"sm-{self.keys}"

    def liquid(self):
        return self.available + sum(self.reserved)

    def within_proposal(self, increase):
        """Reserved plus disbursed in the case (less releases; exits give no room back) stays within
        the approved proposal."""
        return sum(self.reserved) + sum(self.invested) + increase <= PROPOSED

    def sweep(self):
        excess = self.liquid() - CAP
        if excess > 0:
            self.available -= excess
            self.swept += excess

    def expect(self, allowed: bool, action, refusal=(RuleViolation, LimitExceeded)):
        if allowed:
            return action()
        with pytest.raises(refusal):
            action()
        return None

    # --- rules -------------------------------------------------------------------------------
    @rule(amount=amounts)
    def tranche(self, amount):
        allowed = self.received + amount <= COMMITTED
        if entry := self.expect(
            allowed, lambda: services.tranche_receive(user=self.manager, amount=amount, idempotency_key=self.key())
        ):
            self.corrigible.append([entry, "tranche", amount, False])
            self.received += amount
            self.available += amount
            self.sweep()

    @rule(i=st.integers(0, POSITIONS - 1), amount=amounts)
    def reserve(self, i, amount):
        if self.exited[i] or self.sale_ordered:  # no new money once the cabinet ordered the sale
            return self.expect(
                False,
                lambda: services.reservation_book(
                    user=self.manager, position=self.positions[i], amount=amount, idempotency_key=self.key()
                ),
                Conflict,
            )
        if self.expect(
            amount <= self.available and self.within_proposal(amount),
            lambda: services.reservation_book(
                user=self.manager, position=self.positions[i], amount=amount, idempotency_key=self.key()
            ),
        ):
            self.available -= amount
            self.reserved[i] += amount

    @rule(i=st.integers(0, POSITIONS - 1), amount=amounts)
    def release(self, i, amount):
        if self.expect(
            amount <= self.reserved[i],
            lambda: services.reservation_release(
                user=self.manager, position=self.positions[i], amount=amount, idempotency_key=self.key()
            ),
        ):
            self.available += amount
            self.reserved[i] -= amount

    @rule(i=st.integers(0, POSITIONS - 1), amount=amounts)
    def disburse(self, i, amount):
        position = self.positions[i]

        def book():
            proposal = services.disbursement_propose(
                user=self.manager, position=position, amount=amount, idempotency_key=self.key()
            )
            return services.disbursement_approve(user=self.manager2, disbursement=proposal)

        if self.exited[i] or self.sale_ordered:
            return self.expect(False, book, Conflict)
        increase = amount - min(self.reserved[i], amount)
        if self.expect(amount <= self.available + self.reserved[i] and self.within_proposal(increase), book):
            from_reserved = min(self.reserved[i], amount)
            self.reserved[i] -= from_reserved
            self.available -= amount - from_reserved
            self.cost[i] += amount
            self.invested[i] += amount
            self.case_invested = True

    @rule(
        i=st.integers(0, POSITIONS - 1),
        amount=amounts,
        kind=st.sampled_from(["dividend", "interest"]),
        confirm=st.booleans(),
    )
    def income(self, i, amount, kind, confirm):
        """Income on an invested position; above RETURN_SCALE_MULTIPLE times the invested amount only
        when the fund manager confirms it (issue 22)."""
        if self.invested[i] <= 0:
            self.expect(False, lambda: self._income(i, amount, kind, confirm), Conflict)
            return
        outside_scale = amount > self.invested[i] * RETURN_SCALE_MULTIPLE
        if self.expect(not outside_scale or confirm, lambda: self._income(i, amount, kind, confirm), RuleViolation):
            self.available += amount
            self.returns += amount
            self.sweep()

    def _income(self, i, amount, kind, confirm):
        return services.return_book(
            user=self.manager,
            position=self.positions[i],
            kind=kind,
            amount=amount,
            idempotency_key=self.key(),
            confirm_outside_scale=confirm,
        )

    @rule(amount=amounts)
    def fee(self, amount):
        # the year's budget is charge_fee's default, the committed capital (bev.services.fees.fee_budget_set)
        if entry := self.expect(
            amount <= self.available and self.fees + amount <= COMMITTED,
            lambda: charge_fee(user=self.manager, amount=amount, idempotency_key=self.key()),
            (RuleViolation, Conflict),
        ):
            self.corrigible.append([entry, "fee", amount, False])
            self.available -= amount
            self.fees += amount

    @rule(data=st.data())
    def reverse(self, data):
        """A correction: the mirror entry, refused when it would break a limit or was done before."""
        if not self.corrigible:
            return
        item = data.draw(st.sampled_from(self.corrigible))
        entry, kind, amount, reversed_before = item

        def book():
            if kind == "fee":  # booked under four eyes, reversed under four eyes (REVERSAL_APPROVAL)
                return reverse_four_eyes(
                    entry,
                    proposer=self.manager2,
                    approver=fee_approver(),
                    reason="correctie",
                    idempotency_key=self.key(),
                )
            return services.entry_reverse(
                user=self.manager2,
                entry=entry,
                reason="correctie",
                idempotency_key=self.key(),
            )

        if reversed_before:
            return self.expect(False, book, Conflict)
        # a tranche's reversal also may not leave less received than was repaid to EZK
        allowed = kind == "fee" or (amount <= self.available and self.received - amount >= self.repaid)
        if self.expect(allowed, book):
            item[3] = True
            if kind == "fee":
                self.fees -= amount
                self.available += amount
                self.sweep()
            else:
                self.received -= amount
                self.available -= amount

    @rule(amount=amounts)
    def repay_ezk(self, amount):
        """Principal repaid to EZK: never more than outstanding, never more than available; not a sweep.
        Proposed by one fund manager, booked on another's approval (four eyes)."""
        allowed = amount <= self.received - self.repaid and amount <= self.available

        def repay():
            proposal = services.loan_repayment_propose(user=self.manager, amount=amount, idempotency_key=self.key())
            return services.loan_repayment_approve(user=self.manager2, proposal=proposal)

        if self.expect(allowed, repay, ApplicationError):
            self.repaid += amount
            self.available -= amount

    @rule()
    def manual_sweep(self):
        assert services.fund_sweep(user=self.manager) is None  # nothing above the cap is ever left over

    @rule()
    def cabinet_orders_sale(self):
        """The exit gate's ground while invested (no risk review before monitoring): a sale order."""
        if self.case_invested and not self.sale_ordered:
            order_sale(self.case, recorder=self.secretariat[0], confirmer=self.secretariat[1])
            self.sale_ordered = True

    @rule(i=st.integers(0, POSITIONS - 1), proceeds=amounts, fraction=st.sampled_from([25, 50, 100]))
    def exit(self, i, proceeds, fraction):
        allowed = self.invested[i] > 0 and not self.exited[i] and self.case_invested and self.sale_ordered
        if self.expect(
            allowed,
            lambda: services.exit_book(
                user=self.manager,
                position=self.positions[i],
                proceeds=proceeds,
                fraction_sold_percent=fraction,
                idempotency_key=self.key(),
            ),
            ApplicationError,
        ):
            full = fraction == 100
            sold_cost = self.cost[i] if full else (self.cost[i] * fraction / 100).quantize(Decimal("0.01"))
            self.cost[i] -= sold_cost
            self.available += proceeds
            self.returns += proceeds
            if full:
                self.available += self.reserved[i]
                self.reserved[i] = Decimal("0.00")
                self.exited[i] = True
            self.sweep()

    # --- invariants ----------------------------------------------------------------------------
    @invariant()
    def ledger_matches_the_model_and_the_letter(self):
        if not hasattr(self, "positions"):
            return
        overview = fund_overview()
        assert overview["received"] <= COMMITTED
        assert overview["liquid"] <= CAP
        assert overview["available"] >= 0 and overview["reserved"] >= 0 and overview["deployed"] >= 0
        assert overview["liquid"] == overview["available"] + overview["reserved"]
        assert (
            overview["received"],
            overview["available"],
            overview["reserved"],
            overview["deployed"],
            overview["swept_to_treasury"],
            overview["fees"],
            overview["returns"],
        ) == (self.received, self.available, sum(self.reserved), sum(self.cost), self.swept, self.fees, self.returns)
        assert (overview["loan_repaid"], overview["loan_principal_outstanding"]) == (
            self.repaid,
            self.received - self.repaid,
        )
        assert overview["loan_principal_outstanding"] >= 0
        assert unbalanced_entries() == []
        assert Case.objects.get(pk=self.case.pk).state == (
            "invested" if self.case_invested else "investment_preparation"
        )


@pytest.mark.django_db
def test_random_sequences_of_movements_keep_every_rule():
    run_state_machine_as_test(
        FundMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        ),
    )

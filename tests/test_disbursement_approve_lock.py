"""disbursement_approve holds the fund lock only for what it protects: the permission and the
reads that do not change are done before it, a refusal does not wait for it, and under it the
ledger is never summed, not even one position's lines (the running balances are read instead). What the lock protects
is checked again under it (the concurrency tests race the limits themselves)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bev import services
from bev.models import Disbursement
from core.exceptions import Conflict, LimitExceeded, PermissionDenied
from tests.factories import case_to_investment_preparation, charge_fee, fund_with_tranches

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="the lock is PostgreSQL's FOR NO KEY UPDATE")
# lock, the disbursement with the latest date and the position's running figures, balances, entry, lines,
# running balances, the position's running figures and flow, three audit records, the disbursement's
# update, the letter request (parliament), COMMIT
QUERIES_UNDER_THE_LOCK = 24


@pytest.fixture
def position(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=30)


def _proposal(position, manager, key, amount=M):
    services.disbursement_propose(user=manager, position=position, amount=amount, idempotency_key=key)
    # as the API passes it: read with its position, case and proposer
    return Disbursement.objects.select_related("position__case", "proposed_by").get(idempotency_key=key)


def _approve(disbursement, user):
    with CaptureQueriesContext(connection) as ctx:
        result = services.disbursement_approve(user=user, disbursement=disbursement)
    return result, [q["sql"] for q in ctx.captured_queries]


def _fund_lock(sql: list[str]) -> int | None:
    return next((i for i, q in enumerate(sql) if '"bev_fund"' in q and "FOR NO KEY UPDATE" in q), None)


@POSTGRES
@pytest.mark.parametrize("first", [True, False])
def test_under_the_lock_only_what_it_protects(position, manager, manager2, first):
    if not first:
        services.disbursement_approve(user=manager2, disbursement=_proposal(position, manager, "earlier"))
    services.reservation_book(user=manager, position=position, amount=M / 2, idempotency_key="res")
    result, sql = _approve(_proposal(position, manager, "now"), manager2)
    assert result.status == "booked"
    lock = _fund_lock(sql)
    assert lock is not None
    before, under = sql[:lock], sql[lock:]  # to the end of the service's transaction (or savepoint)
    assert any("cases_caseteammember" in q for q in before)  # the permission check
    assert not any("cases_caseteammember" in q for q in under[:6])
    # no line of the ledger is read under the lock: the position's reservation, its earlier
    # disbursements and the case's committed total come from the positions' running figures
    assert not [q for q in under if q.startswith("SELECT") and '"bev_journalline"' in q]
    assert any(q.startswith("SELECT") and '"bev_positionbalance"' in q for q in under)
    assert any('"bev_accountbalance"' in q for q in under)  # the balances the limit is checked against
    if not first:
        assert len(under) <= QUERIES_UNDER_THE_LOCK, "\n".join(under)


@POSTGRES
def test_a_refused_approval_does_not_wait_for_the_lock(position, manager, manager2):
    own = _proposal(position, manager2, "own")
    with CaptureQueriesContext(connection) as ctx, pytest.raises(PermissionDenied):
        services.disbursement_approve(user=manager2, disbursement=own)
    assert _fund_lock([q["sql"] for q in ctx.captured_queries]) is None
    rejected = _proposal(position, manager, "rejected")
    services.disbursement_reject(user=manager2, disbursement=rejected, reason="Te vroeg.")
    rejected = Disbursement.objects.select_related("position__case", "proposed_by").get(pk=rejected.pk)
    with CaptureQueriesContext(connection) as ctx, pytest.raises(Conflict) as refused:
        services.disbursement_approve(user=manager2, disbursement=rejected)
    assert refused.value.code == "rejected"
    assert _fund_lock([q["sql"] for q in ctx.captured_queries]) is None


@POSTGRES
def test_a_retried_approval_returns_without_the_lock(position, manager, manager2):
    proposal = _proposal(position, manager, "p")
    services.disbursement_approve(user=manager2, disbursement=proposal)
    booked = Disbursement.objects.select_related("position__case", "proposed_by").get(pk=proposal.pk)
    result, sql = _approve(booked, manager2)
    assert result.pk == proposal.pk and result.status == "booked"
    assert _fund_lock(sql) is None


def test_what_changed_after_the_caller_read_it_is_checked_again_under_the_lock(
    position, manager, manager2, make_user, officer
):
    from access.roles import Role
    from cases.services import case_team_add

    manager3 = make_user("manager3", Role.FUND_MANAGER)
    case_team_add(user=officer, case=position.case, member=manager3, role=Role.FUND_MANAGER)
    stale = _proposal(position, manager, "p")  # read while proposed
    services.disbursement_reject(user=manager2, disbursement=stale, reason="Niet nodig.")
    with pytest.raises(Conflict) as refused:
        services.disbursement_approve(user=manager3, disbursement=stale)
    assert refused.value.code == "rejected"
    stale = _proposal(position, manager, "q")
    services.disbursement_approve(user=manager2, disbursement=Disbursement.objects.get(pk=stale.pk))
    with pytest.raises(Conflict) as refused:  # booked meanwhile by another manager
        services.disbursement_approve(user=manager3, disbursement=stale)
    assert refused.value.code == "already_booked"
    stale = _proposal(position, manager, "big", amount=9 * M)  # fits when read
    charge_fee(user=manager, amount=M, idempotency_key="fee")
    with pytest.raises(LimitExceeded) as refused:  # 8m available by now
        services.disbursement_approve(user=manager2, disbursement=stale)
    assert refused.value.field == "amount"


def test_the_first_disbursement_moves_the_case_and_a_follow_on_does_not(position, manager, manager2):
    from cases.models import Case

    a = _proposal(position, manager, "a")
    b = _proposal(position, manager, "b")  # read before a was booked: its case still in preparation
    services.disbursement_approve(user=manager2, disbursement=a)
    assert Case.objects.get(pk=position.case_id).state == "invested"
    services.disbursement_approve(user=manager2, disbursement=b)
    case = Case.objects.get(pk=position.case_id)
    assert case.state == "invested"
    assert case.timeline.filter(transition="mark_invested").count() == 1

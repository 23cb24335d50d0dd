"""The fund itself: establishing it, its manager, the tranches of the EZK loan and the sweep."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log, diff
from core.exceptions import RuleViolation
from core.formatting import date_display

from ..constants import (
    Account,
    EntryKind,
)
from ..models import (
    Fund,
    JournalEntry,
    ManagerPeriod,
    PlannedTranche,
)
from .ledger import (
    NumberInput,
    _booking_date,
    _check_committed_limit,
    _figures,
    _key,
    _lock_fund,
    _post,
    _replayed,
    _sweep_excess,
    money,
)
from .loan import check_tranche_schedule


# ------------------------------------------------------------------------------------------------
# The fund and its manager
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def fund_establish(
    *,
    user: User | None = None,
    name: str,
    policy_owner: str,
    manager_name: str,
    manager_from: date,
    committed_limit: Decimal = Decimal("100000000.00"),
    liquid_cap: Decimal = Decimal("150000000.00"),
    planned_tranches: dict[int, Decimal] | None = None,
) -> Fund:
    """Set up the SPV with its limits, its tranche schedule and its first manager (idempotent)."""
    if user is not None:
        require(user, "fund.configure")
    fund, created = Fund.objects.get_or_create(
        code="BEV",
        defaults={
            "name": name,
            "policy_owner": policy_owner,
            "committed_limit": committed_limit,
            "liquid_cap": liquid_cap,
        },
    )
    if not created:
        return fund
    tranches = planned_tranches or {2023: Decimal("50000000.00"), 2024: Decimal("50000000.00")}
    for year, amount in tranches.items():
        PlannedTranche.objects.create(fund=fund, year=year, amount=amount)
    ManagerPeriod.objects.create(fund=fund, name=manager_name, valid_from=manager_from)
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="fund.establish",
        obj=fund,
        changes=diff(
            {},
            {
                "name": name,
                "policy_owner": policy_owner,
                "committed_limit": committed_limit,
                "liquid_cap": liquid_cap,
                "manager": manager_name,
                "manager_from": manager_from,
                "planned_tranches": {str(year): amount for year, amount in sorted(tranches.items())},
            },
        ),
    )
    return fund


@transaction.atomic
def manager_change(*, user: User, name: str, valid_from: date, notes: str = "") -> ManagerPeriod:
    """A new manager takes over from `valid_from` (e.g. the integrated investment institution,
    aimed for 1 January 2028 in the 2025 letter); the current period ends the day before."""
    require(user, "fund.configure")
    fund = _lock_fund()
    if not (name or "").strip():
        raise RuleViolation(_("De naam van de beheerder is verplicht."), field="name")
    current = fund.manager_periods.filter(valid_to__isnull=True).order_by("-valid_from").first()
    if current is not None:
        if valid_from <= current.valid_from:
            raise RuleViolation(
                _("Een nieuwe beheerder begint na de huidige (%(since)s).")
                % {"since": date_display(current.valid_from)},
                field="valid_from",
            )
        current.valid_to = valid_from - timedelta(days=1)
        current.save(update_fields=["valid_to"])
    period = ManagerPeriod.objects.create(fund=fund, name=name.strip(), valid_from=valid_from, notes=notes)
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="fund.manager_change",
        obj=period,
        changes={
            "manager": {"before": current.name if current else None, "after": period.name},
            "valid_from": valid_from,
        },
    )
    return period


# ------------------------------------------------------------------------------------------------
# Fund-wide movements
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def tranche_receive(
    *, user: User, amount: NumberInput, idempotency_key: str, received_on: date | None = None, description: str = ""
) -> JournalEntry:
    """A tranche of the ministry's subordinated loan is received: within the committed capital and
    within the tranche schedule (`check_tranche_schedule`, bev.services.loan)."""
    require(user, "fund.book")
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, user=user, kind=EntryKind.TRANCHE, amount=amount, position=None):
        return replay
    booked_on = _booking_date(fund, received_on, field="received_on")
    figures = _figures(fund)
    _check_committed_limit(fund, figures, amount)
    check_tranche_schedule(fund, figures, amount, booked_on)
    entry = _post(
        fund=fund,
        kind=EntryKind.TRANCHE,
        booked_on=booked_on,
        key=key,
        user=user,
        amount=amount,
        description=description or _("Tranche achtergestelde lening %(owner)s.") % {"owner": fund.policy_owner},
        lines=[(Account.CASH_AVAILABLE, amount), (Account.MINISTRY_LOAN, -amount)],
    )
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=entry)
    return entry


@transaction.atomic
def fund_sweep(*, user: User, booked_on: date | None = None) -> JournalEntry | None:
    """Sweep any liquid assets above the cap now (normally done automatically after each inflow)."""
    require(user, "fund.book")
    fund = _lock_fund()
    figures = _figures(fund)
    if figures["liquid"] <= fund.liquid_cap:
        return None
    return _sweep_excess(fund=fund, user=user, booked_on=_booking_date(fund, booked_on), cause=None)

"""The admin shows the fund and its ledger read-only: money moves only through bev.services."""

from django.contrib import admin

from access.permissions import can
from cases.models import Case
from core.admin import ReadOnlyInline

from .models import (
    Fund,
    InvestmentProposal,
    JournalEntry,
    JournalLine,
    ManagerPeriod,
    PlannedTranche,
    Position,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and can(request.user, "fund.view")

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class LineInline(ReadOnlyInline):
    model = JournalLine
    fields = ["account", "position", "amount"]
    readonly_fields = fields


class ManagerInline(ReadOnlyInline):
    model = ManagerPeriod
    fields = ["name", "valid_from", "valid_to", "notes"]
    readonly_fields = fields


class TrancheInline(ReadOnlyInline):
    model = PlannedTranche
    fields = ["year", "amount"]
    readonly_fields = fields


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["name", "policy_owner", "committed_limit", "liquid_cap"]
    readonly_fields = ["code", "name", "policy_owner", "committed_limit", "liquid_cap", "created_at"]
    inlines = [TrancheInline, ManagerInline]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """The ledger, read-only: a mistake is corrected by a reversing entry through the service."""

    list_display = ["id", "booked_on", "kind", "amount", "position", "created_by", "approved_by", "reverses"]
    list_filter = ["kind", "booked_on"]
    search_fields = ["description", "idempotency_key"]
    date_hierarchy = "booked_on"
    readonly_fields = ["fund", "kind", "booked_on", "amount", "description", "idempotency_key", "position", "case_id",
                       "reverses", "created_by", "approved_by", "created_at"]
    inlines = [LineInline]

    def get_actions(self, request):
        return {}  # no bulk delete on an append-only ledger


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    """Positions are case data: only those of cases the admin user may see."""

    list_display = ["id", "case", "instrument", "ownership_percent", "exited_on"]
    list_filter = ["instrument"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=Case.objects.visible_to(request.user))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Position._meta.fields]


@admin.register(InvestmentProposal)
class InvestmentProposalAdmin(ReadOnlyAdmin):
    """Invest-NL's investment proposals, read-only (proposed and decided through bev.services); case
    data: only those of cases the admin user may see."""

    list_display = ["id", "case", "decision", "instrument", "amount", "status", "proposed_by", "decided_by"]
    list_filter = ["status", "instrument"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=Case.objects.visible_to(request.user))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in InvestmentProposal._meta.fields]

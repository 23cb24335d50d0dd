"""The admin shows the fund and its ledger read-only: money moves only through bev.services. EZK's
loan terms are added here through their service (audited), never edited."""

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from access.permissions import can
from cases.admin_scope import CaseScopedAdmin
from core.admin import ReadOnlyInline, ReadOnlyModelAdmin
from core.admin_money import EuroFields, EuroFieldsAdmin
from core.exceptions import ApplicationError

from . import services
from .models import (
    Fund,
    InvestmentProposal,
    JournalEntry,
    JournalLine,
    LoanInterestAccrual,
    LoanRepaymentInstalment,
    LoanTerms,
    ManagerPeriod,
    PlannedTranche,
    Position,
    TrancheScheduleOverride,
)


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and can(request.user, "fund.view")

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class LineInline(EuroFields, ReadOnlyInline):
    model = JournalLine
    euro_fields = ("amount",)
    fields = readonly_fields = ("account", "position", "amount")


class ManagerInline(ReadOnlyInline):
    model = ManagerPeriod
    fields = readonly_fields = ("name", "valid_from", "valid_to", "notes")


class TrancheInline(EuroFields, ReadOnlyInline):
    model = PlannedTranche
    euro_fields = ("amount",)
    fields = readonly_fields = ("year", "amount")


@admin.register(Fund)
class FundAdmin(EuroFieldsAdmin, ReadOnlyAdmin):
    euro_fields = ("committed_limit", "liquid_cap")
    list_display = ["name", "policy_owner", "committed_limit", "liquid_cap"]
    readonly_fields = ["code", "name", "policy_owner", "committed_limit", "liquid_cap", "created_at"]
    inlines = [TrancheInline, ManagerInline]


@admin.register(JournalEntry)
class JournalEntryAdmin(EuroFieldsAdmin, CaseScopedAdmin, ReadOnlyAdmin):
    """The ledger, read-only: a mistake is corrected by a reversing entry through the service.
    Fund-wide entries, and those of cases the person may see: the free text of an entry about a
    case ("Storting voor 25% van de aandelen ...") is case data (the API masks it), and a search
    over it would tell whether such an entry exists."""

    case_lookup = "case_id"
    rows_without_case = True
    euro_fields = ("amount",)

    list_display = ["id", "booked_on", "kind", "amount", "position", "created_by", "approved_by", "reverses"]
    list_filter = ["kind", "booked_on"]
    search_fields = ["description", "idempotency_key"]
    date_hierarchy = "booked_on"
    readonly_fields = [
        "fund",
        "kind",
        "booked_on",
        "amount",
        "description",
        "idempotency_key",
        "position",
        "case_id",
        "reverses",
        "created_by",
        "approved_by",
        "created_at",
    ]
    inlines = [LineInline]

    def get_actions(self, request):
        return {}  # no bulk delete on an append-only ledger


@admin.register(Position)
class PositionAdmin(EuroFieldsAdmin, CaseScopedAdmin, ReadOnlyAdmin):
    """Positions are case data: only those of cases the admin user may see (as the API)."""

    euro_fields = ("principal",)
    list_display = ["id", "case", "instrument", "ownership_percent", "exited_on"]
    list_filter = ["instrument"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Position._meta.fields]


@admin.register(InvestmentProposal)
class InvestmentProposalAdmin(EuroFieldsAdmin, CaseScopedAdmin, ReadOnlyAdmin):
    """Invest-NL's investment proposals, read-only (proposed and decided through bev.services); case
    data: only those of cases the admin user may see."""

    euro_fields = ("amount",)
    list_display = ["id", "case", "decision", "instrument", "amount", "status", "proposed_by", "decided_by"]
    list_filter = ["status", "instrument"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in InvestmentProposal._meta.fields]


# ------------------------------------------------------------------------------------------------
# EZK's loan: the terms are entered here (or through the API) by an administrator, through the
# service (bev.services.loan_terms_record: validated, audited; a version is never edited, the next
# one follows it). Accruals and schedule overrides are shown read-only.
# ------------------------------------------------------------------------------------------------
class _DryRun(Exception):
    """Raised inside the check's transaction to roll it back."""


class InstalmentInline(EuroFields, ReadOnlyInline):
    model = LoanRepaymentInstalment
    euro_fields = ("amount",)
    fields = readonly_fields = ("due_on", "amount")


class LoanTermsForm(forms.ModelForm):
    instalments_text = forms.CharField(
        label=_("aflossingstermijnen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'Alleen bij een aflossingsschema: één termijn per regel, "JJJJ-MM-DD bedrag", bijv. '
            '"2030-12-31 50000000.00".'
        ),
    )

    class Meta:
        model = LoanTerms
        fields = ["valid_from", "interest_rate_percent", "interest_period", "repayment_basis", "source"]

    def clean_instalments_text(self) -> list:
        instalments = []
        for line in (self.cleaned_data.get("instalments_text") or "").splitlines():
            if not line.strip():
                continue
            try:
                due_on, amount = line.split()
                instalments.append((date.fromisoformat(due_on), amount))
            except ValueError:
                raise ValidationError(_('Regel "%(line)s": verwacht "JJJJ-MM-DD bedrag".') % {"line": line}) from None
        return instalments

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "valid_from": data["valid_from"],
            "interest_rate_percent": data["interest_rate_percent"],
            "interest_period": data["interest_period"],
            "repayment_basis": data["repayment_basis"],
            "source": data["source"],
            "instalments": data.get("instalments_text") or [],
        }

    def clean(self):
        """The service's own checks, run and rolled back, so that a refusal is a form error."""
        cleaned = super().clean()
        if not self.errors:
            try:
                with transaction.atomic():
                    services.loan_terms_record(user=self.user, **self.service_arguments())
                    raise _DryRun
            except _DryRun:
                pass
            except ApplicationError as exc:
                raise ValidationError(exc.message) from None
        return cleaned


@admin.register(LoanTerms)
class LoanTermsAdmin(ReadOnlyAdmin):
    form = LoanTermsForm
    list_display = [
        "valid_from",
        "valid_to",
        "interest_rate_percent",
        "interest_period",
        "repayment_basis",
        "recorded_by",
    ]
    inlines = [InstalmentInline]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [f.name for f in LoanTerms._meta.fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*LoanTermsForm.Meta.fields, "instalments_text"]
        return [f.name for f in LoanTerms._meta.fields if f.name not in ("id", "fund")]

    def get_inlines(self, request, obj):
        return [InstalmentInline] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and can(request.user, "fund.configure")

    def save_model(self, request, obj, form, change):
        saved = services.loan_terms_record(user=request.user, **form.service_arguments())
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the service saved the instalments


@admin.register(LoanInterestAccrual)
class LoanInterestAccrualAdmin(EuroFieldsAdmin, CaseScopedAdmin, ReadOnlyAdmin):
    """Interest accrued on EZK's loan: fund-wide (scoped like any model whose rows can name a case)."""

    case_lookup = "entry__case_id"
    rows_without_case = True
    euro_fields = ("amount",)

    list_display = ["period_start", "period_end", "amount", "entry", "recorded_by"]
    readonly_fields = [
        "fund",
        "period_start",
        "period_end",
        "amount",
        "calculation",
        "entry",
        "recorded_by",
        "created_at",
    ]


@admin.register(TrancheScheduleOverride)
class TrancheScheduleOverrideAdmin(EuroFieldsAdmin, ReadOnlyAdmin):
    euro_fields = ("amount",)
    list_display = ["year", "amount", "reason", "recorded_by", "created_at"]
    readonly_fields = ["fund", "year", "amount", "reason", "recorded_by", "created_at"]

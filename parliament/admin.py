"""Admin: the configuration (letterhead, ministers, references) is edited here; letters, the
outbox and reports are read-only here (they change only through their services), letters and
requests only of cases the person may see (`cases.admin_scope`)."""

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from access.permissions import can
from audit.models import AuditRecord
from audit.services import audit_log, diff
from cases.admin_scope import CaseScopedAdmin
from core.admin import ReadOnlyModelAdmin
from core.admin_money import EuroFieldsAdmin

from . import selectors
from .models import (
    CountryDisclosurePolicy,
    EvaluationSchedule,
    LetterDraft,
    LetterReference,
    LetterRequest,
    LetterRevision,
    Minister,
    MinistryProfile,
    Report,
)


class LetterConfigurationAdmin(admin.ModelAdmin):
    """The letters' dated configuration, kept by the administrator (`letter.configure`; Django's model
    permissions are not how roles are given here: found by trying the product, the drafting notes sent
    the administrator to pages that answered 403). Rows are added and changed, each change in the audit
    trail; none is deleted (a sent letter was drafted from it: end it with its "valid to" instead)."""

    def _may(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and can(request.user, "letter.configure")

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_log(
                actor=request.user,
                action=AuditRecord.Action.UPDATE if change else AuditRecord.Action.CREATE,
                event="parliament.configure",
                obj=obj,
                changes=diff(before, model_to_dict(obj)),
            )


@admin.register(MinistryProfile)
class MinistryProfileAdmin(LetterConfigurationAdmin):
    list_display = ["ministry_name", "valid_from", "valid_to", "reference_prefix"]
    ordering = ["-valid_from"]


@admin.register(Minister)
class MinisterAdmin(LetterConfigurationAdmin):
    list_display = ["name", "title", "valid_from", "valid_to"]
    ordering = ["-valid_from"]


@admin.register(LetterReference)
class LetterReferenceAdmin(LetterConfigurationAdmin):
    list_display = ["citation", "description", "position", "valid_from", "valid_to"]


@admin.register(CountryDisclosurePolicy)
class CountryDisclosurePolicyAdmin(LetterConfigurationAdmin):
    """Landenneutraliteit: whether a public letter names the acquirer's country is EZK's and BZ's
    choice; without a row valid on the letter's date it is not named."""

    list_display = ["label", "name_country", "valid_from", "valid_to"]
    ordering = ["-valid_from"]


@admin.register(EvaluationSchedule)
class EvaluationScheduleAdmin(LetterConfigurationAdmin):
    list_display = ["title", "instrument_start", "due_on", "warn_days", "completed_on", "report_citation"]
    ordering = ["due_on"]


@admin.register(LetterRequest)
class LetterRequestAdmin(EuroFieldsAdmin, CaseScopedAdmin, ReadOnlyModelAdmin):
    """The outbox: a row that stays pending shows its last error."""

    list_display = ["source_key", "kind", "case", "executed_on", "status", "attempts", "created_at", "processed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["source_key"]
    euro_fields = ("amount",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in LetterRequest._meta.fields]  # in the model's order, the amount in its place


class LetterRevisionInline(admin.TabularInline):
    model = LetterRevision
    fields = readonly_fields = ("number", "author", "note", "created_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LetterDraft)
class LetterDraftAdmin(CaseScopedAdmin, ReadOnlyModelAdmin):
    list_display = ["our_reference", "chamber", "kind", "status", "letter_date", "sent_on", "kamerstuk_number"]
    list_filter = ["status", "chamber", "kind"]
    inlines = [LetterRevisionInline]

    def get_queryset(self, request):
        return selectors.letter_list(user=request.user)  # as the API: the team's letter readers


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
    list_display = ["kind", "year", "period_start", "period_end", "requested_by", "status", "progress", "created_at"]
    list_filter = ["kind", "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(requested_by=request.user)

"""Admin for the afwegingskader. Framework versions: administrators create and edit drafts and
publish them through the services (audited); published versions are read-only. Assessments and
consultations are read-only here and reached only through the selectors (need-to-know)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from access.permissions import can
from cases.admin_scope import CaseScopedAdmin
from core.admin import ReadOnlyInline, ReadOnlyModelAdmin
from core.exceptions import ApplicationError

from . import selectors, services
from .framework import validate_definition
from .models import (
    Assessment,
    AssessmentReview,
    CheckFinding,
    ConditionFinding,
    ConsultationRequest,
    FrameworkVersion,
    IndicatorScore,
    IndicatorSettlement,
)


class FrameworkVersionForm(forms.ModelForm):
    class Meta:
        model = FrameworkVersion
        fields = ["name", "notes", "definition"]

    def clean_definition(self):
        # validate_definition names the model's field ({"definition": [...]}, as the services raise
        # it); a field's clean raises its messages alone (a dict here was a 500 for any refusal).
        try:
            return validate_definition(self.cleaned_data.get("definition"))
        except ValidationError as refused:
            raise ValidationError(refused.messages) from None


def _staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    form = FrameworkVersionForm
    list_display = ["number", "name", "status", "derived_from_letter", "published_at", "published_by"]
    list_filter = ["status", "derived_from_letter"]
    fields = [
        "number",
        "name",
        "status",
        "derived_from_letter",
        "notes",
        "definition",
        "created_by",
        "created_at",
        "published_at",
        "published_by",
    ]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        always = ["number", "status", "derived_from_letter", "created_by", "created_at", "published_at", "published_by"]
        if obj is not None and obj.is_published:
            return self.fields
        return always

    def has_module_permission(self, request):
        return _staff(request)

    def has_view_permission(self, request, obj=None):
        return _staff(request)

    def has_add_permission(self, request):
        return _staff(request) and can(request.user, "framework.publish")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return _staff(request) and can(request.user, "framework.publish")

    def has_delete_permission(self, request, obj=None):
        return False  # versions are history: assessments point at them

    def save_model(self, request, obj, form, change):
        """Through the services, so the change is audited (the form validated the definition)."""
        if change:
            saved = services.framework_update_draft(
                user=request.user, framework=obj, name=obj.name, definition=obj.definition, notes=obj.notes
            )
        else:
            saved = services.framework_create_draft(
                user=request.user, name=obj.name, definition=obj.definition, notes=obj.notes
            )
        obj.pk, obj.number = saved.pk, saved.number

    @admin.action(description=_("Publiceren (daarna onveranderlijk)"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.framework_publish(user=request.user, framework=version)
                self.message_user(request, _("Versie %(n)s gepubliceerd.") % {"n": version.number})
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)


class ConditionInline(ReadOnlyInline):
    model = ConditionFinding
    fields = readonly_fields = ("code", "status", "rationale", "updated_by")


class CheckInline(ReadOnlyInline):
    model = CheckFinding
    fields = readonly_fields = ("code", "answer", "rationale", "updated_by")


class ScoreInline(ReadOnlyInline):
    model = IndicatorScore
    fields = readonly_fields = ("indicator", "assessor", "level", "rationale")


class SettlementInline(ReadOnlyInline):
    model = IndicatorSettlement
    fields = readonly_fields = ("indicator", "level", "rationale", "settled_by")


class ConsultationInline(ReadOnlyInline):
    model = ConsultationRequest
    fields = readonly_fields = ("ministry", "advisor", "due_date", "status", "position", "waiver_reason")


class ReviewInline(ReadOnlyInline):
    model = AssessmentReview
    fields = readonly_fields = ("decision", "reviewer", "comments", "at")


class ReadOnlyAdmin(CaseScopedAdmin, ReadOnlyModelAdmin):
    def has_module_permission(self, request):
        return _staff(request)

    def has_view_permission(self, request, obj=None):
        return _staff(request)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "kind", "revision", "status", "framework", "outcome", "risk_level", "approved_at"]
    list_filter = ["kind", "status", "outcome"]
    inlines = [ConditionInline, CheckInline, ScoreInline, SettlementInline, ConsultationInline, ReviewInline]

    def get_queryset(self, request):
        return selectors.assessment_list(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Assessment._meta.fields]


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(ReadOnlyAdmin):
    case_lookup = "assessment__case"
    list_display = ["id", "assessment", "ministry", "advisor", "due_date", "status", "overdue_flagged_at"]
    list_filter = ["status", "ministry"]

    def get_queryset(self, request):
        return selectors.consultation_list(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ConsultationRequest._meta.fields]

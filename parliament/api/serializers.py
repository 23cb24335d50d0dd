from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from access.models import User

from .. import selectors
from ..models import LetterDraft, LetterRevision, Report


class LetterListSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    chamber_display = serializers.CharField(source="get_chamber_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LetterDraft
        fields = [
            "id",
            "case",
            "case_reference",
            "chamber",
            "chamber_display",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "letter_date",
            "our_reference",
            "subject",
            "revision",
            "sent_on",
            "kamerstuk_number",
            "created_at",
        ]


class LetterDetailSerializer(LetterListSerializer):
    submitted_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    approved_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    sent_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    has_confidential_annex = serializers.SerializerMethodField()
    figures_not_generated = serializers.SerializerMethodField(
        help_text=_(
            "Bedragen, percentages en datums in de tekst die geen uit het dossier gegenereerde versie bevat: "
            "door een bewerker getypt, te controleren tegen het dossier voor de goedkeuring (leeg na verzending)."
        )
    )

    class Meta(LetterListSerializer.Meta):
        fields = LetterListSerializer.Meta.fields + [
            "letterhead",
            "addressee",
            "salutation",
            "body",
            "confidential_annex",
            "has_confidential_annex",
            "signatory_name",
            "signatory_title",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "sent_by",
            "drafting_notes",
            "figures_not_generated",
        ]

    def get_has_confidential_annex(self, obj) -> bool:
        return bool(obj.confidential_annex)

    def get_figures_not_generated(self, obj) -> list[str]:
        # What the web review shows the approver (letters/detail.html, the approval's confirmation).
        return selectors.letter_figures_not_generated(letter=obj)


class LetterUpdateSerializer(serializers.Serializer):
    our_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("Ons kenmerk: het nummer van deze brief in het documentsysteem."),
    )
    subject = serializers.CharField(required=False, max_length=300, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    confidential_annex = serializers.CharField(required=False, allow_blank=True)
    expected_revision = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Verplicht bij een wijziging van de tekst: de versie die u bewerkte; 409 als iemand intussen een andere opsloeg."
        ),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class LetterReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class MarkSentSerializer(serializers.Serializer):
    sent_on = serializers.DateField()
    kamerstuk_number = serializers.CharField(max_length=100, allow_blank=True)


class LetterRevisionSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    note = serializers.CharField(source="note_display", read_only=True)  # in the reader's language

    class Meta:
        model = LetterRevision
        fields = ["number", "subject", "body", "confidential_annex", "author", "note", "created_at"]

    def get_author(self, obj) -> str:
        return str(obj.author) if obj.author_id else "BEV (gegenereerd)"


class LetterDiffSerializer(serializers.Serializer):
    from_number = serializers.IntegerField()
    to_number = serializers.IntegerField()
    unified = serializers.CharField()
    html = serializers.CharField()


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Report.Kind.choices)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2023, max_value=2100)
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    findings = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=20000),
        required=False,
        help_text=_(
            "Alleen bij de evaluatie: de bevindingen van de evaluatoren per vraag "
            "(werking, doelmatigheid, doeltreffendheid, uitbreiding)."
        ),
    )


class ReportSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "kind_display",
            "year",
            "period_start",
            "period_end",
            "status",
            "status_display",
            "progress",
            "error",
            "summary",
            "created_at",
            "started_at",
            "finished_at",
            "files",
        ]

    def get_files(self, obj) -> list[str]:
        return [fmt for fmt, field in (("csv", obj.csv_file), ("xlsx", obj.xlsx_file), ("pdf", obj.pdf_file)) if field]

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.classification import Classification

from ..constants import DocumentType
from ..models import Document, DocumentLink, DocumentVersion


class DocumentVersionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", default=None, read_only=True)
    withdrawn_by = serializers.CharField(source="withdrawn_by.username", default=None, read_only=True)
    media_type = serializers.CharField(read_only=True)
    is_withdrawn = serializers.BooleanField(read_only=True)

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_filename",
            "file_kind",
            "media_type",
            "size",
            "sha256",
            "uploaded_at",
            "uploaded_by",
            "is_withdrawn",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        ]
        read_only_fields = fields


class DocumentLinkSerializer(serializers.ModelSerializer):
    target_type = serializers.CharField(source="target_label", read_only=True)

    class Meta:
        model = DocumentLink
        fields = ["target_type", "target_id", "created_at"]
        read_only_fields = fields


class DocumentListSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()
    document_type_label = serializers.CharField(source="get_document_type_display", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "document_type",
            "document_type_label",
            "document_date",
            "author",
            "classification",
            "classification_reason",
            "source_key",
            "created_at",
            "current_version",
        ]
        read_only_fields = fields

    def get_current_version(self, obj) -> int | None:
        version = obj.current_version()
        return version.number if version else None


class DocumentDetailSerializer(DocumentListSerializer):
    versions = DocumentVersionSerializer(many=True, read_only=True)
    links = DocumentLinkSerializer(many=True, read_only=True)

    class Meta(DocumentListSerializer.Meta):
        fields = DocumentListSerializer.Meta.fields + ["versions", "links"]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    """Shapes only; the rules (types by content, size, classification) live in documents.services."""

    file = serializers.FileField(help_text=_("PDF, DOCX, XLSX, ODT, PNG, JPEG, GIF, platte tekst, .eml of .msg."))
    title = serializers.CharField(max_length=255)
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    document_date = serializers.DateField(required=False)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, help_text=_("Standaard de rubricering van de casus.")
    )
    classification_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Verplicht bij een lagere rubricering dan de casus.")
    )


class DocumentVersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    target_type = serializers.CharField(help_text=_("app_label.model, bijv. assessments.advice"))
    target_id = serializers.CharField(max_length=64)


class ReclassifySerializer(serializers.Serializer):
    classification = serializers.ChoiceField(choices=Classification.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")

from rest_framework import serializers

from ..models import AuditRecord, ChainVerification
from ..selectors import MASKED_REPR, masked


class AuditQuerySerializer(serializers.Serializer):
    case = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text="Case id: its whole trail.")
    user = serializers.CharField(required=False, max_length=150, help_text="Username: that person's trail.")


class AuditRecordSerializer(serializers.ModelSerializer):
    """One record. For a case the reader cannot see, object_repr and changes are masked."""

    object_repr = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    class Meta:
        model = AuditRecord
        fields = ["id", "timestamp", "actor_username", "action", "event", "object_type", "object_id", "object_repr",
                  "case_id", "request_id", "ip_address", "channel", "changes", "masked", "seq", "prev_hash", "hash"]

    def get_object_repr(self, obj) -> str:
        return MASKED_REPR if masked(obj) else obj.object_repr

    def get_changes(self, obj) -> dict:
        return {} if masked(obj) else obj.changes

    def get_masked(self, obj) -> bool:
        return masked(obj)


class ChainVerificationSerializer(serializers.ModelSerializer):
    """One verification of the chain: asked for by whom and when, its status, and (done) what it found:
    records verified, the last good record's seq and hash, the first bad record if any."""

    class Meta:
        model = ChainVerification
        fields = ["id", "requested_by_username", "requested_at", "status", "started_at", "finished_at", "error",
                  "ok", "checked", "unsealed", "last_seq", "last_hash", "first_bad_id", "problem"]
        read_only_fields = fields


class EvidenceCheckSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="The document is one this service signed, unchanged.")

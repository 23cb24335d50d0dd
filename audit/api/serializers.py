from rest_framework import serializers

from ..models import AuditRecord
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


class ChainReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_bad_id = serializers.IntegerField(allow_null=True)
    unsealed = serializers.IntegerField(help_text="Records committed after the last seal (none: the verification seals first).")
    problem = serializers.CharField(allow_blank=True)

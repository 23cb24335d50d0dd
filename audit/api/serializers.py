from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import AuditRecord, ChainVerification
from ..selectors import masked, shown


class AuditQuerySerializer(serializers.Serializer):
    case = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text=_("Id van de casus: het hele spoor ervan.")
    )
    user = serializers.CharField(
        required=False, max_length=150, help_text=_("Gebruikersnaam: het spoor van die persoon.")
    )


class AuditRecordSerializer(serializers.ModelSerializer):
    """One record. For a case the reader cannot see, what identifies the case is masked
    (`audit.selectors.shown`): `case_id` null, `object_id` empty, `object_repr` masked, `changes`
    empty, `event` only its category; `masked` is true."""

    event = serializers.SerializerMethodField()
    object_id = serializers.SerializerMethodField()
    object_repr = serializers.SerializerMethodField()
    case_id = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "timestamp",
            "actor_username",
            "action",
            "event",
            "object_type",
            "object_id",
            "object_repr",
            "case_id",
            "request_id",
            "ip_address",
            "channel",
            "changes",
            "masked",
            "seq",
            "prev_hash",
            "hash",
        ]

    def get_event(self, obj) -> str:
        return shown(obj)["event"]

    def get_object_id(self, obj) -> str:
        return shown(obj)["object_id"]

    def get_object_repr(self, obj) -> str:
        return shown(obj)["object_repr"]

    def get_case_id(self, obj) -> int | None:
        return shown(obj)["case_id"]

    def get_changes(self, obj) -> dict:
        return shown(obj)["changes"]

    def get_masked(self, obj) -> bool:
        return masked(obj)


class ChainVerificationSerializer(serializers.ModelSerializer):
    """One verification of the chain: asked for by whom and when, its status, and (done) what it found:
    records verified, the last good record's seq and hash, the first bad record if any."""

    class Meta:
        model = ChainVerification
        fields = [
            "id",
            "requested_by_username",
            "requested_at",
            "status",
            "started_at",
            "finished_at",
            "error",
            "ok",
            "checked",
            "unsealed",
            "last_seq",
            "last_hash",
            "first_bad_id",
            "problem",
        ]
        read_only_fields = fields


class EvidenceCheckSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text=_("Het document is door deze dienst ondertekend en ongewijzigd."))

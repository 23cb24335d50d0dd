from rest_framework import serializers


class TokenStatusSerializer(serializers.Serializer):
    exists = serializers.BooleanField(help_text="You have a token that still works.")
    created = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="After this moment the token is refused (401).")


class TokenCreatedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: store it in the integration's secret store.")
    created = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(
        help_text="After this moment the token is refused (401); create a new one before."
    )

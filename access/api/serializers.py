from rest_framework import serializers


class TokenStatusSerializer(serializers.Serializer):
    exists = serializers.BooleanField()
    created = serializers.DateTimeField(allow_null=True)


class TokenCreatedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: store it in the integration's secret store.")
    created = serializers.DateTimeField()

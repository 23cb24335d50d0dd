from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TokenStatusSerializer(serializers.Serializer):
    exists = serializers.BooleanField(help_text=_("U hebt een token dat nog werkt."))
    created = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Na dit moment wordt het token geweigerd (401).")
    )


class TokenCreatedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Eenmalig getoond: bewaar het in de geheimenopslag van de koppeling."))
    created = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(
        help_text=_("Na dit moment wordt het token geweigerd (401); maak daarvoor een nieuw aan.")
    )

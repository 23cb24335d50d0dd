"""A person named by username in an API request, without telling whether the username exists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import User


@extend_schema_field(OpenApiTypes.STR)
class PersonField(serializers.Field):
    """A username in, the active person out, or None when there is no such active person.

    DRF's SlugRelatedField answers "object does not exist" for an unknown username and passes a
    known one on to the service's own refusal (not on the team, wrong role): two answers, so the
    field told anyone who may post to it which usernames exist (issue 22). Here an unknown or
    inactive username is None, and the service refuses None with the same message, at the same
    field, as a person it may not take. Only the text's shape is checked here."""

    default_error_messages = {"invalid": _("Geen geldige gebruikersnaam.")}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data or len(data) > 150 or not data.isprintable():
            self.fail("invalid")
        return User.objects.filter(username=data, is_active=True).first()

    def to_representation(self, value):
        return value.username

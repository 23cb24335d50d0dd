from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authentication import VerifiedSessionAuthentication
from ..selectors import api_token_of
from ..services import api_token_create, api_token_revoke
from .serializers import TokenCreatedSerializer, TokenStatusSerializer


def _otp_verified_session(request) -> bool:
    """True only for a web session verified with the second factor (never for a token)."""
    if not isinstance(request.successful_authenticator, VerifiedSessionAuthentication):
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class OwnTokenView(APIView):
    """Your own API token for integrations: see whether you have one and until when it works, create
    (replaces the old one; needs a session verified with the second factor; the key is shown once)
    or revoke it."""

    @extend_schema(responses=TokenStatusSerializer)
    def get(self, request):
        token = api_token_of(user=request.user)
        return Response(
            TokenStatusSerializer(
                {
                    "exists": token is not None,
                    "created": token.created if token else None,
                    "expires_at": token.expires_at if token else None,
                }
            ).data
        )

    @extend_schema(
        request=None,
        responses={
            201: TokenCreatedSerializer,
            403: OpenApiResponse(description=gettext_lazy("Geen websessie met een geverifieerde tweede factor.")),
        },
    )
    def post(self, request):
        token, key = api_token_create(user=request.user, otp_verified=_otp_verified_session(request))
        return Response(
            TokenCreatedSerializer({"token": key, "created": token.created, "expires_at": token.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: None, 404: OpenApiResponse(description=gettext_lazy("Geen token."))})
    def delete(self, request):
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

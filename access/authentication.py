from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from .selectors import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, against the stored digest of the key. Refused (401):
    an unknown, expired or password-revoked token, and the token of a deactivated or locked-out person."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and (language := getattr(result[0], "language", "")):
            # The person's stored language (User.language) answers their token's requests too, as
            # access.middleware.UserLanguageMiddleware does for their web session: the middleware
            # runs before DRF knows who a token belongs to.
            translation.activate(language)
            request._request.LANGUAGE_CODE = translation.get_language()
        return result

    def authenticate_credentials(self, key):
        found = api_token_authenticate(key=key)
        if found is None:
            raise AuthenticationFailed(_("Ongeldig of verlopen API-token."))
        return found


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication for the API that, like the web UI, requires a verified second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = getattr(request._request, "user", None)
        if getattr(settings, "OTP_REQUIRED", True) and not (user is not None and user.is_verified()):
            return None
        return result

    def enforce_csrf(self, request):
        """DRF's CSRF check of a session's unsafe request, refused in the person's language with its own
        code (DRF's is "CSRF Failed: CSRF token missing.", in English, as `permission_denied`)."""
        try:
            super().enforce_csrf(request)
        except PermissionDenied:
            raise PermissionDenied(
                _(
                    "CSRF-controle mislukt: een verzoek met de sessie van de webapplicatie moet het "
                    "CSRF-token meesturen (kop X-CSRFToken). Gebruik voor een script een API-token "
                    "(Authorization: Token ...)."
                ),
                code="csrf_failed",
            ) from None

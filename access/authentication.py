from django.conf import settings
from rest_framework.authentication import SessionAuthentication


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

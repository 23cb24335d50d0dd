import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation


class UserLanguageMiddleware:
    """A logged-in person's stored language (User.language, issue 23) wins over the browser's
    Accept-Language and the language cookie; after AuthenticationMiddleware, so request.user is known,
    and after LocaleMiddleware's process_request, which it overrides."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class SessionIdleTimeoutMiddleware:
    """Logs a web session out after SESSION_IDLE_TIMEOUT_SECONDS without a request."""

    KEY = "last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
            else:
                request.session[self.KEY] = now
        return self.get_response(request)

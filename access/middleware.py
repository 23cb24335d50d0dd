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
    """Logs a web session out after SESSION_IDLE_TIMEOUT_SECONDS without a request.

    The clock is renewed at most once per `RENEW_AFTER_SECONDS`: renewing it on every request wrote
    the session row (an UPDATE of django_session and a new cookie) for every page and API call of a
    web session. A session therefore ends between SESSION_IDLE_TIMEOUT_SECONDS - RENEW_AFTER_SECONDS
    and SESSION_IDLE_TIMEOUT_SECONDS after its last request: sooner by at most a minute, never later.

    A session also ends SESSION_COOKIE_AGE (12 hours) after its first authenticated request, however
    active: saving the session moves its expiry in the database and the cookie, so without this an
    active session never ended."""

    KEY = "last_activity"
    STARTED = "session_started"
    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.KEY)
            started = request.session.setdefault(self.STARTED, now)
            if (last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_SECONDS) or (
                now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif last is None or now - last >= self.RENEW_AFTER_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)

import time

from django.conf import settings
from django.contrib.auth import logout


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

"""Django's CommonMiddleware, except that only a GET or HEAD is redirected to the path with its
trailing slash (APPEND_SLASH). Another method cannot be redirected with its body: Django answers it
with a 500 when DEBUG is on (`make run`: a RuntimeError naming the missing slash) and with a 301
that a client follows as a GET (its body lost) when DEBUG is off. Here it goes on to the URL
resolver: a 404 (the web's page, or the API's JSON naming the path with its slash,
`core.views.api_unmatched`)."""

from __future__ import annotations

from django.middleware.common import CommonMiddleware


class CommonMiddlewareRedirectingReadsOnly(CommonMiddleware):
    def should_redirect_with_slash(self, request) -> bool:
        return request.method in ("GET", "HEAD") and super().should_redirect_with_slash(request)

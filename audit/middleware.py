import re
import uuid

from .context import acting

# A client's own request id (X-Request-ID) is its claim, not the trail's: the trail records the
# server's id (issue 22: a client must not choose, repeat or forge the id a record carries). The
# client's id, if short and plain, is returned beside it (X-Client-Request-ID) for its own correlation.
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _channel(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def client_request_id(value: str) -> str:
    """The client's X-Request-ID if it is 1-64 characters of letters, digits, '.', '_' and '-'; else ''."""
    return value if CLIENT_REQUEST_ID.fullmatch(value or "") else ""


class RequestContextMiddleware:
    """Gives every request the server's own id (a fresh uuid4, returned as X-Request-ID) and records
    it with the request's address in the trail; a client's X-Request-ID is never the trail's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        request.request_id = request_id
        request.client_request_id = client_request_id(request.headers.get("X-Request-ID", ""))
        with acting(
            channel=_channel(request.path),
            request_id=request_id,
            ip_address=request.META.get("REMOTE_ADDR"),
            actor=getattr(request, "user", None),
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if request.client_request_id:
            response["X-Client-Request-ID"] = request.client_request_id
        return response

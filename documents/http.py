"""The one way a stored document leaves the service over HTTP (API and web UI alike)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .models import DocumentVersion

# Nothing in a served document may run: no scripts, plugins, frames or forms, even if a browser
# were to render it. `sandbox` also gives the response an opaque origin.
DOWNLOAD_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"


def version_download_response(version: DocumentVersion, content: bytes) -> HttpResponse:
    """Always an attachment, with the type detected at upload (never the client's), no sniffing,
    a restrictive CSP and no caching."""
    response = HttpResponse(content, content_type=version.media_type)
    response["Content-Disposition"] = content_disposition_header(True, version.original_filename)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Frame-Options"] = "DENY"
    return response

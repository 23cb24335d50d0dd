from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from access.views import set_language_view
from config.admin_site import BEVAdminSite
from core.api.routing import by_first_segment
from core.bench_views import floor_view
from core.metrics import metrics
from core.views import api_unmatched, healthz

# A path under /api/ that matches nothing answers as the API does (JSON), other paths with the 404 page.
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

# The admin, like the web UI, requires a verified second factor; its login is the service's (/login/).
admin.site.__class__ = BEVAdminSite

# The apps' API patterns side by side under /api/, grouped by their first segment so a path is tried
# only against its own group's patterns (core.api.routing; the order within a group is the apps').
API_URL_MODULES = (
    "cases.api.urls",
    "assessments.api.urls",
    "bev.api.urls",
    "parliament.api.urls",
    "documents.api.urls",
    "access.api.urls",
    "audit.api.urls",
)
api_patterns = [
    *by_first_segment(pattern for module in API_URL_MODULES for pattern in import_module(module).urlpatterns),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file (?script=): CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    # Last: a path that matches no operation (a missing trailing slash is named, core.views.api_unmatched).
    re_path(r"^(?P<rest>.*)$", api_unmatched),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),  # bearer token only (core.metrics)
    # the benchmark's floor (scripts/bench.py), routed only where BEV_BENCH_ENDPOINTS is on
    *([path("api/bench/floor/", floor_view)] if settings.BEV_BENCH_ENDPOINTS else []),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    # Django's language switch, which also stores a logged-in person's choice (access.views)
    path("i18n/setlang/", set_language_view, name="set_language"),
    path("", include("access.urls")),
    path("", include("core.urls")),
    path("cases/", include("cases.urls")),
    path("assessments/", include("assessments.urls")),
    path("fund/", include("bev.urls")),
    path("documents/", include("documents.urls")),
    path("audit/", include("audit.urls")),
    path("letters/", include("parliament.urls")),
]

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from access.views import set_language_view
from core.bench_views import floor_view
from core.metrics import metrics
from core.views import healthz

# The admin, like the web UI, requires a verified second factor.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "BEV – beheer"
admin.site.site_title = "BEV"

api_patterns = [
    path("", include("cases.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("bev.api.urls")),
    path("", include("parliament.api.urls")),
    path("", include("documents.api.urls")),
    path("", include("access.api.urls")),
    path("", include("audit.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),  # bearer token only (core.metrics)
    path("api/bench/floor/", floor_view),
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

from django.http import JsonResponse
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response


def bare_django(request):
    """A bare Django JSON view: no authentication."""
    return JsonResponse({"ok": True})


@api_view(["GET"])
def bare_drf(request):
    """A bare DRF view behind DRF's token authentication: the same answer as the service's floor."""
    return Response({"ok": True, "user": request.user.username})


urlpatterns = [path("anchor/django/", bare_django), path("anchor/drf/", bare_drf)]

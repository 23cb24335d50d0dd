"""The benchmark's floor: the cheapest authenticated API request the service can answer.

`scripts/bench.py` reports every scenario as a ratio to this view, measured in the same server in the
same run, so the figures say what the application adds on top of Django, DRF and token
authentication rather than what the machine happens to manage that day. It goes through exactly the
same stack as the real endpoints (middleware, DRF's default authentication and permission classes)
and does no work of its own.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response


@extend_schema(exclude=True)
@api_view(["GET"])
def floor_view(request):
    """A small JSON answer for any authenticated person; 401 for anyone else."""
    return Response({"ok": True, "user": request.user.username})

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import broker_ok, database_ok


@never_cache
@require_GET
def healthz(request):
    db_ok, db_detail = database_ok()
    mq_ok, mq_detail = broker_ok()
    healthy = db_ok and mq_ok
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable",
         "database": {"ok": db_ok, "detail": db_detail},
         "broker": {"ok": mq_ok, "detail": mq_detail}},
        status=200 if healthy else 503,
    )


def home(request):
    from django.shortcuts import redirect

    # The "my work" page arrives with the web UI; until then the API docs are the front door.
    if not request.user.is_authenticated:
        return redirect("access:login")
    return redirect("swagger-ui")

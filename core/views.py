"""Health check, the "my work" page, and the small helpers every web view uses.

Web views hold no business rules: they call services and selectors and show
`core.exceptions.ApplicationError` as form errors (at the field when `e.field` names one)."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Collection
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import exceptions as app_exceptions
from core.extensions import work_round, work_sources
from core.formatting import date_display
from core.health import broker_ok, database_ok
from core.work_count import current_generation, keep_work_count

logger = logging.getLogger(__name__)


@never_cache
def page_not_found(request, exception):
    """Django's 404 page, except under `/api/`: there a path that matches nothing answers in the API's
    error shape (`{"message", "code": "not_found"}`, as a hidden or missing object does), not HTML."""
    if request.path_info.startswith("/api/"):
        from rest_framework.exceptions import NotFound

        return JsonResponse({"message": str(NotFound.default_detail), "code": "not_found"}, status=404)
    from django.views import defaults

    return defaults.page_not_found(request, exception)


def api_unmatched(request, rest: str = ""):
    """The last pattern under `/api/`: a path that matches no operation. Every operation's path ends
    with a slash; a path that only lacks it is answered here instead of by Django's APPEND_SLASH,
    which redirects a GET (301, empty body) and, with DEBUG on (`make run`), answers a POST, PUT,
    PATCH or DELETE with a 500 (it cannot redirect a body). A GET or HEAD is still redirected; any
    other method is refused as not found, naming the path with its slash. Anything else: the API's
    404 (`page_not_found`), with DEBUG on as off."""
    with_slash = request.path_info + "/"
    if not request.path_info.endswith("/") and _is_api_operation(with_slash):
        if request.method in ("GET", "HEAD"):
            query = request.META.get("QUERY_STRING", "")
            return redirect(request.path + "/" + (f"?{query}" if query else ""), permanent=True)
        return JsonResponse(
            {
                "message": _("Dit adres bestaat niet; het eindigt op een schuine streep: %(path)s")
                % {"path": request.path + "/"},
                "code": "not_found",
            },
            status=404,
        )
    return page_not_found(request, Http404())


def _is_api_operation(path_info: str) -> bool:
    try:
        match = resolve(path_info)
    except Resolver404:
        return False
    return match.func is not api_unmatched


class AlreadySubmitted(Exception):
    """The form was sent before and did its work then (`submitted_once`)."""


@contextlib.contextmanager
def submitted_once(request, form):
    """Do the block's work once per form (`core.forms.SentOnceForm`): its token is recorded in the
    block's transaction. Sent again after that work committed, `AlreadySubmitted` is raised and nothing
    runs; sent twice at the same moment, the second waits for the first's transaction on the token's
    unique index and then is refused. A refusal inside the block rolls the token back with the rest,
    so the corrected form can be sent again. A form sent without a token (not from the page) runs as is."""
    from .models import FormSubmission

    token = form.cleaned_data.get("submission")
    if not token:
        yield
        return
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                FormSubmission.objects.create(token=token, user_id=request.user.pk, sent_at=now)
        except IntegrityError:
            raise AlreadySubmitted() from None
        # A day is long past any double click or reload: forget older ones (this person's only).
        FormSubmission.objects.filter(user_id=request.user.pk, sent_at__lt=now - timedelta(days=1)).delete()
        yield


def already_submitted(request, to: str):
    """What a form sent again answers: back to where its work shows, saying so."""
    messages.info(request, _("Dit formulier was al verzonden en is één keer verwerkt."))
    return redirect(to)


def server_error(request):
    """Django's 500 page (templates/500.html: standalone, nothing in it can fail again), except under
    `/api/`: there the API's error shape (`{"message", "code": "server_error"}`), not HTML. The error
    itself is logged with its traceback (django.request)."""
    if request.path_info.startswith("/api/"):
        message = _("Er ging iets mis in de service. De fout is vastgelegd; probeer het later opnieuw.")
        return JsonResponse({"message": message, "code": "server_error"}, status=500)
    from django.views import defaults

    return defaults.server_error(request)


@require_GET
def healthz(request):
    db_ok, db_detail = database_ok()
    mq_ok, mq_detail = broker_ok()
    healthy = db_ok and mq_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": mq_ok, "detail": mq_detail},
        },
        status=200 if healthy else 503,
    )


# ---------------------------------------------------------------------------------------------
# Helpers for web views
# ---------------------------------------------------------------------------------------------
def web_view(view):
    """A page of the web UI: a logged-in person with a verified second factor; need-to-know
    refusals (NotFound) become 404 and role refusals 403, as in the API."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_verified()):
            return redirect(f"{reverse('access:login')}?{urlencode({'next': request.get_full_path()})}")
        try:
            response = never_cache(view)(request, *args, **kwargs)
        except app_exceptions.NotFound:
            raise Http404() from None
        except app_exceptions.PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        if response.status_code == 405 and request.method in ("GET", "HEAD"):
            return _to_the_page_above(request)
        return response

    return wrapper


def _to_the_page_above(request):
    """An action's address opened as a page (a refused form re-rendered there and the address bar's
    Enter, or the login's way back after a session expired mid-form): to the nearest page above it,
    saying nothing was done, instead of an empty 405 (found by trying the product)."""
    parts = request.path_info.rstrip("/").split("/")
    for end in range(len(parts) - 1, 0, -1):
        candidate = "/".join(parts[:end]) + "/"
        try:
            resolve(candidate)
        except Resolver404:
            continue
        messages.info(request, _("Dat adres voert een handeling uit en is geen pagina: er is niets gedaan."))
        return redirect(get_script_prefix().rstrip("/") + candidate)
    return redirect("core:home")


def add_error(form, exc: Exception) -> None:
    """Show a refused service call on the form: at the field it names (a form whose field has another
    name than the service's says so in `service_fields`), else above the form."""
    if isinstance(exc, app_exceptions.ApplicationError):
        field = getattr(form, "service_fields", {}).get(exc.field, exc.field)
        field = field if field in form.fields else None
        if exc.code == "idempotency_key_reused":  # the API's word; on a page it is the form sent before
            form.add_error(
                None,
                _(
                    "Dit formulier is al eens verzonden met andere gegevens en is toen verwerkt. Laad de pagina "
                    "opnieuw om een nieuwe boeking of een nieuw voorstel te maken."
                ),
            )
            return
        form.add_error(field, exc.message)
        return
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message if target or field == "__all__" else f"{field}: {message}")
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return
    raise exc


def refused_elsewhere(forms: dict, *, shown: Collection[str]):
    """The first of a page's bound forms (by key) that holds a refusal and that the page does not show
    (`shown`: the keys of the forms it shows): the page puts it in its error summary at the top, else
    the answer is a 400 that looks like the page itself, without a message. None when there is none."""
    return next((form for key, form in forms.items() if key not in shown and form.errors), None)


class _DryRun(Exception):
    """Raised inside a dry run's transaction to roll it back."""


def confirm_first(
    request, *, title: str, facts: list[tuple[str, object]], consequence: str, button: str, back_url: str, dry_run=None
):
    """An irreversible step asks first (issue 23): the first POST (already valid) shows *what* is being
    confirmed (`facts`: label and value pairs) and what follows (`consequence`); the same POST again
    with confirm=1 does it. Returns the confirmation page, or None once confirmed.

    `dry_run`, the service call itself, runs first in a transaction that is rolled back (nothing is
    kept, no mail goes out: on_commit work of a rolled-back transaction is dropped), so a step the
    service would refuse is refused at once, as its refusal, instead of being offered for confirmation.
    Only for services that change nothing outside the database."""
    if request.POST.get("confirm") == "1":
        return None
    if dry_run is not None:
        try:
            with transaction.atomic():
                dry_run()
                raise _DryRun
        except _DryRun:
            pass
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in values
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            # a date as the pages write it, in the page's language (Django's default gave "Dec. 7, 2026")
            "facts": [(label, date_display(value) if isinstance(value, date) else value) for label, value in facts],
            "consequence": consequence,
            "button": button,
            "back_url": back_url,
            "carried": carried,
            "action_url": request.path,
        },
    )


def user_verified(user) -> bool:
    return bool(user and user.is_authenticated and user.is_verified())


# ---------------------------------------------------------------------------------------------
# My work
# ---------------------------------------------------------------------------------------------
def home(request):
    if not user_verified(request.user):
        return redirect("access:login")
    return my_work(request)


def work_for(request) -> list[dict]:
    """Every task waiting on the person of this request (each app's source, core.extensions), overdue
    first, then by due date: gathered once per request; their number is kept for the menu's count
    (core.work_count)."""
    items = getattr(request, "_bev_work", None)
    if items is None:
        generation = current_generation()  # before listing: a change meanwhile makes the count stale
        items = []
        with work_round():  # the sources share what they all read (the person's open cases)
            for work_items in work_sources:
                items += work_items(user=request.user)
        far = timezone.now() + timedelta(days=3650)
        items.sort(key=lambda i: (not i.get("overdue"), i.get("due_at") or far))
        request._bev_work = items
        keep_work_count(request.user, len(items), generation=generation)
    return items


@web_view
def my_work(request):
    """The tasks waiting for this person, overdue items first."""
    return render(request, "core/my_work.html", {"items": work_for(request), "nav": "home", "now": timezone.now()})

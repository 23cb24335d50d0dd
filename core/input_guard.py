"""Query strings, path segments and form bodies obey `core.input_rules` before any view runs.

A value that is looked up rather than stored (a username to add to a team, `?user=`, a case id in
the path) went straight into a query: a NUL in it made PostgreSQL refuse the statement (a 500), and
`int("１")` found case 1. Here every such value is checked once, for every URL, before the view:
a refusal is a 400 naming the parameter, in the API's error shape (`{"field": ["…"]}`) under
`/api/`, elsewhere as a page of the web UI naming the field (`400_input.html`; nothing is saved). JSON bodies are checked by the API's parser
(`core.api.parsers.GuardedJSONParser`)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from core import input_rules

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Secrets are compared, never looked up or stored as typed: they may hold any character.
UNCHECKED_FIELDS = ("csrfmiddlewaretoken",)


def _unchecked(name: str) -> bool:
    return name in UNCHECKED_FIELDS or "password" in name


def _first_refusal(request, view_kwargs) -> tuple[str, str] | None:
    for name, value in view_kwargs.items():
        if isinstance(value, str) and (message := input_rules.refusal(value)):
            return name, message
    for name, values in request.GET.lists():
        for value in [name, *values]:
            if message := input_rules.refusal(value):
                return name, message
    if request.method in ("POST", "PUT", "PATCH") and request.content_type in FORM_TYPES:
        for name, values in request.POST.lists():
            if _unchecked(name):
                continue
            for value in [name, *values]:
                if message := input_rules.refusal(value):
                    return name, message
    return None


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        refused = _first_refusal(request, view_kwargs)
        if refused is None:
            return None
        field, message = refused
        if request.path_info.startswith("/api/"):
            return JsonResponse({field: [message]}, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "400_input.html", {"field": field, "message": message}, status=400)

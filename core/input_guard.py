"""Query strings, path segments and form bodies obey `core.input_rules` before any view runs.

A value that is looked up rather than stored (a username to add to a team, `?user=`, a case id in
the path) went straight into a query: a NUL in it made PostgreSQL refuse the statement (a 500), and
`int("１")` found case 1. Here every such value is checked once, for every URL, before the view.

- Under `/api/` a refusal is a 400 in the API's error shape (`{"field": ["…"]}`). JSON bodies are
  checked by the API's parser (`core.api.parsers.GuardedJSONParser`).
- A path segment elsewhere is a page of the web UI naming the parameter (`400_input.html`; nothing
  is looked up).
- A web form's body (POST, urlencoded or multipart), and the query string of a page's GET (a list's
  filter form: "Signaal ontvangen vanaf" 0001-01-01), is a form error at the field, on the form as
  the page showed it, with everything else the person typed kept (a separate page lost it all).
  The view runs on the values with each refused one replaced by an empty one (`GuardedPost`), so
  the value itself never reaches a view, form, service or query; every form bound to that body
  (`full_clean`, hooked by `install_form_hook`) is invalid, with the refusal at its field (or above
  the form for a field it does not have; for a query string, a parameter no field of the form has
  gets the page above) and the refused text shown back where it can be (a date out of range, an
  overlong text; not a control character). The answer is kept only when a form showed the refusal
  and the answer is no redirect (it is then a 400); otherwise (a view that reads no form) it is the
  page naming the parameter, as for a path segment. The view runs in a transaction that is rolled
  back, except for a GET whose page is the answer: the record of what that page shows (a case
  file's read) stays."""

from __future__ import annotations

import codecs
import html
import json
import unicodedata

from django.contrib.messages import get_messages
from django.db import transaction
from django.forms.forms import BaseForm
from django.http import JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParser
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import input_rules

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Secrets are compared, never looked up or stored as typed: they may hold any character.
UNCHECKED_FIELDS = ("csrfmiddlewaretoken",)


def _unchecked(name: str) -> bool:
    return name in UNCHECKED_FIELDS or "password" in name


def _path_refusal(view_kwargs) -> tuple[str, str] | None:
    """The first refused path segment."""
    for name, value in view_kwargs.items():
        if isinstance(value, str) and (message := input_rules.refusal(value)):
            return name, message
    return None


def _refusals(values: QueryDict, *, unchecked=lambda name: False) -> dict[str, str]:
    """Each refused parameter of a query string or form body with its message (the first per name)."""
    refusals: dict[str, str] = {}
    for name, items in values.lists():
        if unchecked(name):
            continue
        for value in [name, *items]:
            if message := input_rules.refusal(value):
                refusals.setdefault(name, message)
                break
    return refusals


def _takes_form_body(view_func) -> bool:
    """False for an API view (DRF's, `view_func.cls`) without a form parser: the API takes JSON, only
    the document uploads take multipart. Its form body is left unread, so DRF refuses the media type
    (415); read here, the body was used up and DRF handed the view an empty form instead, in which a
    missing boolean is False."""
    view_class = getattr(view_func, "cls", None)
    if view_class is None:
        return True
    return any(getattr(parser, "media_type", None) in FORM_TYPES for parser in view_class.parser_classes)


def _body_refusals(request, view_func) -> dict[str, str]:
    """Each refused field of a form body with its message (the first per field)."""
    if (
        request.method in ("POST", "PUT", "PATCH")
        and request.content_type in FORM_TYPES
        and _takes_form_body(view_func)
    ):
        return _refusals(request.POST, unchecked=_unchecked)
    return {}


class GuardedPost(QueryDict):
    """A form body (or a GET's query string) with its refused values emptied; `refusals` (field:
    message) and `originals` (field: the values as sent) say what was refused. Copies keep both
    (views copy `request.POST`)."""

    refusals: dict[str, str]
    originals: dict[str, list[str]]
    shown: list[bool]  # shared by the copies: a form has shown the refusals
    # A query string: a refused parameter that is no field of the form (`?page=`, a misspelt name)
    # has no place on a filter form, so the form does not count as showing it (the page says it).
    fields_only: bool = False

    @classmethod
    def of(cls, post: QueryDict, refusals: dict[str, str], *, fields_only: bool = False) -> GuardedPost:
        guarded = cls("", mutable=True, encoding=post.encoding)
        for name, values in post.lists():
            refused = name in refusals
            # A refused field name itself (a NUL in the name) is left out; a refused value is emptied.
            if refused and input_rules.refusal(name):
                continue
            guarded.setlist(name, ["" if refused else v for v in values])
        guarded.refusals = refusals
        guarded.originals = {name: post.getlist(name) for name in refusals}
        guarded.shown = [False]
        guarded.fields_only = fields_only
        guarded._mutable = False
        return guarded

    def _carry(self, other: GuardedPost) -> GuardedPost:
        other.refusals, other.originals, other.shown = self.refusals, self.originals, self.shown
        other.fields_only = self.fields_only
        return other

    def __copy__(self):
        return self._carry(super().__copy__())

    def __deepcopy__(self, memo):
        return self._carry(super().__deepcopy__(memo))


def _field_for(form: BaseForm, key: str) -> str | None:
    """The form's field that a body key belongs to (a multi-widget's `name_0` too), or None."""
    for name in form.fields:
        html_name = form.add_prefix(name)
        if key == html_name or (key.startswith(html_name + "_") and key[len(html_name) + 1 :].isdigit()):
            return name
    return None


def _shown_back(value: str) -> bool:
    """A refused value that may be put back in the form as typed: out of range or too long, but no
    character a page cannot hold (a control character, a lone surrogate)."""
    return input_rules.bad_character(value) is None


_full_clean = BaseForm.full_clean


def _full_clean_with_refusals(form: BaseForm) -> None:
    _full_clean(form)
    data = form.data
    if not (form.is_bound and isinstance(data, GuardedPost) and data.refusals):
        return
    if data.fields_only and any(_field_for(form, key) is None for key in data.refusals):
        return
    shown_back = data.copy()
    for key, message in data.refusals.items():
        name = _field_for(form, key)
        if name is None:
            form.add_error(None, _("Ongeldige invoer in „%(field)s”: %(message)s") % {"field": key, "message": message})
            continue
        form.errors[name] = form.error_class([message], renderer=form.renderer)
        form.cleaned_data.pop(name, None)
        if all(_shown_back(value) for value in data.originals[key]):
            shown_back.setlist(key, data.originals[key])
    form.data = shown_back  # what the person typed, for the form as it is shown again
    data.shown[0] = True


def install_form_hook() -> None:
    """Every form bound to a refused web form body shows the refusals (`CoreConfig.ready`)."""
    setattr(BaseForm, "full_clean", _full_clean_with_refusals)  # noqa: B010  (a method of every form)


_sanitize_file_name = MultiPartParser.sanitize_file_name


def _refused_format_character(char: str) -> bool:
    """An invisible formatting character (Unicode Cf) that `input_rules` refuses: the bidirectional
    controls (U+202E, ...) and the invisible spacing characters (U+200B, U+2060, U+FEFF)."""
    return unicodedata.category(char) == "Cf" and input_rules.bad_character(char) is not None


def _file_name_keeping_refused(self, file_name):
    """Django's name of an uploaded file, but with the refused formatting characters kept. Django
    drops every character it cannot print, so "x\u202egpj.pdf" (shown as "xfdp.jpg") arrived as
    "xgpj.pdf" and was stored without a word, while every other value with U+202E is refused at its
    field. Kept, the name is refused at the file's field (`documents.services`). Control characters
    are still dropped (Django's reason: a name must not break a header)."""
    name = _sanitize_file_name(self, file_name)
    unescaped = html.unescape(file_name)
    if not any(_refused_format_character(char) for char in unescaped):
        return name
    base = unescaped.rsplit("/")[-1].rsplit("\\")[-1]
    kept = "".join(char for char in base if char.isprintable() or _refused_format_character(char))
    return None if kept in {"", ".", ".."} else kept


def install_upload_name_hook() -> None:
    """Uploaded file names keep the characters the input rules refuse, to be refused (`CoreConfig.ready`)."""
    setattr(MultiPartParser, "sanitize_file_name", _file_name_keeping_refused)  # noqa: B010


def _refusal_page(request, field: str, message: str):
    return render(request, "400_input.html", {"field": field, "message": message}, status=400)


# The character sets a request may name: JSON is UTF-8 (RFC 8259), and the pages' forms post UTF-8.
ACCEPTED_CHARSETS = frozenset({"utf-8", "ascii"})


def refused_charset(content_type: str) -> str | None:
    """The charset a Content-Type names when it is not one the service reads, else None."""
    for parameter in content_type.split(";")[1:]:
        name, _sep, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
            try:
                canonical = codecs.lookup(charset).name
            except LookupError:
                return charset
            return None if canonical in ACCEPTED_CHARSETS else charset
    return None


class CharsetGuard:
    """WSGI: refuses a request whose Content-Type names another character set than UTF-8, before
    Django builds the request (config/wsgi.py). Django decodes the query string and the body in the
    named charset: "charset=base64" or "rot13" (codecs, but no text encodings) made building the
    request itself raise, a 500 for every URL before any middleware; "utf-16" broke the JSON and the
    form parsers. Nothing else is sent by the service's pages or needed by its API. A 415 under
    `/api/` in the API's error shape, else a 400."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        charset = refused_charset(environ.get("CONTENT_TYPE", ""))
        if charset is None:
            return self.application(environ, start_response)
        message = _("Alleen UTF-8 wordt aangenomen; dit verzoek noemt de tekenset „%(charset)s”.") % {
            "charset": charset[:40]
        }
        if environ.get("PATH_INFO", "").startswith("/api/"):
            status, content_type = "415 Unsupported Media Type", "application/json"
            body = json.dumps({"message": message, "code": "unsupported_media_type"}, ensure_ascii=False).encode()
        else:
            status, content_type, body = "400 Bad Request", "text/plain; charset=utf-8", message.encode()
        start_response(
            status,
            [("Content-Type", content_type), ("Content-Length", str(len(body))), ("X-Content-Type-Options", "nosniff")],
        )
        return [body]


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        refused = _path_refusal(view_kwargs)
        query = _refusals(request.GET) if refused is None else {}
        body = _body_refusals(request, view_func) if refused is None and not query else {}
        if refused is None and (query or body):
            refused = next(iter((query or body).items()))
        if refused is None:
            return None
        field, message = refused
        if request.path_info.startswith("/api/"):
            return JsonResponse({field: [message]}, status=400, json_dumps_params={"ensure_ascii": False})
        if body:
            return self._form_refusal(request, view_func, view_args, view_kwargs, body, source="POST")
        if query and request.method in ("GET", "HEAD"):
            return self._form_refusal(request, view_func, view_args, view_kwargs, query, source="GET")
        return _refusal_page(request, field, message)

    def _form_refusal(self, request, view_func, view_args, view_kwargs, refusals: dict[str, str], *, source: str):
        """The view on the values with the refused ones emptied, in a transaction rolled back; its
        page is the answer when a form bound to those values showed the refusal."""
        if source == "GET":
            guarded = GuardedPost.of(request.GET, refusals, fields_only=True)
            request.GET = guarded
        else:
            guarded = GuardedPost.of(request.POST, refusals)
            request._post = guarded
        storage = get_messages(request)
        queued = len(getattr(storage, "_queued_messages", []))
        with transaction.atomic():
            response = view_func(request, *view_args, **view_kwargs)
            shown = guarded.shown[0] and not (300 <= response.status_code < 400)
            # Nothing a refused body leads to is kept. A GET whose page is the answer keeps the
            # record of what it read (a case file's read): the page shows it.
            transaction.set_rollback(not (shown and source == "GET"))
        if shown:
            if response.status_code == 200:
                response.status_code = 400
            return response
        # No form showed it (a view that reads the body itself), or the view went on regardless.
        if hasattr(storage, "_queued_messages"):
            del storage._queued_messages[queued:]  # no "saved" message for what was not saved
        field, message = next(iter(refusals.items()))
        return _refusal_page(request, field, message)

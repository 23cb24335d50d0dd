"""Template helpers of the web UI: the main menu per role and Dutch number/date formats."""

from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core import formatting
from core.extensions import nav_items
from core.work_count import kept_work_count

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context):
    """Menu items beyond "my work" and "cases" that this person's organisational role may open
    (each app registers its own: core.extensions.nav_items)."""
    user = context.get("user")
    return [
        {"key": item.key, "url": reverse(item.url_name), "label": item.label}
        for item in sorted(nav_items, key=lambda item: item.order)
        if item.allowed(user)
    ]


@register.simple_tag(takes_context=True)
def my_work_count(context) -> int:
    """How many tasks wait on this person, for the menu (the same list as "Mijn werk"): the list's own
    length where the page lists it, else the count kept while nothing changed (core.work_count)."""
    from core.views import work_for

    request = context.get("request")
    if request is None or not (request.user.is_authenticated and request.user.is_verified()):
        return 0
    if getattr(request, "_bev_work", None) is not None:
        return len(request._bev_work)
    return kept_work_count(request.user, lambda: len(work_for(request)))


@register.simple_tag(takes_context=True)
def language_next(context) -> str:
    """Where the language switch returns to: this page, or, on the answer to a form's POST (a page
    with the form's errors at a POST-only address), the page the form was sent from when it is this
    site's and not the POST's own address (its Referer; the policy is same-origin), else the home page. Returning to the POST's address answered 405 with an
    empty page (found by trying the product)."""
    request = context.get("request")
    if request is None:
        return "/"
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    given = request.META.get("HTTP_REFERER", "")
    referer = urlsplit(given)
    if (
        referer.path.startswith("/")
        and referer.path != request.path
        and url_has_allowed_host_and_scheme(
            given, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


# Numbers on a page follow its language (core.formatting.page_*): € 12.500.000,50 and 12,34% on a
# Dutch page, €12,500,000.50 and 12.34% on an English one. Documents are rendered with Dutch active.
@register.filter
def euro(value):
    return formatting.page_euro(value)


@register.filter
def date_nl(value):
    """The page's language: Dutch month names, English ones on an English page (issue 23)."""
    return formatting.date_display(value)


@register.filter
def moment(value, seconds=""):
    """A moment in the page's language and Dutch time: `{{ at|moment }}`, `{{ at|moment:"seconds" }}`."""
    return formatting.moment_display(value, seconds=bool(seconds))


@register.filter
def percent_nl(value):
    return formatting.page_percent(value)


@register.filter
def multiple_nl(value):
    return formatting.page_multiple(value)


@register.filter
def count_nl(value):
    return formatting.page_count(value)


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def described(field):
    """The field's widget, tied to its help text and error message for screen readers."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)

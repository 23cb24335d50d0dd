"""Template helpers of the web UI: the main menu per role and Dutch number/date formats."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from access.permissions import can
from core import formatting

register = template.Library()

# (key, url name, label, action the menu item needs or None)
_NAV = [
    ("fund", "bev:fund", _("Fonds"), "fund.view"),
    ("letters", "parliament:letters", _("Kamerbrieven"), "letter.view"),
    ("reports", "parliament:reports", _("Rapportages"), "report.generate"),
    ("audit", "audit:trail", _("Audittrail"), "audit.view"),
]


@register.simple_tag(takes_context=True)
def main_nav(context):
    """Menu items beyond "my work" and "cases" that this person's organisational role may open."""
    user = context.get("user")
    items = []
    for key, url_name, label, action in _NAV:
        if action and not can(user, action):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # that part of the service is not installed yet
            continue
        items.append({"key": key, "url": url, "label": label})
    return items


@register.filter
def euro(value):
    return formatting.euro(value)


@register.filter
def date_nl(value):
    return formatting.date_nl(value)


@register.filter
def percent_nl(value):
    return formatting.percent_nl(value)


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

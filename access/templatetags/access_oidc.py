"""The login page's "Inloggen via ..." button, shown only while the sign-in through the identity
provider is on (access.oidc)."""

from django import template
from django.conf import settings

from ..oidc import oidc_enabled

register = template.Library()


@register.inclusion_tag("access/_oidc_button.html", takes_context=True)
def oidc_login_button(context):
    request = context.get("request")
    return {
        "enabled": oidc_enabled(),
        "provider": settings.BEV_OIDC_PROVIDER_NAME,
        "next": request.GET.get("next", "") if request is not None else "",
    }

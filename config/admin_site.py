"""The admin site: django_otp's (every page needs a verified second factor), whose login is the service's.

OTPAdminSite's own login form was a second way in beside `/login/` that django-axes did not count,
and its messages told a right password from a wrong one ("Please enter your OTP token.", "Please
select a device."). Its login page now only sends the person to `/login/` (access.views.LoginView:
one form, one message for every refusal, every failure counted for the lockout) with `next` back to
the admin page; a POST to it authenticates nobody and reveals nothing."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite


class BEVAdminSite(OTPAdminSite):
    site_header = _("BEV – beheer")  # in the reader's language, as the admin's own texts are
    site_title = "BEV"

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not (
            target.startswith(index)
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
        ):
            target = index
        return HttpResponseRedirect(f"{reverse('access:login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")

"""The web side of the sign-in through the ministry's identity provider (access.oidc): start,
callback, and the service's own second factor when the provider asserted none. 404 while the
sign-in is off."""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from core.exceptions import PermissionDenied

from .models import User
from .oidc import (
    IdentityProviderError,
    ProviderClient,
    oidc_account_for,
    oidc_enabled,
    oidc_idp_second_factor,
    oidc_login_refused,
)
from .services import has_confirmed_totp, otp_device_matching
from .views import ENROL_MAX_SECONDS, ENROL_SESSION_KEY, lockout_response

# Signed in at the provider without its second factor: the person may only enter the service's
# own second factor, for a short while, and has no session until they do.
PENDING_SESSION_KEY = "access_oidc_pending_user"
PENDING_MAX_SECONDS = ENROL_MAX_SECONDS
# The sessions django-otp verifies log in through the ordinary backend (as the enrolment does).
SESSION_BACKEND = "access.backends.AccountBackend"


class SecondFactorForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code uit de authenticator-app of back-upcode"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class OIDCStartView(OIDCAuthenticationRequestView):
    """To the provider's authorisation endpoint, with state, nonce and the PKCE challenge kept in
    the session (mozilla-django-oidc); `?next=` is kept when it points into the service."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404()
        return super().dispatch(request, *args, **kwargs)


def _refused(request, message: str):
    return render(request, "access/oidc_refused.html", {"message": message}, status=403)


def _safe_next(request, next_url: str | None) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _locked_out(request):
    return lambda username: AxesProxyHandler.is_locked(request, credentials={"username": username})


@never_cache
@require_GET
def oidc_callback(request):
    """Back from the provider: the code exchanged and the ID token verified (ProviderClient), the
    account looked up (oidc_account_for); then a session verified by the provider's second factor,
    or the service's own second factor (or its enrolment) first."""
    if not oidc_enabled():
        raise Http404()
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states") or {}
    pending = states.pop(state, None) if state else None  # used once: a replayed callback finds nothing
    request.session["oidc_states"] = states
    if request.GET.get("error") or pending is None or not request.GET.get("code"):
        oidc_login_refused(
            reason="provider_error" if request.GET.get("error") else "state_unknown",
            detail=str(request.GET.get("error", ""))[:100],
        )
        return _refused(
            request, _("Het inloggen bij de identiteitsprovider is niet gelukt of verlopen. Probeer het opnieuw.")
        )
    try:
        identity = ProviderClient().identity(
            request, nonce=pending.get("nonce"), code_verifier=pending.get("code_verifier")
        )
    except IdentityProviderError as exc:
        oidc_login_refused(reason="token_refused", detail=str(exc))
        return _refused(
            request,
            _(
                "Het antwoord van de identiteitsprovider is geweigerd. Probeer het opnieuw; "
                "blijft dit gebeuren, neem dan contact op met de beheerder."
            ),
        )
    try:
        user = oidc_account_for(identity=identity, locked_out=_locked_out(request))
    except PermissionDenied as exc:
        return _refused(request, exc.message)

    next_url = _safe_next(request, request.session.get("oidc_login_next"))
    if identity.second_factor:
        device = oidc_idp_second_factor(user=user, assertion=identity.second_factor)
        auth_login(request, user, backend=SESSION_BACKEND)  # audited as every login (access.signals)
        otp_login(request, device)
        return redirect(next_url or "core:home")
    request.session.cycle_key()
    if not has_confirmed_totp(user):  # the service's own factor, enrolled first (access.views.enrol_view)
        request.session[ENROL_SESSION_KEY] = {"user": user.pk, "since": int(time.time()), "next": next_url}
        return redirect("access:enrol")
    request.session[PENDING_SESSION_KEY] = {"user": user.pk, "since": int(time.time()), "next": next_url}
    return redirect("access:oidc_code")


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or int(time.time()) - pending.get("since", 0) > PENDING_MAX_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user"), is_active=True).first()


@never_cache
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def oidc_code_view(request):
    """The service's second factor after the provider's login: as at the password login, a wrong
    code is a failed login (audited, counted by the lockout)."""
    user = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_SESSION_KEY, None)
        return redirect("access:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials=credentials):
            return lockout_response(request, credentials)
        device = otp_device_matching(user=user, code=form.cleaned_data["otp_token"])
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error("otp_token", _("De code klopt niet of is al gebruikt."))
        else:
            next_url = _safe_next(request, request.session[PENDING_SESSION_KEY].get("next"))
            request.session.pop(PENDING_SESSION_KEY, None)
            auth_login(request, user, backend=SESSION_BACKEND)
            otp_login(request, device)
            return redirect(next_url or "core:home")
    return render(request, "access/oidc_code.html", {"form": form, "pending_user": user})

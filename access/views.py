import base64
import io
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login

from core.exceptions import RuleViolation
from core.views import web_view

from .forms import EnrolmentForm, LoginForm, NotificationSettingsForm
from .models import User
from .services import (
    has_confirmed_totp,
    totp_enrolment_confirm,
    totp_enrolment_device,
    user_set_language,
    user_set_notify_by_email,
)

# Password checked, authenticator not yet enrolled: the person may only finish enrolment, for a
# short while, and has no session until they do.
ENROL_SESSION_KEY = "access_enrol_user"
ENROL_MAX_SECONDS = 10 * 60


class LoginView(DjangoLoginView):
    """Username, password and the second factor (TOTP code or a backup code) in one form."""

    form_class = LoginForm
    template_name = "access/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):
        user = form.get_user()
        if form.needs_enrolment:
            self.request.session.cycle_key()
            self.request.session[ENROL_SESSION_KEY] = {
                "user": user.pk,
                "since": int(time.time()),
                "next": self.get_redirect_url(),
            }
            return redirect("access:enrol")
        return super().form_valid(form)  # auth login; django_otp marks the session verified


def _pending_enrolment_user(request):
    pending = request.session.get(ENROL_SESSION_KEY)
    if not pending or int(time.time()) - pending.get("since", 0) > ENROL_MAX_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user"), is_active=True).first()


def qr_svg_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code, an SVG in a data: URI (allowed by the CSP's img-src; no script)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol_view(request):
    """Enrolment of the authenticator after a password login: a QR code (and the secret as text)
    and a code from the app to confirm it."""
    user = _pending_enrolment_user(request)
    if user is None or has_confirmed_totp(user):
        request.session.pop(ENROL_SESSION_KEY, None)
        return redirect("access:login")
    device = totp_enrolment_device(user=user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except RuleViolation as exc:
            form.add_error("code", exc.message)
        else:
            next_url = request.session[ENROL_SESSION_KEY].get("next") or ""
            request.session.pop(ENROL_SESSION_KEY, None)
            auth_login(request, user, backend="access.backends.AccountBackend")
            otp_login(request, device)
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = ""
            return redirect(next_url or "core:home")
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "access/enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "otpauth_uri": device.config_url,
            "enrolling_user": user,
        },
    )


@web_view
@require_http_methods(["GET", "POST"])
def settings_view(request):
    """The person's own settings: task mails on or off, the language of the pages."""
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"notify_by_email": request.user.notify_by_email, "language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user_set_notify_by_email(user=request.user, enabled=form.cleaned_data["notify_by_email"])
            user = user_set_language(user=request.user, language=form.cleaned_data["language"])
        translation.activate(user.language or translation.get_language_from_request(request))
        messages.success(request, _("Uw instellingen zijn opgeslagen."))
        return _remember_language(redirect("access:settings"), user.language)
    return render(request, "access/settings.html", {"form": form, "nav": "settings"})


def _remember_language(response, language: str):
    """The language cookie too, so the login page after a logout speaks the person's language."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def set_language_view(request):
    """Django's language switch (a cookie), and for a logged-in person also their stored choice
    (User.language), which access.middleware.UserLanguageMiddleware activates on every request."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


@require_POST
def logout_view(request):
    logout(request)
    return redirect("access:login")


def lockout_response(request, credentials, *args, **kwargs):
    body = render_to_string("access/locked_out.html", request=request)
    return HttpResponse(body, status=429)

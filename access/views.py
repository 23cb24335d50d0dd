from django.contrib.auth import logout
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django_otp.forms import OTPAuthenticationForm


class LoginView(DjangoLoginView):
    """Username, password and the second factor (TOTP code or a backup code) in one form."""

    form_class = OTPAuthenticationForm
    template_name = "access/login.html"
    redirect_authenticated_user = False


@require_POST
def logout_view(request):
    logout(request)
    return redirect("access:login")


def lockout_response(request, credentials, *args, **kwargs):
    body = render_to_string("access/locked_out.html", request=request)
    return HttpResponse(body, status=429)

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import has_confirmed_totp, otp_device_matching, user_require_clearance_covers_teams


class CodeInput(forms.TextInput):
    """A text input that never writes the submitted code back into the page: a re-shown form is the
    same whichever part of the login was wrong."""

    def format_value(self, value):
        return None


class LoginForm(AuthenticationForm):
    """Username, password and the second factor (a TOTP code or a backup code) in one form.

    The device is chosen from the code's shape, so nobody picks a device from a list. A person
    without a confirmed authenticator logs in with the password alone and is sent to enrolment
    (`needs_enrolment`), without a session.

    A refusal reveals nothing about which part was wrong: a wrong password, and a right password
    with a missing or wrong code, give the same error on the same page (issue 22). Each of them is
    a failed login (`user_login_failed`: Django sends it for the password, this form for the code),
    so django-axes' lockout per username and address covers guessing codes too."""

    otp_token = forms.CharField(
        label=_("Code uit de authenticator-app of back-upcode"),
        required=False,
        max_length=16,
        widget=CodeInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        # The wait: django-otp refuses every code for 1 s after a wrong one, then 2, 4, ... s (its
        # throttle per device); said to everyone, as it reveals nothing of which part was wrong.
        "invalid_login": _(
            "Gebruikersnaam, wachtwoord of code klopt niet. Een back-upcode werkt maar één keer. Na een "
            "mislukte poging wordt ook een juiste code enkele seconden geweigerd; wacht even voor u het "
            "opnieuw probeert."
        ),
    }

    needs_enrolment = False

    def clean(self):
        cleaned = super().clean()  # a wrong password: invalid_login (Django sent user_login_failed)
        user = self.get_user()
        if user is None:
            return cleaned
        if not has_confirmed_totp(user):
            self.needs_enrolment = True
            return cleaned
        device = otp_device_matching(user=user, code=cleaned.get("otp_token", ""))
        if device is None:  # missing or wrong code: a failed login like a wrong password, told the same way
            self.user_cache = None
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=self.request)
            raise self.get_invalid_login_error()
        user.otp_device = device  # django_otp persists it in the session at login
        return cleaned


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label=_("Zescijferige code uit de app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class NotificationSettingsForm(forms.Form):
    """The person's own settings page: task mails on or off, the language of the pages (issue 23)."""

    language = forms.ChoiceField(
        label=_("Taal"),
        required=False,
        choices=[("", _("Zoals de browser vraagt"))] + [(code, name) for code, name in settings.LANGUAGES],
        help_text=_(
            "De taal van de webpagina's, ook als uw browser om een andere vraagt. De taalkeuze bovenaan "
            "de pagina past deze instelling ook aan."
        ),
    )

    notify_by_email = forms.BooleanField(
        label=_("Taken per e-mail melden"),
        required=False,
        help_text=_(
            "Een e-mail wanneer een goedkeuring (vier ogen) of een adviesaanvraag op u wacht. De e-mail "
            "noemt alleen het kenmerk van de casus, de soort taak en een link."
        ),
    )


class UserAdminChangeForm(UserChangeForm):
    """The admin's form for a person: a clearance lowered below an open case of their team is a
    form error at the field, naming the cases (the rule is the service's,
    `access.services.user_require_clearance_covers_teams`; `user_save_by_admin` checks it again)."""

    def clean(self):
        cleaned = super().clean()
        clearance = cleaned.get("clearance")
        if clearance and self.instance.pk is not None and clearance != self.initial.get("clearance"):
            try:
                user_require_clearance_covers_teams(
                    user=self.instance, clearance=clearance, is_active=bool(cleaned.get("is_active"))
                )
            except ValidationError as refused:
                self.add_error(None, refused)
        return cleaned

"""The labels of the events `access` writes to the audit trail (audit.labels.event_labels)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    # Categories: what a record of a case the reader may not see shows instead of its step (audit.selectors.shown)
    "auth": _("Aanmelden"),
    "user": _("Gebruiker"),
    "auth.login": _("Ingelogd"),
    "auth.login_failed": _("Inloggen mislukt"),
    "auth.logout": _("Uitgelogd"),
    "auth.idp_second_factor": _("Tweede factor bij de identiteitsprovider"),
    "auth.totp_enrol_start": _("Koppelen van een authenticator-app begonnen"),
    "auth.totp_enrol": _("Authenticator-app gekoppeld"),
    "auth.token_create": _("API-token aangemaakt"),
    "auth.token_revoke": _("API-token ingetrokken"),
    "user.create": _("Gebruiker aangemaakt"),
    "user.update": _("Gebruiker gewijzigd"),
    "user.second_factor_change": _("Tweede factor gewijzigd"),
    "user.password_change": _("Wachtwoord gewijzigd"),
    "user.create_first_administrator": _("Eerste beheerder aangemaakt"),
    "user.notify_by_email": _("E-mailmeldingen gewijzigd"),
    "user.language": _("Taalvoorkeur gewijzigd"),
    "user.reset_second_factor": _("Tweede factor opnieuw ingesteld"),
    "user.lockout_lift": _("Blokkering van de login opgeheven"),
}

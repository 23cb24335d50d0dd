"""The labels of the events `cases` writes to the audit trail (audit.labels.event_labels)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.models import User
from access.roles import Role
from audit.labels import ChangeReader

EVENT_LABELS = {
    # Categories: what a record of a case the reader may not see shows instead of its step (audit.selectors.shown)
    "case": _("Casus"),
    "cabinet_decision": _("Kabinetsbesluit"),
    "case.create": _("Casus aangemaakt"),
    "case.read": _("Casus ingezien"),
    "case.update": _("Casus gewijzigd"),
    "case.reclassify": _("Rubricering van de casus gewijzigd"),
    "case.overdue": _("Termijn van de casus verstreken"),
    "case.suspend": _("Casus opgeschort"),
    "case.resume": _("Casus hervat"),
    "case.team_add": _("Teamlid toegevoegd"),
    "case.team_remove": _("Teamlid verwijderd"),
    "case.team_change_role": _("Rol van een teamlid gewijzigd"),
    # The lifecycle's transitions (case.<transition>).
    "case.start_intake": _("Intake gestart"),
    "case.reject_not_admissible": _("Niet ontvankelijk verklaard"),
    "case.start_assessment": _("Risico-inschatting gestart"),
    "case.fast_track_to_assessment": _("Per direct naar de risico-inschatting"),
    "case.submit_to_cabinet": _("Aan het kabinet voorgelegd"),
    "case.conclude_not_deployed": _("Afgesloten: geen inzet"),
    "case.start_investment_preparation": _("Investering in voorbereiding"),
    "case.record_cabinet_declined": _("Afgesloten: kabinet besloot tot geen inzet"),
    "case.mark_invested": _("Als geïnvesteerd gemarkeerd"),
    "case.undo_invested": _("Terug in voorbereiding: elke uitbetaling tegengeboekt"),
    "case.start_monitoring": _("Monitoring gestart"),
    "case.request_follow_on_decision": _("Vervolgbesluit aangevraagd"),
    "case.resume_after_follow_on_decision": _("Monitoring hervat na vervolgbesluit"),
    "case.start_exit": _("Exit gestart"),
    "case.close": _("Casus afgesloten"),
    "case.withdraw": _("Casus ingetrokken"),
    "case.": _("Statusovergang van de casus"),
    "cabinet_decision.record": _("Kabinetsbesluit vastgelegd"),
    "cabinet_decision.confirm": _("Kabinetsbesluit bevestigd"),
    "cabinet_decision.reject": _("Kabinetsbesluit afgewezen"),
}


def _usernames(records) -> set[str]:
    """The people team changes name ("username:role")."""
    names = set()
    for record in records:
        for key, value in (record.changes or {}).items():
            if key in ("team", "team_role") and isinstance(value, dict):
                for member in (value.get("before"), value.get("after")):
                    if member:
                        names.add(str(member).partition(":")[0])
    return names


def _names(records) -> dict[str, str]:
    """{username: name} of everyone the records' team changes name: one query for them all."""
    usernames = _usernames(records)
    if not usernames:
        return {}
    return {user.username: str(user) for user in User.objects.filter(username__in=usernames)}


def _member(value, names: dict[str, str]) -> str:
    """A team member as the trail stores them ("username:role") as people read it: "Jan de Vries
    (Departementaal adviseur)"."""
    if not value:
        return "—"
    username, _sep, role = str(value).partition(":")
    name = names.get(username, username)
    role_label = str(Role(role).label) if role in Role.values else role
    return f"{name} ({role_label})" if role_label else name


def _team_lines(record, names: dict[str, str]) -> list[str]:
    lines = []
    for key, value in (record.changes or {}).items():
        if key in ("team", "team_role") and isinstance(value, dict):
            before, after = _member(value.get("before"), names), _member(value.get("after"), names)
            label = pgettext_lazy("audit change", "Teamlid")  # outside the f-string: makemessages reads none
            lines.append(f"{label}: {before} → {after}")
        elif key == "earlier_roles":
            roles = [str(Role(r).label) if r in Role.values else str(r) for r in value or []]
            label = pgettext_lazy("audit change", "Eerdere rollen")
            lines.append(f"{label}: {', '.join(roles)}")
    return lines


CHANGE_READER = ChangeReader(
    lines={
        "case.team_add": _team_lines,
        "case.team_remove": _team_lines,
        "case.team_change_role": _team_lines,
    },
    prepare=_names,
)

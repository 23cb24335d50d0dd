"""Roles and what each may do: the one role-by-action matrix of the service.

Every action in the API, the web UI and the admin is checked through `access.permissions.can`,
which reads this table. Case-scoped actions use the person's role *on that case team*; fund-wide
actions use their organisational role.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", _("EZK-casusbehandelaar")
    RISK_ASSESSOR = "risk_assessor", _("EZK-risicobeoordelaar")
    DEPARTMENT_ADVISOR = "department_advisor", _("Departementaal adviseur")
    CABINET_SECRETARIAT = "cabinet_secretariat", _("Secretariaat ministerraad")
    # Not "Invest-NL": the manager is dated data (bev.models.ManagerPeriod, bev.selectors.manager_on);
    # the cabinet aims to integrate Invest-NL and Invest International "per 1 januari 2028" (2025 letter).
    FUND_MANAGER = "fund_manager", _("Fondsbeheerder")
    PARLIAMENTARY_LIAISON = "parliamentary_liaison", _("Parlementaire contactpersoon EZK")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Beheerder")


R = Role
# action -> roles allowed. Keep actions named `<entity>.<verb>`.
PERMISSIONS: dict[str, set[str]] = {
    # the case file
    "case.create": {R.CASE_OFFICER},
    "case.view": set(R.values),  # being on the team (and cleared) is what matters
    # The case list (and its menu item): a department advisor reaches only their consultations,
    # under "Mijn werk" (`Case.objects.case_file_visible_to`: no team place as department advisor counts).
    "case.list": set(R.values) - {R.DEPARTMENT_ADVISOR},
    "case.update": {R.CASE_OFFICER, R.RISK_ASSESSOR},
    "case.manage_team": {R.CASE_OFFICER, R.ADMINISTRATOR},
    "case.suspend": {R.CASE_OFFICER, R.RISK_ASSESSOR},
    "case.view_audit": {R.AUDITOR, R.ADMINISTRATOR},
    # lifecycle transitions (names match cases.models.Case transition methods)
    "case.transition.start_intake": {R.CASE_OFFICER},
    "case.transition.start_assessment": {R.CASE_OFFICER},
    "case.transition.reject_not_admissible": {R.CASE_OFFICER},
    "case.transition.submit_to_cabinet": {R.RISK_ASSESSOR, R.CASE_OFFICER},
    "case.transition.conclude_not_deployed": {R.RISK_ASSESSOR, R.CASE_OFFICER},
    "case.transition.start_investment_preparation": {R.CABINET_SECRETARIAT, R.CASE_OFFICER},
    "case.transition.record_cabinet_declined": {R.CABINET_SECRETARIAT, R.CASE_OFFICER},
    "case.transition.mark_invested": {R.FUND_MANAGER},
    "case.transition.undo_invested": {R.FUND_MANAGER},
    "case.transition.start_monitoring": {R.FUND_MANAGER, R.CASE_OFFICER},
    "case.transition.start_exit": {R.FUND_MANAGER},
    "case.transition.close": {R.FUND_MANAGER, R.CASE_OFFICER},
    "case.transition.withdraw": {R.CASE_OFFICER},
    # a follow-on beyond the decided maximum goes back to the cabinet (EZK sends it)
    "case.transition.request_follow_on_decision": {R.CASE_OFFICER},
    "case.transition.resume_after_follow_on_decision": {R.CABINET_SECRETARIAT, R.CASE_OFFICER},
    # the kabinetsbesluit (entered by one, confirmed by another)
    "cabinet_decision.record": {R.CABINET_SECRETARIAT},
    "cabinet_decision.confirm": {R.CABINET_SECRETARIAT},
    # ... or rejected by another, with a reason (four eyes that can also say no)
    "cabinet_decision.reject": {R.CABINET_SECRETARIAT},
    # the afwegingskader
    "assessment.score": {R.RISK_ASSESSOR},
    "assessment.lead": {R.RISK_ASSESSOR},
    "assessment.approve": {R.RISK_ASSESSOR},
    "assessment.request_advice": {R.RISK_ASSESSOR},
    "assessment.answer_advice": {R.DEPARTMENT_ADVISOR},
    "framework.publish": {R.ADMINISTRATOR},
    # reading assessments: the case team except department advisors, who see only their consultation
    "assessment.view": set(R.values) - {R.DEPARTMENT_ADVISOR},
    "framework.view": set(R.values),
    # documents
    # Department advisors answer in their consultation; the case file itself is not theirs to see.
    "document.upload": {
        R.CASE_OFFICER,
        R.RISK_ASSESSOR,
        R.CABINET_SECRETARIAT,
        R.FUND_MANAGER,
        R.PARLIAMENTARY_LIAISON,
    },
    "document.withdraw": {R.CASE_OFFICER, R.RISK_ASSESSOR, R.FUND_MANAGER, R.ADMINISTRATOR},
    "document.lower_classification": {R.CASE_OFFICER, R.ADMINISTRATOR},
    # Lowering a case's classification: the same right as for its documents (issue 20).
    "case.lower_classification": {R.CASE_OFFICER, R.ADMINISTRATOR},
    "assessment.generate_report": {R.RISK_ASSESSOR, R.CASE_OFFICER},  # the cabinet report (documents)
    # the fund (not case-scoped: organisational role)
    "fund.view": {R.FUND_MANAGER, R.AUDITOR, R.ADMINISTRATOR, R.PARLIAMENTARY_LIAISON},
    "fund.book": {R.FUND_MANAGER},
    "fund.approve_disbursement": {R.FUND_MANAGER},
    "fund.configure": {R.ADMINISTRATOR},
    # the letters' configuration (letterhead, ministers, references, country policy, evaluations): admin
    "letter.configure": {R.ADMINISTRATOR},
    # Invest-NL's investment proposal under the kabinetsbesluit (case-scoped): proposed by Invest-NL,
    # approved by EZK's case officer on the team (four eyes across the two organisations)
    "investment_proposal.propose": {R.FUND_MANAGER},
    "investment_proposal.approve": {R.CASE_OFFICER},
    # the management fee (fund-wide): the year's budget set by the administrator, a fee proposed by
    # Invest-NL and approved by an EZK official (case officer role), four eyes across the two
    "fee.view": {R.FUND_MANAGER, R.CASE_OFFICER, R.AUDITOR, R.ADMINISTRATOR, R.PARLIAMENTARY_LIAISON},
    "fee.propose": {R.FUND_MANAGER},
    "fee.approve": {R.CASE_OFFICER},
    "fee_budget.set": {R.ADMINISTRATOR},
    # EZK's loan repaid (fund-wide): proposed by one fund manager, approved (and so booked) by another,
    # never the proposer (four eyes by person). The service's own control: the 2023 letter says only
    # that the loan is to be "terugbetaald" (footnote 9), not who decides it (docs/security.md).
    "loan_repayment.propose": {R.FUND_MANAGER},
    "loan_repayment.approve": {R.FUND_MANAGER},
    # EZK's loan interest paid (fund-wide): likewise proposed by one fund manager, approved (and so
    # booked) by another; the letter says only that "rente betaald moet worden" (footnote 9).
    "loan_interest_payment.propose": {R.FUND_MANAGER},
    "loan_interest_payment.approve": {R.FUND_MANAGER},
    # letters to parliament and reports
    "letter.view": {R.PARLIAMENTARY_LIAISON, R.AUDITOR, R.ADMINISTRATOR},
    "letter.edit": {R.PARLIAMENTARY_LIAISON},
    "letter.approve": {R.PARLIAMENTARY_LIAISON},
    "letter.send": {R.PARLIAMENTARY_LIAISON},
    "report.generate": {R.PARLIAMENTARY_LIAISON, R.FUND_MANAGER, R.AUDITOR},
    # the audit trail
    "audit.view": {R.AUDITOR, R.ADMINISTRATOR},
    "audit.verify": {R.AUDITOR, R.ADMINISTRATOR},
    # people: accounts, roles, clearance, resetting a second factor (the admin)
    "user.manage": {R.ADMINISTRATOR},
    "operations.view": {R.ADMINISTRATOR},  # failed background tasks (admin; README "Operations")
}


# What each action is, as a refusal names it ("Uw rol staat niet toe: een investeringsvoorstel
# goedkeuren."): never its code. A transition's is made from its name (`action_label`).
ACTION_LABELS = {
    "case.create": _("een casus aanmaken"),
    "case.view": _("de casus inzien"),
    "case.list": _("de lijst van casussen inzien"),
    "case.update": _("de casus wijzigen"),
    "case.manage_team": _("het team van de casus samenstellen"),
    "case.suspend": _("de termijnen van de casus opschorten of hervatten"),
    "case.view_audit": _("de audittrail van de casus inzien"),
    "cabinet_decision.record": _("een kabinetsbesluit vastleggen"),
    "cabinet_decision.confirm": _("een kabinetsbesluit bevestigen"),
    "cabinet_decision.reject": _("een kabinetsbesluit afwijzen"),
    "assessment.score": _("indicatoren scoren"),
    "assessment.lead": _("een risico-inschatting leiden"),
    "assessment.approve": _("een risico-inschatting goedkeuren"),
    "assessment.request_advice": _("een ministerie om afstemming vragen"),
    "assessment.answer_advice": _("een afstemming beantwoorden"),
    "framework.publish": _("een versie van het afwegingskader publiceren"),
    "assessment.view": _("de risico-inschatting inzien"),
    "framework.view": _("het afwegingskader inzien"),
    "document.upload": _("een document toevoegen"),
    "document.withdraw": _("een document intrekken"),
    "document.lower_classification": _("de rubricering van een document verlagen"),
    "case.lower_classification": _("de rubricering van de casus verlagen"),
    "assessment.generate_report": _("het rapport voor de ministerraad maken"),
    "fund.view": _("het fonds inzien"),
    "fund.book": _("boeken in het fonds"),
    "fund.approve_disbursement": _("een uitbetaling goedkeuren"),
    "fund.configure": _("het fonds inrichten"),
    "letter.configure": _("de configuratie van de Kamerbrieven beheren"),
    "investment_proposal.propose": _("een investeringsvoorstel indienen"),
    "investment_proposal.approve": _("een investeringsvoorstel goedkeuren"),
    "fee.view": _("de beheersvergoedingen inzien"),
    "fee.propose": _("een beheersvergoeding voorstellen"),
    "fee.approve": _("een beheersvergoeding goedkeuren"),
    "fee_budget.set": _("het budget voor de beheersvergoeding vaststellen"),
    "loan_repayment.propose": _("een aflossing aan EZK voorstellen"),
    "loan_repayment.approve": _("een aflossing aan EZK goedkeuren"),
    "loan_interest_payment.propose": _("een rentebetaling aan EZK voorstellen"),
    "loan_interest_payment.approve": _("een rentebetaling aan EZK goedkeuren"),
    "letter.view": _("Kamerbrieven inzien"),
    "letter.edit": _("een Kamerbrief bewerken"),
    "letter.approve": _("een Kamerbrief goedkeuren"),
    "letter.send": _("een Kamerbrief als verzonden vastleggen"),
    "report.generate": _("een rapportage maken"),
    "audit.view": _("de audittrail inzien"),
    "audit.verify": _("de keten van de audittrail verifiëren"),
    "user.manage": _("accounts beheren"),
    "operations.view": _("de mislukte achtergrondtaken inzien"),
}


def action_label(action: str) -> str:
    """An action as people read it (`ACTION_LABELS`); a step of the lifecycle (its refusals name the
    step's target themselves: cases.services.case_transition) as "deze stap van de casus"."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action.startswith("case.transition."):
        return str(_("deze stap van de casus"))
    return action


# Separation of duties (issue 20): the case roles a person may hold, by their organisational role.
# A case role is a function on the case, and a person fills on a case only the function they hold in
# their organisation: only the fund manager's staff become a case's fund manager, only EZK risk
# assessors its assessors, only the ministerraad's secretariat records the kabinetsbesluit, and so
# on. An administrator manages teams and configuration but takes no case role that acts on the case
# (no assessor, secretariat or fund manager); an auditor only reads. So nobody can make a colleague
# an assessor or fund manager to have them "approve" under four eyes, and a case officer who may
# manage the team cannot hand anyone (or themselves) a second function. A change of function is an
# administrator's change of the person's organisational role first, then `case_team_change_role`.
CASE_ROLES_BY_ORGANISATION_ROLE: dict[str, frozenset[str]] = {
    R.CASE_OFFICER: frozenset({R.CASE_OFFICER}),
    R.RISK_ASSESSOR: frozenset({R.RISK_ASSESSOR}),
    R.DEPARTMENT_ADVISOR: frozenset({R.DEPARTMENT_ADVISOR}),
    R.CABINET_SECRETARIAT: frozenset({R.CABINET_SECRETARIAT}),
    R.FUND_MANAGER: frozenset({R.FUND_MANAGER}),
    R.PARLIAMENTARY_LIAISON: frozenset({R.PARLIAMENTARY_LIAISON}),
    R.AUDITOR: frozenset({R.AUDITOR}),
    R.ADMINISTRATOR: frozenset({R.ADMINISTRATOR}),
}


def case_roles_for(organisation_role: str) -> frozenset[str]:
    """The case roles a person with this organisational role may hold (none for an unknown role)."""
    return CASE_ROLES_BY_ORGANISATION_ROLE.get(organisation_role, frozenset())


def organisation_roles_for(case_role: str) -> frozenset[str]:
    """The organisational roles whose holders may take `case_role` on a case: the same table read the
    other way (none for an unknown case role)."""
    return frozenset(org for org, case_roles in CASE_ROLES_BY_ORGANISATION_ROLE.items() if case_role in case_roles)


def roles_for(action: str) -> set[str]:
    try:
        return PERMISSIONS[action]
    except KeyError:  # an unknown action is a programming error, never an open door
        raise KeyError(f"Unknown action {action!r}: add it to access.roles.PERMISSIONS") from None

"""Factories that build objects through the services, so every rule holds."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from access.models import User
from access.roles import Role
from core.classification import Classification


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.bev.example")
    role = Role.CASE_OFFICER
    clearance = Classification.GEHEIM
    password = factory.django.Password("correct-horse-battery")


def case_data(**overrides) -> dict:
    """A signal built from the 2023 letter's own example: a sensitive-technology supplier."""
    data = {
        "title": "Voorgenomen overname chipleverancier",
        "summary": "Signaal over een voorgenomen overname door een partij op aanwijzing van een statelijke actor.",
        "classification": Classification.VERTROUWELIJK,
        "signal_source": "wet_vifo_bti",
        "signal_received_at": timezone.now() - timedelta(days=1),
        "urgency": "normal",
        "target_name": "Voorbeeld Photonics B.V.",
        "target_kvk_number": "12345678",
        "target_sector": "Halfgeleiders",
        "categories": ["sensitive_technology", "defence_intelligence_supplier"],
        "acquirer_name": "Example State Holdings Ltd.",
        "acquirer_country": "CN",
        "state_actor_status": "on_instructions",
        "intended_stake_percent": Decimal("51.00"),
        "intended_control": "Meerderheid van de stemrechten",
        "transaction_value": Decimal("25000000.00"),
        "expected_closing_date": (timezone.localdate() + timedelta(days=60)),
        "scope_grounds": ["essential_supplier"],
        "existing_instruments_considered": ["wet_vifo"],
        "existing_instruments_shortfall": "Toeleverancier valt (nog) niet onder de Wet vifo.",
        "market_financing_explored": True,
        "market_financing_notes": "Geen private partij bereid binnen de termijn.",
    }
    data.update(overrides)
    return data


def signal_form_post(**overrides) -> dict:
    """`case_data()` as the new-signal web form (cases:create) posts it, with `overrides` on top."""
    data = case_data()
    post = {k: v for k, v in data.items() if not isinstance(v, (list, bool))}
    post["signal_received_at"] = data["signal_received_at"].strftime("%Y-%m-%dT%H:%M")
    post["expected_closing_date"] = data["expected_closing_date"].isoformat()
    for name in ("categories", "scope_grounds", "existing_instruments_considered"):
        post[name] = data[name]
    post["market_financing_explored"] = "true"
    return {**post, **overrides}


def make_case(*, officer, team: dict | None = None, **overrides):
    """A case created by `officer` with `team` ({user: role}) added."""
    from cases.services import case_create, case_team_add

    case = case_create(user=officer, data=case_data(**overrides))
    for member, role in (team or {}).items():
        case_team_add(user=officer, case=case, member=member, role=role)
    case.refresh_from_db()
    return case


def lower_clearance(user, level: str):
    """The person's clearance lowered after they joined a team (an administrator's change): the one
    way a member is now cleared below their case, since `case_team_add` refuses such a person
    (access.selectors.people_who_may_hold_case_role); `Case.objects.visible_to` still hides it."""
    user.clearance = level
    user.save()
    return user


# --- second factor and web login (security) -----------------------------------------------------
def give_totp(user):
    """A confirmed TOTP device for `user` (what enrolment leaves behind)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="test-totp", confirmed=True)


def api_token(user) -> str:
    """A new API token for `user` (as created from a verified session); returns the key."""
    from access.services import api_token_create

    return api_token_create(user=user, otp_verified=True)[1]


def totp_code(device) -> str:
    """The code the authenticator app shows now."""
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"


def web_login(client, user, *, password: str = "correct-horse-battery") -> None:
    """Log `client` in through the login form with a fresh TOTP device: an OTP-verified web session."""
    device = give_totp(user)
    response = client.post("/login/", {"username": user.username, "password": password, "otp_token": totp_code(device)})
    assert response.status_code == 302, response.content.decode()[:2000]


# ---------------------------------------------------------------------------------------------
# Documents (issue 6): a throw-away storage and small files of every accepted kind
# ---------------------------------------------------------------------------------------------
def use_tmp_document_storage(settings, tmp_path):
    """Point default_storage at a fresh directory for one test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    return tmp_path / "documents"


def sample_pdf(text: str = "Memo") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def sample_docx(*paragraphs: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for paragraph in paragraphs or ("Memo",):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_xlsx() -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Waardering"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sample_odt() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


def sample_eml(body: str = "Zie bijlage.", subject: str = "Signaal") -> bytes:
    return (
        f"From: analist@aivd.example\r\nTo: casus@minez.example\r\nSubject: {subject}\r\n"
        f"Date: Mon, 2 Jun 2025 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def sample_msg() -> bytes:
    """Enough of an Outlook .msg for content detection: OLE2 magic and a __substg1.0_ stream name."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "__substg1.0_0037001F".encode("utf-16-le") + b"\x00" * 64
    )


SAMPLE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
SAMPLE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
SAMPLE_GIF = b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00;"


# ---------------------------------------------------------------------------------------------
# Web UI: people with a second factor
# ---------------------------------------------------------------------------------------------
def give_second_factor(user, *, backup_codes=("87654321",)):
    """A confirmed authenticator (so no enrolment is asked) and static backup codes to log in with."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="authenticator", defaults={"confirmed": True})
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    for code in backup_codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def web_session(client, user):
    """Log `user` in to the web UI with a verified second factor, as the login view leaves the session
    (quicker than `web_login`, which goes through the login form)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = give_second_factor(user, backup_codes=())
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# ---------------------------------------------------------------------------------------------
# The afwegingskader (assessments): drive the services to an approved assessment
# ---------------------------------------------------------------------------------------------
def score_all_indicators(assessment, *, assessor, level: int, core_only: bool = True):
    """`assessor` scores every (core) indicator of the assessment's framework version at `level`."""
    from assessments.services import assessment_score

    framework = assessment.framework.framework
    for item in framework.core_indicators if core_only else framework.indicators:
        assessment_score(
            user=assessor,
            assessment=assessment,
            indicator=item.code,
            level=level,
            rationale=f"Score {level} op basis van het dossier.",
        )


def fill_initial_assessment(assessment, *, lead, outcome: str = "deploy", level: int = 3):
    """Record scope, conditions, checks and scores so the assessment computes to `outcome`."""
    from assessments.constants import CheckAnswer, ConditionStatus
    from assessments.services import assessment_set_check, assessment_set_condition, assessment_set_scope

    framework = assessment.framework.framework
    assessment_set_scope(
        user=lead,
        assessment=assessment,
        scope_ground="essential_supplier",
        confirmed=True,
        rationale="Toeleverancier valt (nog) niet onder de Wet vifo.",
    )
    for i, item in enumerate(framework.conditions):
        not_met = outcome == "do_not_deploy" and i == len(framework.conditions) - 1
        assessment_set_condition(
            user=lead,
            assessment=assessment,
            code=item.code,
            status=ConditionStatus.NOT_MET if not_met else ConditionStatus.MET,
            rationale="Onderbouwd met de bronnen in het dossier.",
            evidence=[{"title": "Analyse", "source": "EZK"}],
        )
    for item in framework.checks:
        assessment_set_check(
            user=lead,
            assessment=assessment,
            code=item.code,
            answer=CheckAnswer.YES,
            rationale="Beoordeeld en doorstaan.",
        )
    score_all_indicators(assessment, assessor=lead, level=level)
    if framework.afstemming_in_outcome and not assessment.consultations.exists():
        # Version 2: no consultation at all only with a recorded reason (assessments.outcome).
        from assessments.services import assessment_set_no_consultation_reason

        assessment_set_no_consultation_reason(
            user=lead, assessment=assessment, reason="Geen ander departement betrokken: alleen EZK-beleid geraakt."
        )
    return assessment


def approve_assessment(case, *, lead, approver, outcome: str = "deploy"):
    """Drive the services to an approved initial assessment with `outcome` ("deploy" or
    "do_not_deploy"); the case must be in risk_assessment. Returns the Assessment."""
    from assessments.services import assessment_approve, assessment_start, assessment_submit

    assessment = assessment_start(user=lead, case=case)
    fill_initial_assessment(assessment, lead=lead, outcome=outcome)
    assessment_submit(user=lead, assessment=assessment)
    assessment = assessment_approve(user=approver, assessment=assessment)
    assert assessment.outcome == outcome, assessment.result.get("explanation")
    return assessment


def answer_review_checks(review, *, lead, answer: str = "yes", **answers):
    """Answer every question of a risk review (v2 on) with `answer`, or per code as given."""
    from assessments.services import assessment_set_check

    for item in review.framework.framework.checks_for("risk_review"):
        value = answers.get(item.code, answer)
        assessment_set_check(
            user=lead,
            assessment=review,
            code=item.code,
            answer=value,
            rationale=f"{item.label_nl}: {value}, zie het dossier.",
        )


def approve_risk_review(case, *, lead, approver, manageable: bool = True):
    """Drive the services to an approved risk review (case in monitoring) that finds the risk
    manageable (every question answered yes; v1: all core indicators low) or not (all no; v1: very high)."""
    from assessments.services import assessment_approve, assessment_start, assessment_submit

    review = assessment_start(user=lead, case=case, kind="risk_review")
    if review.framework.framework.reviews_by_questions:
        answer_review_checks(review, lead=lead, answer="yes" if manageable else "no")
    else:
        score_all_indicators(review, assessor=lead, level=1 if manageable else 4)
    assessment_submit(user=lead, assessment=review)
    review = assessment_approve(user=approver, assessment=review)
    assert review.risk_manageable is manageable
    return review


# ---------------------------------------------------------------------------------------------
# The fund (bev): built through its services, so every limit holds
# ---------------------------------------------------------------------------------------------
def fund_establish_default():
    """The SPV with the letter's limits and Invest-NL as manager from 1 September 2023."""
    from datetime import date

    from bev.services import fund_establish

    return fund_establish(
        name="BEV SPV (Invest-NL)",
        policy_owner="Ministerie van Economische Zaken en Klimaat",
        manager_name="Invest-NL",
        manager_from=date(2023, 9, 1),
    )


def fund_with_tranches(*, user, amounts=(Decimal("50000000"), Decimal("50000000"))):
    """The fund with its tranches received: the first in 2023, the next ones in 2024."""
    from datetime import date

    from bev.services import tranche_receive

    fund = fund_establish_default()
    for index, amount in enumerate(amounts):
        received_on = date(2023, 12, 1) if index == 0 else date(2024, 6, 3) + timedelta(days=index - 1)
        tranche_receive(
            user=user, amount=amount, idempotency_key=f"factory-tranche-{index + 1}", received_on=received_on
        )
    return fund


def repay_loan(*, proposer, approver, amount, idempotency_key, repaid_on=None, description=""):
    """Principal repaid to EZK the only way there is: proposed by one fund manager, approved (and so
    booked) by another (four eyes, bev.services.loan). Returns the booked entry."""
    from bev.services import loan_repayment_approve, loan_repayment_propose

    proposal = loan_repayment_propose(
        user=proposer, amount=amount, idempotency_key=idempotency_key, repaid_on=repaid_on, description=description
    )
    return loan_repayment_approve(user=approver, proposal=proposal).entry


def pay_loan_interest(*, proposer, approver, amount, idempotency_key, paid_on=None, description=""):
    """Interest paid to EZK the only way there is: proposed by one fund manager, approved (and so
    booked) by another (four eyes, bev.services.loan). Returns the booked entry."""
    from bev.services import loan_interest_payment_approve, loan_interest_payment_propose

    proposal = loan_interest_payment_propose(
        user=proposer, amount=amount, idempotency_key=idempotency_key, paid_on=paid_on, description=description
    )
    return loan_interest_payment_approve(user=approver, proposal=proposal).entry


ALL_INSTRUMENTS = ("equity", "convertible_loan", "loan_with_warrants")


def case_to_investment_preparation(
    case,
    *,
    recorder,
    confirmer,
    conditions: str = "",
    max_amount=Decimal("150000000.00"),
    instruments=ALL_INSTRUMENTS,
    lapses_on=None,
    propose: bool = True,
    proposal_amount=None,
    proposal_instrument=None,
):
    """Test set-up: the cabinet decided to deploy (recorded by one, confirmed by another) up to
    `max_amount` with `instruments`, the case moved on to investment preparation, and (with
    `propose`) Invest-NL's investment proposal under the decision was proposed by the team's fund
    manager and approved by its EZK case officer. The earlier steps belong to other apps."""
    from datetime import date

    from cases.models import Case
    from cases.services import cabinet_decision_confirm, cabinet_decision_record, case_transition

    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    case = Case.objects.get(pk=case.pk)
    decision = cabinet_decision_record(
        user=recorder,
        case=case,
        meeting_date=date.today(),
        reference="MR-2026-01",
        deploy=True,
        conditions=conditions,
        instruments=list(instruments),
        max_amount=max_amount,
        lapses_on=lapses_on,
    )
    cabinet_decision_confirm(user=confirmer, decision=decision)
    case = Case.objects.get(pk=case.pk)
    case = case_transition(user=recorder, case=case, name="start_investment_preparation")
    if propose:
        approve_investment_proposal(
            case, amount=proposal_amount or max_amount, instrument=proposal_instrument or list(instruments)[0]
        )
    return case


def approve_investment_proposal(case, *, amount, instrument="equity", proposer=None, approver=None):
    """Invest-NL's investment proposal under the case's governing decision, proposed by a fund
    manager and approved by an EZK case officer of the case team (or the people given)."""
    from bev.services import investment_proposal_approve, investment_proposal_propose

    team = {member.role: member.user for member in case.team.select_related("user").order_by("-id")}
    proposer = proposer or team[Role.FUND_MANAGER]
    approver = approver or team[Role.CASE_OFFICER]
    proposal = investment_proposal_propose(
        user=proposer,
        case=case,
        instrument=instrument,
        amount=amount,
        terms="Minderheidsbelang met zetel in de RvC en vetorecht.",
        valuation_basis="Pre-money waardering op basis van de laatste ronde.",
    )
    return investment_proposal_approve(user=approver, proposal=proposal)


def order_sale(case, *, recorder, confirmer, meeting_date=None):
    """Test set-up: a confirmed kabinetsbesluit ordering the sale of the stake (the exit gate's
    other ground besides an approved risk review; recorded by one, confirmed by another)."""
    from datetime import date

    from cases.models import Case
    from cases.services import cabinet_decision_confirm, cabinet_decision_record

    case = Case.objects.get(pk=case.pk)
    decision = cabinet_decision_record(
        user=recorder,
        case=case,
        meeting_date=meeting_date or date.today(),
        reference="MR-2026-VERKOOP",
        deploy=False,
        orders_sale=True,
    )
    return cabinet_decision_confirm(user=confirmer, decision=decision)


def invest_in_case(
    case, *, proposer, approver, amount, instrument="equity", ownership_percent=Decimal("25"), booked_on=None, **terms
):
    """A position in `case` (in investment_preparation) with one disbursement proposed by
    `proposer` and approved (booked) by `approver`."""
    from bev.services import disbursement_approve, disbursement_propose, position_create

    if instrument != "equity":
        terms.setdefault("principal", amount)
        terms.setdefault("interest_rate_percent", Decimal("4.0"))
        terms.setdefault("conversion_terms", "Converteerbaar tegen de prijs van de volgende financieringsronde.")
        terms.setdefault("warrant_terms", "Warrants op 5% van de aandelen, uitoefenprijs nominaal.")
        if instrument == "convertible_loan":
            terms.pop("warrant_terms")
        elif instrument == "loan_with_warrants":
            terms.pop("conversion_terms")
    position = position_create(
        user=proposer,
        case=case,
        instrument=instrument,
        ownership_percent=ownership_percent if instrument == "equity" else terms.pop("ownership_percent", None),
        **terms,
    )
    disbursement = disbursement_propose(
        user=proposer, position=position, amount=amount, idempotency_key=f"factory-disbursement-{position.pk}"
    )
    disbursement_approve(user=approver, disbursement=disbursement, booked_on=booked_on)
    position.refresh_from_db()
    return position


# ------------------------------------------------------------------------------------------------
# Letters to parliament (parliament)
# ------------------------------------------------------------------------------------------------
_event_counter = iter(range(1, 10**9))


def transaction_event(
    case,
    *,
    kind="first_investment",
    amount=Decimal("12500000.00"),
    executed_on=None,
    user=None,
    position_id=None,
    source_key=None,
):
    """A `bev.events.TransactionExecuted` about `case`, as the fund sends it after a transaction."""
    from datetime import date

    from bev.events import TransactionExecuted

    return TransactionExecuted(
        kind=kind,
        case_id=case.pk,
        position_id=position_id,
        amount=Decimal(amount),
        executed_on=executed_on or date(2026, 11, 24),
        user_id=getattr(user, "pk", None),
        source_key=source_key or f"test:transaction:{next(_event_counter)}",
    )


def add_liaisons(case, *, by, liaisons):
    """Put parliamentary liaisons on the case team (they write and approve its letters)."""
    from cases.services import case_team_add

    for liaison in liaisons:
        case_team_add(user=by, case=case, member=liaison, role=Role.PARLIAMENTARY_LIAISON)
    case.refresh_from_db()
    return case


def start_risk_assessment(case, *, officer):
    """Drive a new case from signal through intake into risk_assessment (via the case services)."""
    from cases.services import case_transition

    case_transition(user=officer, case=case, name="start_intake")
    case_transition(user=officer, case=case, name="start_assessment")
    case.refresh_from_db()
    return case


# ------------------------------------------------------------------------------------------------
# The management fee (bev): the year's budget, proposed by Invest-NL, approved by EZK
# ------------------------------------------------------------------------------------------------
def fee_approver():
    """An EZK official who approves management fees (organisational role case officer)."""
    return UserFactory(username="fee_approver", role=Role.CASE_OFFICER)


def fee_year_prepared(year: int, *, budget=Decimal("100000000.00")):
    """The year's fee budget set by an administrator (when none is set; by default the most it may be,
    the fund's committed capital) and the EZK approver made: call it before fees are charged from
    several threads at once."""
    from bev.selectors import fee_year
    from bev.services import fee_budget_set

    fee_approver()
    if not fee_year(year=year)["budget_set"]:
        fee_budget_set(user=UserFactory(username="fee_budget_admin", role=Role.ADMINISTRATOR), year=year, amount=budget)


def charge_fee(*, user, amount, idempotency_key, booked_on=None, description="", budget=Decimal("100000000.00")):
    """A management fee booked the legitimate way: the year's budget set by an administrator (when
    none is set), proposed by `user` (a fund manager) and approved by an EZK official. Returns the
    journal entry the approval booked."""
    from bev.services import fee_approve, fee_propose

    fee_year_prepared((booked_on or timezone.localdate()).year, budget=budget)
    fee = fee_propose(
        user=user, amount=amount, idempotency_key=idempotency_key, booked_on=booked_on, description=description
    )
    return fee_approve(user=fee_approver(), fee=fee).entry


def reverse_four_eyes(entry, *, proposer, approver, reason="Correctie", idempotency_key=None, booked_on=None):
    """The reversal of an entry booked under four eyes (a disbursement, a management fee), the way the
    service allows it: proposed by one person, approved (and so booked) by another. Returns the
    reversing entry."""
    from bev.services import reversal_approve, reversal_propose

    proposal = reversal_propose(
        user=proposer,
        entry=entry,
        reason=reason,
        idempotency_key=idempotency_key or f"factory-reversal-{entry.pk}",
        booked_on=booked_on,
    )
    return reversal_approve(user=approver, proposal=proposal).reversal

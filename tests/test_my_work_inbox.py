""" "Mijn werk" is an inbox of real tasks per person (issue 23): what waits on *them*, by their role on
the case and never the approval of what they prepared themselves (four eyes), each with its due date
and the page of the action; the menu shows how many."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case
from cases.services import cabinet_decision_confirm, cabinet_decision_record

from .factories import case_to_investment_preparation, fund_with_tranches, start_risk_assessment, web_session

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r"<tr[^>]*>\s*<td>(?P<kind>.*?)</td>\s*<td><a href=\"(?P<url>[^\"]*)\">(?P<title>.*?)</a></td>"
    r"\s*<td>(?P<what>.*?)</td>\s*<td>(?P<due>.*?)</td>",
    re.S,
)
COUNT = re.compile(r'class="nav-count"[^>]*>(\d+)<')


def inbox(client, user) -> list[dict]:
    """The rows of the person's "Mijn werk", checked against the count in the menu."""
    client.logout()
    body = web_session(client, user).get(reverse("core:home")).content.decode()
    rows = [m.groupdict() for m in ROW.finditer(body)]
    count = COUNT.search(body)
    assert (int(count.group(1)) if count else 0) == len(rows), "the menu counts what the inbox lists"
    return rows


def kinds(rows, case) -> list[str]:
    return [re.sub(r"<.*", "", r["kind"]).strip() + ": " + r["what"] for r in rows if case.reference in r["title"]]


def to_state(case, state: str) -> Case:
    Case.objects.filter(pk=case.pk).update(state=state)
    return Case.objects.get(pk=case.pk)


def test_a_new_signal_waits_on_the_case_officers_only(client, case, officer, officer2, assessor, secretariat, manager):
    assert kinds(inbox(client, officer), case) == ["Statusovergang: Intake starten"]
    assert kinds(inbox(client, officer2), case) == ["Statusovergang: Intake starten"]
    for other in (assessor, secretariat, manager):
        assert kinds(inbox(client, other), case) == []


def test_withdrawing_is_no_task(client, case, officer):
    start_risk_assessment(case, officer=officer)
    rows = inbox(client, officer)
    assert not any("Ingetrokken" in r["what"] or "Niet ontvankelijk" in r["what"] for r in rows)
    assert kinds(rows, case) == []  # the assessment is the assessors' work now


def test_a_case_entering_risk_assessment_waits_on_its_assessors(client, case, officer, assessor, assessor2):
    from assessments.services import assessment_start
    from cases.services import current_clock
    from core.formatting import date_nl

    start_risk_assessment(case, officer=officer)
    rows = inbox(client, assessor)
    assert kinds(rows, case) == ["Risico-inschatting opstellen: Risico-inschatting"]
    assert date_nl(current_clock(case).due_at) in rows[0]["due"]
    assert rows[0]["url"] == reverse("assessments:case", args=[case.pk])
    assert kinds(inbox(client, assessor2), case) == ["Risico-inschatting opstellen: Risico-inschatting"]

    assessment_start(user=assessor, case=case)
    assert kinds(inbox(client, assessor), case) == ["Risico-inschatting afronden: Risico-inschatting"]
    assert kinds(inbox(client, assessor2), case) == ["Scores geven: Risico-inschatting"]


def test_the_author_of_an_assessment_does_not_see_its_approval(client, case, officer, assessor, assessor2):
    from assessments.services import assessment_start, assessment_submit

    from .factories import fill_initial_assessment

    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    assessment_submit(user=assessor, assessment=assessment)
    assert kinds(inbox(client, assessor), case) == []
    assert kinds(inbox(client, assessor2), case) == ["Vier ogen: risico-inschatting beoordelen: Risico-inschatting"]


def test_a_case_waiting_for_a_kabinetsbesluit_waits_on_the_secretariat(
    client, case, officer, secretariat, secretariat2, assessor
):
    case = to_state(case, "cabinet_decision")
    for person in (secretariat, secretariat2):
        [row] = [r for r in inbox(client, person) if case.reference in r["title"]]
        assert row["kind"].startswith("Kabinetsbesluit vastleggen")
        assert row["url"] == reverse("cases:detail", args=[case.pk]) + "#cabinet-decision"
    assert kinds(inbox(client, officer), case) == []
    assert kinds(inbox(client, assessor), case) == []

    decision = cabinet_decision_record(
        user=secretariat,
        case=case,
        meeting_date=date.today(),
        reference="MR-1",
        deploy=True,
        instruments=["equity"],
        max_amount=Decimal("1000000"),
    )
    assert kinds(inbox(client, secretariat), case) == []  # waits on a colleague
    [row] = [r for r in inbox(client, secretariat2) if case.reference in r["title"]]
    assert row["kind"].startswith("Vier ogen: kabinetsbesluit bevestigen")
    assert row["url"] == reverse("cases:decision_confirm", args=[case.pk, decision.pk])

    cabinet_decision_confirm(user=secretariat2, decision=decision)
    expected = ["Statusovergang: Investering laten voorbereiden"]
    assert kinds(inbox(client, secretariat), case) == expected  # no second kabinetsbesluit asked for
    assert kinds(inbox(client, officer), case) == expected


def test_the_proposer_does_not_see_the_approval_of_their_proposal(
    client, case, officer, officer2, manager, manager2, secretariat, secretariat2
):
    from bev.services import disbursement_propose, investment_proposal_propose, position_create

    fund_with_tranches(user=manager)
    case = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, propose=False)
    assert [k.split(":")[0] for k in kinds(inbox(client, manager), case)] == ["Investeringsvoorstel indienen"]
    investment_proposal_propose(
        user=manager,
        case=case,
        instrument="equity",
        amount=Decimal("2000000"),
        terms="Minderheidsbelang.",
        valuation_basis="Laatste ronde.",
    )
    assert kinds(inbox(client, manager), case) == []
    assert kinds(inbox(client, officer2), case) == ["Vier ogen: investeringsvoorstel goedkeuren: € 2.000.000"]

    from bev.models import InvestmentProposal
    from bev.services import investment_proposal_approve

    investment_proposal_approve(user=officer2, proposal=InvestmentProposal.objects.get(case=case))
    assert kinds(inbox(client, manager2), case) == ["Investering uitvoeren: € 2.000.000"]
    position = position_create(user=manager, case=case, instrument="equity", ownership_percent=Decimal("10"))
    disbursement_propose(user=manager, position=position, amount=Decimal("1500000"), idempotency_key="inbox-1")
    assert kinds(inbox(client, manager), case) == []
    [row] = [r for r in inbox(client, manager2) if case.reference in r["title"]]
    assert row["kind"].startswith("Vier ogen: uitbetaling goedkeuren")
    assert row["url"] == reverse("bev:position", args=[position.pk]) + "#disbursements"
    # In English the amount is written the English way (it was "€ 1.500.000" on the English inbox).
    client.logout()
    english = web_session(client, manager2).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Four eyes: approve a disbursement" in english and "€1,500,000" in english
    assert "€ 1.500.000" not in english


def test_the_menu_counts_the_tasks(client, case, officer):
    body = web_session(client, officer).get(reverse("cases:list")).content.decode()
    assert COUNT.search(body).group(1) == "1"


def test_the_investment_is_due_before_the_kabinetsbesluit_lapses(client, case, manager, secretariat, secretariat2):
    from datetime import timedelta

    from django.utils import timezone

    from core.formatting import date_nl

    fund_with_tranches(user=manager)
    lapses = timezone.localdate() + timedelta(days=20)
    case = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, propose=False, lapses_on=lapses
    )
    [row] = [r for r in inbox(client, manager) if case.reference in r["title"]]
    assert row["kind"].startswith("Investeringsvoorstel indienen")
    assert date_nl(lapses) in row["due"]


def test_a_sale_order_waits_on_the_other_secretary(client, case, secretariat, secretariat2):
    """A kabinetsbesluit ordering the stake's sale is recorded while the stake is held (monitoring);
    its confirmation waits on the other secretary's "Mijn werk" like a decision to deploy (it was
    listed only at the cabinet stages: mailed, but on nobody's inbox)."""
    case = to_state(case, "monitoring")
    decision = cabinet_decision_record(
        user=secretariat, case=case, meeting_date=date.today(), reference="MR-VERKOOP", deploy=False, orders_sale=True
    )
    confirm = "Vier ogen: kabinetsbesluit bevestigen: MR-VERKOOP"
    assert confirm not in kinds(inbox(client, secretariat), case)  # never its recorder
    [row] = [r for r in inbox(client, secretariat2) if case.reference in r["title"] and "MR-VERKOOP" in r["what"]]
    assert row["url"] == reverse("cases:decision_confirm", args=[case.pk, decision.pk])
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    assert confirm not in kinds(inbox(client, secretariat2), case)


def test_a_proposal_at_the_cabinet_again_is_no_task(client, case, officer2, manager, secretariat, secretariat2):
    """While the case is back at the cabinet for a follow-on decision no money goes in, so Invest-NL's
    open proposal is no approval task (bev.services.investment_proposal_approve refuses it there)."""
    from bev.services import investment_proposal_propose

    fund_with_tranches(user=manager)
    case = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, propose=False)
    investment_proposal_propose(
        user=manager, case=case, instrument="equity", amount=Decimal("2000000"), terms="T.", valuation_basis="V."
    )
    approve = "Vier ogen: investeringsvoorstel goedkeuren: € 2.000.000"
    assert approve in kinds(inbox(client, officer2), case)
    case = to_state(case, "follow_on_decision")
    assert approve not in kinds(inbox(client, officer2), case)

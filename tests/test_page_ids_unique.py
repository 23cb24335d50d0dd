"""The main pages have no id twice (tests/html_ids.py): the assessment page rendered
`<textarea id="id_rationale">` in the scope form and in the policy-goal form, so the second label
and the error summary's link pointed at the first."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from access.roles import Role
from assessments.services import assessment_start
from parliament import services as letters
from parliament.models import LetterDraft

from .factories import (
    add_liaisons,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    start_risk_assessment,
    transaction_event,
    web_session,
)
from .html_ids import assert_ids_unique, duplicate_ids

pytestmark = pytest.mark.django_db


def test_the_helper_finds_a_duplicate_id():
    page = '<label for="id_rationale"></label><textarea id="id_rationale"></textarea><input id="id_rationale">'
    assert duplicate_ids(page) == {"id_rationale": 2}
    assert duplicate_ids('<p id="a"></p><p id="b"/>') == {}


def test_the_case_page(client, officer, case):
    web_session(client, officer)
    assert_ids_unique(client.get(reverse("cases:detail", args=[case.pk])))


def test_the_assessment_page_with_its_scope_and_policy_goal_forms(client, officer, assessor, case):
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    web_session(client, assessor)
    response = client.get(reverse("assessments:detail", args=[assessment.pk]))
    page = response.content.decode()
    assert "Reikwijdte vastleggen" in page and 'id="policy-goal"' in page  # both forms are there
    assert page.count("Onderbouwing") >= 2
    assert_ids_unique(response)


def test_the_assessment_page_with_a_refused_form(client, officer, assessor, case):
    """Re-rendered with the error summary: its link goes to the field of the form that was refused."""
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    web_session(client, assessor)
    response = client.post(
        reverse("assessments:act", args=[assessment.pk, "policy_goal"]),
        {"policy_goal-crucial": "yes", "policy_goal-rationale": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_policy_goal-rationale"' in page and 'id="id_policy_goal-rationale"' in page
    assert duplicate_ids(page) == {}


def test_the_position_page(client, case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=Decimal("10000000.00"))
    web_session(client, manager)
    assert_ids_unique(client.get(reverse("bev:position", args=[position.pk])))


def test_the_letter_page(client, case, officer, manager, make_user):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = letters.letter_requests_create(event=transaction_event(case, user=manager))
    letters.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    web_session(client, kamer)
    assert_ids_unique(client.get(reverse("parliament:letter", args=[letter.pk])))
    assert_ids_unique(client.get(reverse("parliament:edit", args=[letter.pk])))

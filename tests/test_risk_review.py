"""The risk review (monitoring) answers what decides whether the risk has become manageable
(framework v2, assessments.review_framework), with reasons and four eyes; reviews pinned to v1 keep v1's rule.

Letter 2023: "Zodra de risico's voor de nationale veiligheid tot op een beheersbaar niveau zijn
gebracht, zal de overheid haar belang ... afbouwen"; "als de risico's ... tot een aanvaardbaar niveau
zijn afgenomen".
"""

from decimal import Decimal

import pytest

from assessments.models import Assessment, FrameworkVersion
from assessments.services import (
    assessment_approve,
    assessment_score,
    assessment_start,
    assessment_submit,
)
from bev.services import follow_up_add, follow_up_set_status
from cases.models import Case
from core.exceptions import Conflict

from .factories import (
    answer_review_checks,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    score_all_indicators,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitored(case):
    Case.objects.filter(pk=case.pk).update(state="monitoring")
    return Case.objects.get(pk=case.pk)


def review_with(case, lead, **answers):
    review = assessment_start(user=lead, case=case, kind="risk_review")
    answer_review_checks(review, lead=lead, **answers)
    return review


def test_a_new_review_uses_the_current_version_and_asks_the_review_questions(assessor, monitored):
    review = assessment_start(user=assessor, case=monitored, kind="risk_review")
    assert review.framework.number == 4  # v3 and v4 (migrations 0005, 0006) keep v2's review questions
    assert review.framework.framework.reviews_by_questions
    assert sorted(review.checks.values_list("code", flat=True)) == sorted(
        [
            "state_actor_influence_ended",
            "covered_by_other_instrument",
            "trustworthy_market_party",
            "buyer_no_strategic_behaviour",
            "cabinet_conditions_settled",
        ]
    )


def test_all_answers_yes_concludes_manageable_with_the_reasons(assessor, assessor2, monitored):
    review = review_with(monitored, assessor, answer="yes")
    assessment_submit(user=assessor, assessment=review)
    review = assessment_approve(user=assessor2, assessment=review)
    assert review.risk_manageable is True
    assert "beheersbaar (aanvaardbaar)" in review.result["explanation"]
    assert "Betrouwbare private koper of financiering in de markt: Betrouwbare" in review.result["explanation"]


def test_either_way_of_removing_the_threat_suffices(assessor, monitored):
    from assessments.selectors import assessment_compute

    review = review_with(monitored, assessor, answer="yes", state_actor_influence_ended="no")
    assert assessment_compute(review)["risk_manageable"] is True  # screening now covers the company


@pytest.mark.parametrize(
    "answers",
    [
        {"state_actor_influence_ended": "no", "covered_by_other_instrument": "no"},
        {"trustworthy_market_party": "no"},
        {"buyer_no_strategic_behaviour": "no"},
        {"cabinet_conditions_settled": "no"},
    ],
)
def test_a_failing_answer_concludes_not_manageable(assessor, assessor2, monitored, answers):
    review = review_with(monitored, assessor, answer="yes", **answers)
    assessment_submit(user=assessor, assessment=review)
    review = assessment_approve(user=assessor2, assessment=review)
    assert review.risk_manageable is False
    assert "nog niet tot een beheersbaar niveau" in review.result["explanation"]


def test_no_conclusion_while_a_question_is_open(assessor, monitored):
    review = review_with(monitored, assessor, answer="yes", trustworthy_market_party="undetermined")
    with pytest.raises(Conflict) as refused:
        assessment_submit(user=assessor, assessment=review)
    assert refused.value.code == "insufficient_information"


def test_the_lead_never_approves_their_own_review(api, assessor, monitored):
    review = review_with(monitored, assessor, answer="yes")
    assessment_submit(user=assessor, assessment=review)
    response = api(assessor).post(f"/api/assessments/{review.pk}/approve/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    assert Assessment.objects.get(pk=review.pk).status == "submitted"


def test_an_answer_needs_its_reason(api, assessor, monitored):
    review = assessment_start(user=assessor, case=monitored, kind="risk_review")
    response = api(assessor).put(
        f"/api/assessments/{review.pk}/checks/trustworthy_market_party/",
        {"answer": "yes", "rationale": ""},
        format="json",
    )
    assert response.status_code == 400 and "rationale" in response.json()


def test_the_review_no_longer_rescores_importance(assessor, monitored):
    review = assessment_start(user=assessor, case=monitored, kind="risk_review")
    with pytest.raises(Conflict) as refused:
        assessment_score(user=assessor, assessment=review, indicator="vital_processes", level=1, rationale="Laag.")
    assert refused.value.code == "not_applicable"


def test_open_cabinet_conditions_refuse_the_answer_that_they_are_met(
    case, officer, assessor, assessor2, manager, manager2, secretariat, secretariat2
):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=Decimal("1000000"))
    condition = follow_up_add(
        user=manager,
        position=position,
        what="condition",
        owner=manager,
        description="Geen zetel in de raad van commissarissen voor de investeerder.",
    )
    Case.objects.filter(pk=case.pk).update(state="monitoring")
    review = review_with(Case.objects.get(pk=case.pk), assessor, answer="yes")
    with pytest.raises(Conflict) as refused:
        assessment_submit(user=assessor, assessment=review)
    assert refused.value.code == "cabinet_conditions_open"
    follow_up_set_status(user=manager, item=condition, status="met")
    assessment_submit(user=assessor, assessment=review)
    assert assessment_approve(user=assessor2, assessment=review).risk_manageable is True


def test_a_review_pinned_to_v1_keeps_v1s_rule(assessor, assessor2, monitored):
    """An assessment made before v2 was published keeps its version and its rule."""
    v1 = FrameworkVersion.objects.get(number=1)
    review = assessment_start(user=assessor, case=monitored, kind="risk_review")
    review.checks.all().delete()  # as a v1 review was made: without findings
    Assessment.objects.filter(pk=review.pk).update(framework=v1)
    review = Assessment.objects.get(pk=review.pk)
    score_all_indicators(review, assessor=assessor, level=1)
    assessment_submit(user=assessor, assessment=review)
    review = assessment_approve(user=assessor2, assessment=review)
    assert review.framework.number == 1
    assert review.risk_level == "laag" and review.risk_manageable is True

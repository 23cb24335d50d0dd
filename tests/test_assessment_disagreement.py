"""Several assessors score independently; the view shows the scores side by side and flags
disagreement (two levels or more apart) until the lead assessor settles it."""

import pytest

from assessments.services import assessment_start

from .factories import fill_initial_assessment, start_risk_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(officer, assessor, case):
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor, level=3)
    return assessment


def score(client, assessment, indicator, level, rationale="Eigen beoordeling."):
    return client.post(
        f"/api/assessments/{assessment.pk}/scores/",
        {"indicator": indicator, "level": level, "rationale": rationale},
        format="json",
    )


def row(board, code):
    return next(r for r in board if r["code"] == code)


def test_scores_side_by_side_with_disagreement_flagged(api, assessor, assessor2, assessment):
    response = score(api(assessor2), assessment, "vital_processes", 1, "Geen vitaal proces geraakt.")
    assert response.status_code == 201
    board = api(assessor).get(f"/api/assessments/{assessment.pk}/scores/").json()
    vital = row(board, "vital_processes")
    assert [(s["assessor"], s["level"]) for s in vital["scores"]] == [("assessor", 3), ("assessor2", 1)]
    assert vital["scores"][1]["rationale"] == "Geen vitaal proces geraakt."
    assert vital["spread"] == 2 and vital["disagreement"] is True
    assert vital["final_level"] is None and vital["how"] == "disagreement"
    other = row(board, "ecosystem_position")
    assert other["disagreement"] is False and other["final_level"] == 3
    detail = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()
    assert detail["disagreements"] == ["vital_processes"]
    assert detail["result"]["outcome"] == "insufficient_information"
    assert api(assessor).post(f"/api/assessments/{assessment.pk}/submit/").status_code == 409


def test_one_level_apart_is_not_a_disagreement(api, assessor, assessor2, assessment):
    score(api(assessor2), assessment, "vital_processes", 2)
    vital = row(api(assessor).get(f"/api/assessments/{assessment.pk}/scores/").json(), "vital_processes")
    assert vital["spread"] == 1 and vital["disagreement"] is False
    assert vital["final_level"] == 3  # ties go to the higher level


def test_the_lead_settles_and_the_settlement_counts(api, assessor, assessor2, assessment):
    score(api(assessor2), assessment, "vital_processes", 1)
    # Only the lead settles.
    r = api(assessor2).post(
        f"/api/assessments/{assessment.pk}/settle/",
        {"indicator": "vital_processes", "level": 1, "rationale": "x"},
        format="json",
    )
    assert r.status_code == 403
    r = api(assessor).post(
        f"/api/assessments/{assessment.pk}/settle/",
        {"indicator": "vital_processes", "level": 2, "rationale": "Datacentrum is vervangbaar binnen een jaar."},
        format="json",
    )
    assert r.status_code == 200
    vital = row(r.json(), "vital_processes")
    assert vital["disagreement"] is True  # the scores still differ; the settlement is shown beside them
    assert vital["settlement"]["level"] == 2 and vital["settlement"]["settled_by"] == "assessor"
    assert vital["final_level"] == 2 and vital["how"] == "settled"
    detail = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()
    assert detail["disagreements"] == []
    assert detail["result"]["outcome"] == "deploy"
    # Version 2: the highest core indicator decides (3, 3, 2, 3 -> 3); under v1 the mean was 2.75.
    assert detail["result"]["risk_score"] == "3.00"
    assert api(assessor).post(f"/api/assessments/{assessment.pk}/submit/").status_code == 200


def test_scoring_again_replaces_ones_own_score(api, assessor2, assessment):
    score(api(assessor2), assessment, "vital_processes", 1)
    board = score(api(assessor2), assessment, "vital_processes", 3).json()
    assert [s["level"] for s in row(board, "vital_processes")["scores"]] == [3, 3]


def test_drivers_name_the_indicators_that_weigh_most(api, assessor, assessment):
    score(api(assessor), assessment, "vital_processes", 4)
    result = api(assessor).get(f"/api/assessments/{assessment.pk}/outcome/").json()
    risk = [d for d in result["drivers"] if d["effect"] == "risk"]
    assert risk[0]["code"] == "vital_processes" and risk[0]["value"] == 4
    assert "Belang voor vitale processen" in result["explanation"]

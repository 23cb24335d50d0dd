"""Finalisation under four eyes: the lead submits, a different assessor approves or returns it.
Approved assessments never change; a change is a new revision linked to the old one."""

import pytest

from assessments.constants import AssessmentStatus
from assessments.models import Assessment, AssessmentReview
from assessments.services import assessment_start, assessment_submit
from audit.models import AuditRecord

from .factories import approve_assessment, fill_initial_assessment, start_risk_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(officer, assessor, case):
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    return assessment_submit(user=assessor, assessment=assessment)


def test_the_lead_cannot_approve_their_own_assessment(api, assessor, submitted):
    response = api(assessor).post(f"/api/assessments/{submitted.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "four_eyes"
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert not AssessmentReview.objects.filter(assessment=submitted).exists()


def test_a_different_assessor_approves_and_the_result_is_frozen(api, assessor2, submitted):
    response = api(assessor2).post(f"/api/assessments/{submitted.pk}/approve/", {"comments": "Akkoord."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["approved_by"] == "assessor2"
    assert body["result"]["outcome"] == "deploy"
    assert (
        body["result"]["framework"]["number"] == 4
    )  # the current version: v3 (assessments/migrations/0005_framework_version_3.py)
    assert body["reviews"][-1]["decision"] == "approved"
    assert AuditRecord.objects.filter(event="assessment.approve", case_id=submitted.case_id).count() == 1


def test_other_roles_cannot_approve(api, officer, submitted):
    assert api(officer).post(f"/api/assessments/{submitted.pk}/approve/", {}, format="json").status_code == 403


def test_return_needs_comments_and_sends_it_back_to_draft(api, assessor, assessor2, submitted):
    client = api(assessor2)
    response = client.post(f"/api/assessments/{submitted.pk}/return/", {}, format="json")
    assert response.status_code == 400
    assert "comments" in response.json()
    response = client.post(
        f"/api/assessments/{submitted.pk}/return/",
        {"comments": "Onderbouw de toets op marktfinanciering."},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["reviews"][-1] == {
        **body["reviews"][-1],
        "decision": "returned",
        "comments": "Onderbouw de toets op marktfinanciering.",
        "reviewer": "assessor2",
    }
    # Back in draft: the lead can change it again and resubmit.
    r = api(assessor).put(
        f"/api/assessments/{submitted.pk}/checks/no_market_financing/",
        {"answer": "yes", "rationale": "Drie partijen benaderd, geen bod."},
        format="json",
    )
    assert r.status_code == 200
    assert api(assessor).post(f"/api/assessments/{submitted.pk}/submit/").status_code == 200


def test_the_lead_cannot_return_their_own(api, assessor, submitted):
    r = api(assessor).post(f"/api/assessments/{submitted.pk}/return/", {"comments": "x"}, format="json")
    assert r.status_code == 403


def test_a_submitted_assessment_cannot_be_edited(api, assessor, submitted):
    r = api(assessor).put(
        f"/api/assessments/{submitted.pk}/conditions/state_actor_influence/",
        {"status": "not_met", "rationale": "x"},
        format="json",
    )
    assert r.status_code == 409


def test_insufficient_information_cannot_be_submitted(api, officer, assessor, case):
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    response = api(assessor).post(f"/api/assessments/{assessment.pk}/submit/")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_information"
    assert "national_security_risk" in response.json()["extra"]["missing"]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_approved_assessments_never_change(api, officer, assessor, assessor2, case):
    start_risk_assessment(case, officer=officer)
    approved = approve_assessment(case, lead=assessor, approver=assessor2)
    client = api(assessor)
    for method, url, data in [
        (
            "put",
            f"/api/assessments/{approved.pk}/conditions/national_security_risk/",
            {"status": "not_met", "rationale": "x"},
        ),
        ("put", f"/api/assessments/{approved.pk}/checks/proportionality/", {"answer": "no", "rationale": "x"}),
        (
            "post",
            f"/api/assessments/{approved.pk}/scores/",
            {"indicator": "vital_processes", "level": 0, "rationale": "x"},
        ),
        (
            "post",
            f"/api/assessments/{approved.pk}/settle/",
            {"indicator": "vital_processes", "level": 0, "rationale": "x"},
        ),
        ("put", f"/api/assessments/{approved.pk}/scope/", {"scope_ground": "", "confirmed": None}),
        ("post", f"/api/assessments/{approved.pk}/submit/", {}),
    ]:
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 409, (url, response.json())
    approved.refresh_from_db()
    assert approved.status == AssessmentStatus.APPROVED and approved.outcome == "deploy"


def test_a_change_is_a_new_revision_linked_to_the_old_one(api, officer, assessor, assessor2, case):
    start_risk_assessment(case, officer=officer)
    old = approve_assessment(case, lead=assessor, approver=assessor2)
    response = api(assessor).post(f"/api/assessments/{old.pk}/revise/")
    assert response.status_code == 201
    new = response.json()
    assert new["revision"] == 2 and new["previous_id"] == old.pk and new["status"] == "draft"
    assert new["framework"]["number"] == old.framework.number == 4
    # The inputs are carried over; the old one is untouched and still the approved one.
    assert new["result"]["outcome"] == "deploy"
    from assessments.selectors import approved_outcome_for_case

    api(assessor).put(
        f"/api/assessments/{new['id']}/conditions/state_actor_influence/",
        {"status": "not_met", "rationale": "Nieuwe informatie: geen statelijke actor."},
        format="json",
    )
    assert approved_outcome_for_case(case.pk) == "deploy"
    old.refresh_from_db()
    assert old.result["outcome"] == "deploy"
    history = api(assessor).get(f"/api/assessments/{new['id']}/history/").json()
    assert [h["revision"] for h in history] == [1, 2]
    # Approving the revision makes it the case's outcome.
    api(assessor).post(f"/api/assessments/{new['id']}/submit/")
    api(assessor2).post(f"/api/assessments/{new['id']}/approve/", {}, format="json")
    assert approved_outcome_for_case(case.pk) == "do_not_deploy"
    assert api(assessor).post(f"/api/assessments/{old.pk}/revise/").status_code == 409  # already revised


def test_only_one_open_assessment_per_case(api, officer, assessor, assessor2, case):
    start_risk_assessment(case, officer=officer)
    assert api(assessor).post("/api/assessments/", {"case": case.pk}, format="json").status_code == 201
    response = api(assessor2).post("/api/assessments/", {"case": case.pk}, format="json")
    assert response.status_code == 409
    assert Assessment.objects.filter(case=case).count() == 1


def test_only_the_lead_records_findings_but_every_assessor_scores(api, officer, assessor, assessor2, case):
    start_risk_assessment(case, officer=officer)
    aid = api(assessor).post("/api/assessments/", {"case": case.pk}, format="json").json()["id"]
    r = api(assessor2).put(
        f"/api/assessments/{aid}/conditions/national_security_risk/", {"status": "met", "rationale": "x"}, format="json"
    )
    assert r.status_code == 403
    r = api(assessor2).post(
        f"/api/assessments/{aid}/scores/",
        {"indicator": "vital_processes", "level": 2, "rationale": "Eigen oordeel."},
        format="json",
    )
    assert r.status_code == 201


def test_bad_input_is_a_field_error_and_changes_nothing(api, officer, assessor, case):
    start_risk_assessment(case, officer=officer)
    aid = api(assessor).post("/api/assessments/", {"case": case.pk}, format="json").json()["id"]
    client = api(assessor)
    cases = [
        (f"/api/assessments/{aid}/scores/", {"indicator": "vital_processes", "level": 9, "rationale": "x"}, "level"),
        (f"/api/assessments/{aid}/scores/", {"indicator": "nope", "level": 2, "rationale": "x"}, "indicator"),
        (f"/api/assessments/{aid}/scores/", {"indicator": "vital_processes", "level": 2, "rationale": ""}, "rationale"),
    ]
    for url, data, field in cases:
        response = client.post(url, data, format="json")
        assert response.status_code == 400 and field in response.json(), response.json()
    r = client.put(f"/api/assessments/{aid}/conditions/national_security_risk/", {"status": "met"}, format="json")
    assert r.status_code == 400 and "rationale" in r.json()
    r = client.put(
        f"/api/assessments/{aid}/conditions/national_security_risk/",
        {"status": "maybe", "rationale": "x"},
        format="json",
    )
    assert r.status_code == 400 and "status" in r.json()
    r = client.put(
        f"/api/assessments/{aid}/scope/", {"scope_ground": "", "confirmed": True, "rationale": "x"}, format="json"
    )
    assert r.status_code == 400 and "scope_ground" in r.json()
    detail = client.get(f"/api/assessments/{aid}/").json()
    assert all(not row["scores"] for row in detail["indicators"])
    assert all(row["status"] == "undetermined" for row in detail["conditions"])
    assert detail["scope"]["confirmed"] is None


def test_evidence_can_point_at_documents_of_this_case_only(api, officer, assessor, case, make_user):
    from documents.services import document_upload

    from .factories import make_case

    start_risk_assessment(case, officer=officer)
    own = document_upload(
        user=officer,
        case=case,
        title="AIVD-ambtsbericht",
        document_type="memo",
        content=b"Ambtsbericht",
        filename="ambtsbericht.txt",
    )
    other_case = make_case(officer=officer)
    foreign = document_upload(
        user=officer,
        case=other_case,
        title="Ander dossier",
        document_type="memo",
        content=b"Elders",
        filename="elders.txt",
    )
    aid = api(assessor).post("/api/assessments/", {"case": case.pk}, format="json").json()["id"]
    url = f"/api/assessments/{aid}/conditions/state_actor_influence/"
    response = api(assessor).put(
        url,
        {"status": "met", "rationale": "Zie ambtsbericht.", "evidence": [{"document_id": foreign.pk}]},
        format="json",
    )
    assert response.status_code == 400 and "evidence" in response.json()
    response = api(assessor).put(
        url, {"status": "met", "rationale": "Zie ambtsbericht.", "evidence": [{"document_id": own.pk}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["evidence"] == [
        {"title": "AIVD-ambtsbericht", "source": "", "url": "", "document_id": own.pk}
    ]

"""The API takes JSON. A form-encoded body is read by DRF with HTML-form semantics (a missing
checkbox is False, a missing text is ""), so a cabinet decision without `deploy` was recorded as a
decision not to deploy and `foo=bar` wiped a recorded answer. Such a body is refused (415) and
changes nothing; only the document uploads take multipart, because they carry a file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.services import assessment_set_policy_goal, assessment_start
from cases.models import CabinetDecision, Case
from documents.models import Document

from .factories import sample_pdf, start_risk_assessment, use_tmp_document_storage

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def test_a_form_encoded_cabinet_decision_is_refused_and_nothing_is_recorded(api, secretariat, case):
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    url = f"/api/cases/{case.pk}/cabinet-decisions/"
    response = api(secretariat).post(url, "meeting_date=2026-12-04&reference=MR+2026%2F51", content_type=FORM)
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"
    assert not CabinetDecision.objects.filter(case=case).exists()
    multipart = api(secretariat).post(
        url, {"meeting_date": "2026-12-04", "reference": "MR 2026/51"}, format="multipart"
    )
    assert multipart.status_code == 415, multipart.content
    assert not CabinetDecision.objects.filter(case=case).exists()
    # The same body as JSON names the missing choice.
    as_json = api(secretariat).post(url, {"meeting_date": "2026-12-04", "reference": "MR 2026/51"}, format="json")
    assert as_json.status_code == 400 and "deploy" in as_json.json()


def test_a_form_encoded_answer_does_not_wipe_the_recorded_one(api, officer, assessor, case):
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    assessment_set_policy_goal(user=assessor, assessment=assessment, crucial=True, rationale="Enige producent.")
    response = api(assessor).put(f"/api/assessments/{assessment.pk}/policy-goal/", "foo=bar", content_type=FORM)
    assert response.status_code == 415, response.content
    assessment.refresh_from_db()
    assert assessment.policy_goal_crucial is True and assessment.policy_goal_rationale == "Enige producent."


def test_document_uploads_take_multipart_only(api, officer, case, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    url = f"/api/cases/{case.pk}/documents/"
    fields = {"title": "Memo", "document_type": "memo"}
    assert api(officer).post(url, "title=Memo&document_type=memo", content_type=FORM).status_code == 415
    assert api(officer).post(url, fields, format="json").status_code == 415
    assert not Document.objects.filter(case=case).exists()
    upload = {"file": SimpleUploadedFile("memo.pdf", sample_pdf()), **fields}
    response = api(officer).post(url, upload, format="multipart")
    assert response.status_code == 201, response.json()
    # The document's other actions (no file) take JSON only.
    withdraw = api(officer).post(
        f"{url}{response.json()['id']}/versions/1/withdraw/", {"reason": "x"}, format="multipart"
    )
    assert withdraw.status_code == 415, withdraw.content

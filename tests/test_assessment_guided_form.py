"""The risk assessment as a guided form (issue 23): a progress list computed from the submit rules,
the submit at the end naming exactly what is missing (web and API), the departments' advice beside
the outcome, an advisor of the ministry asked, Dutch numbers and labels instead of codes."""

from datetime import timedelta
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from assessments.models import Assessment, ConsultationRequest
from assessments.selectors import assessment_open_items, assessment_progress
from assessments.services import assessment_start, consultation_answer, consultation_request
from cases.services import case_team_add

from .factories import approve_assessment, fill_initial_assessment, start_risk_assessment, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(case, officer, assessor):
    start_risk_assessment(case, officer=officer)
    return assessment_start(user=assessor, case=case)


@pytest.fixture
def jenv_advisor(make_user, officer, case):
    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    return advisor


def page(client, user, assessment) -> str:
    web_session(client, user)
    response = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(body: str, anchor: str) -> str:
    """The progress list's line of one section."""
    begin = body.index('id="progress"')
    progress = body[begin : body.index("</nav>", begin)]
    start = progress.index(f'href="#{anchor}"')
    end = progress.find("<li><a href=", start + 1)
    return progress[start : end if end != -1 else len(progress)]


# ---------------------------------------------------------------------------------------------
# The progress list
# ---------------------------------------------------------------------------------------------
def test_the_progress_list_names_what_an_empty_assessment_misses(client, assessor, assessment):
    body = page(client, assessor, assessment)
    for anchor in ("scope", "conditions", "indicators", "checks", "consultations", "outcome"):
        line = _section(body, anchor)
        assert "ontbreekt" in line and "gereed" not in line, (anchor, line)
    assert "De reikwijdtegrond is nog niet bevestigd." in _section(body, "scope")
    assert "Voorwaarde nog niet vastgesteld." in _section(body, "conditions")
    assert "Nog niet gescoord." in _section(body, "indicators")
    assert "Toets nog niet beantwoord." in _section(body, "checks")
    # the submit sits at the end of the page, after the consultation section
    assert body.index('id="submit"') > body.index('id="consultations"') > body.index('id="outcome"')


def test_the_progress_list_marks_a_complete_assessment_done(client, assessor, assessment):
    fill_initial_assessment(assessment, lead=assessor)
    assessment.refresh_from_db()
    body = page(client, assessor, assessment)
    for anchor in ("scope", "conditions", "indicators", "checks", "consultations", "outcome", "submit"):
        line = _section(body, anchor)
        assert "gereed" in line and "ontbreekt" not in line, (anchor, line)
    assert assessment_progress(assessment=assessment)["may_submit"]


def test_the_page_and_the_service_apply_the_same_rules(api, assessor, assessment, jenv_advisor):
    """One rule set: what the page lists as blocking is what the submit refuses on."""
    fill_initial_assessment(assessment, lead=assessor)
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=jenv_advisor,
        question="?",
        covers=["vital_processes"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    assessment.refresh_from_db()
    blocking = [i["code"] for i in assessment_open_items(assessment) if i["blocks_submit"]]
    assert blocking == [f"consultation_{request.pk}"]
    response = api(assessor).post(f"/api/assessments/{assessment.pk}/submit/")
    assert response.status_code == 409 and response.json()["code"] == "consultation_open"
    assert response.json()["extra"]["missing"] == blocking


# ---------------------------------------------------------------------------------------------
# A refused submit names each missing item
# ---------------------------------------------------------------------------------------------
def test_a_refused_submit_on_the_page_lists_the_missing_items(client, assessor, assessment):
    web_session(client, assessor)
    response = client.post(reverse("assessments:act", args=[assessment.pk, "submit"]))
    assert response.status_code == 400
    body = response.content.decode()
    submit = body[body.index('id="submit"') :]
    # one line per missing item, not one long sentence
    assert "<li>Reikwijdtegrond: De reikwijdtegrond is nog niet bevestigd.</li>" in submit
    for item in assessment.framework.framework.conditions + assessment.framework.framework.checks:
        assert escape(str(item.label)) in submit
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_a_refused_submit_in_the_api_names_the_missing_items(api, assessor, assessment):
    fill_initial_assessment(assessment, lead=assessor)
    assessment.conditions.filter(code="state_actor_influence").update(status="undetermined")
    response = api(assessor).post(f"/api/assessments/{assessment.pk}/submit/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_information"
    assert body["extra"]["missing"] == ["state_actor_influence"]
    label = str(assessment.framework.framework.condition("state_actor_influence").label)
    assert label in body["message"]
    assert body["extra"]["missing_items"] == [
        {
            "section": "conditions",
            "code": "state_actor_influence",
            "label": label,
            "text": "Voorwaarde nog niet vastgesteld.",
            "rule": "insufficient_information",
            "blocks_submit": True,
        }
    ]
    assessment.refresh_from_db()
    assert assessment.status == "draft"


# ---------------------------------------------------------------------------------------------
# The departments' advice beside the outcome
# ---------------------------------------------------------------------------------------------
def test_the_departments_advice_is_shown_beside_the_outcome(client, assessor, assessment, jenv_advisor):
    fill_initial_assessment(assessment, lead=assessor)
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=jenv_advisor,
        question="Deelt JenV de analyse?",
        covers=["vital_processes"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    consultation_answer(user=jenv_advisor, consultation=request, position="supports", advice="JenV steunt dit.")
    body = page(client, assessor, assessment)
    outcome = body[body.index('id="outcome"') : body.index('id="consultations"')]
    advice = outcome[outcome.index('id="advice"') :]
    assert "Justitie en Veiligheid (JenV)" in advice and "Steunt" in advice and "JenV steunt dit." in advice


# ---------------------------------------------------------------------------------------------
# The advisor belongs to the ministry asked
# ---------------------------------------------------------------------------------------------
def _ask(client, assessment, **overrides):
    data = {
        "ministry": "jenv",
        "advisor": "adviseur",
        "question": "Deelt uw ministerie de analyse?",
        "covers": ["vital_processes"],
        "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    data.update(overrides)
    return client.post(f"/api/assessments/{assessment.pk}/consultations/", data, format="json")


def test_an_advisor_of_another_ministry_is_refused_at_the_field(api, assessor, assessment, jenv_advisor):
    client = api(assessor)
    for overrides in ({"ministry": "bz"}, {"ministry": "other", "ministry_other": "Infrastructuur en Waterstaat"}):
        response = _ask(client, assessment, **overrides)
        assert response.status_code == 400 and "advisor" in response.json(), response.json()
        assert "JenV" in response.json()["advisor"][0]
    assert not ConsultationRequest.objects.exists()
    assert _ask(client, assessment, ministry="jenv").status_code == 201


def test_an_advisor_without_an_organisation_is_refused(api, officer, make_user, assessor, assessment):
    nobody = make_user("adviseur", Role.DEPARTMENT_ADVISOR)
    case_team_add(user=officer, case=assessment.case, member=nobody, role=Role.DEPARTMENT_ADVISOR)
    response = _ask(api(assessor), assessment)
    assert response.status_code == 400 and "advisor" in response.json()
    assert not ConsultationRequest.objects.exists()


def test_the_page_refuses_an_advisor_of_another_ministry_at_the_field(client, assessor, assessment, jenv_advisor):
    web_session(client, assessor)
    response = client.post(
        reverse("assessments:act", args=[assessment.pk, "consult"]),
        {
            "ministry": "defensie",
            "advisor": "adviseur",
            "question": "Leverancier voor Defensie?",
            "covers": ["vital_processes"],
            "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "hoort niet bij het gevraagde ministerie (Defensie)" in body
    # the form shown again offers labels, not codes
    assert str(assessment.framework.framework.indicator("vital_processes").label) in body
    assert not ConsultationRequest.objects.exists()


# ---------------------------------------------------------------------------------------------
# Dutch numbers and labels instead of codes
# ---------------------------------------------------------------------------------------------
def test_numbers_are_dutch_and_outcomes_are_labels(client, case, officer, assessor, assessor2):
    start_risk_assessment(case, officer=officer)
    approved = approve_assessment(case, lead=assessor, approver=assessor2)
    body = page(client, assessor, approved)
    assert approved.result["risk_score"] == "3.00"  # the machine value stays a plain decimal
    assert "3,00" in body and "3.00" not in body
    assert "Inzetten" in body
    assert "Goedgekeurd" in body  # the review's decision, not "approved"
    listing = client.get(reverse("assessments:case", args=[case.pk])).content.decode()
    assert "Inzetten" in listing and ">deploy<" not in listing
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("assessments:detail", args=[approved.pk])).content.decode()
    assert "3.00" in english and "Deploy" in english


def test_the_outcomes_text_uses_dutch_numbers(assessor, assessment):
    """Version 1's weighted mean names its score and contributions in the explanation."""
    from assessments.models import FrameworkVersion
    from assessments.selectors import assessment_compute

    v1 = FrameworkVersion.objects.get(number=1)
    Assessment.objects.filter(pk=assessment.pk).update(framework=v1)
    assessment.refresh_from_db()
    fill_initial_assessment(assessment, lead=assessor)
    result = assessment_compute(assessment)
    assert "gewogen score 3,00" in result["explanation"]
    assert any("bijdrage 3,00 (gewicht 1,00)" in d["text"] for d in result["drivers"])


def test_the_guided_form_in_english(client, assessor, assessment):
    web_session(client, assessor)
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Progress" in body and "Indicators and scores" in body and "Outcome and reasoning" in body
    assert "The scope ground has not been confirmed yet." in body
    assert "Cannot be submitted yet. Missing:" in body
    assert "There is no department advisor on the case team yet" in body


def test_a_risk_reviews_progress_lists_its_open_questions(client, case, assessor):
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(state="monitoring")
    review = assessment_start(user=assessor, case=Case.objects.get(pk=case.pk), kind="risk_review")
    body = page(client, assessor, review)
    assert 'href="#scope"' not in body[body.index('id="progress"') :]
    questions = _section(body, "checks")
    assert "Vragen van de risicoheroverweging" in questions and "Vraag nog niet beantwoord." in questions
    progress = assessment_progress(assessment=review)
    assert [s["key"] for s in progress["sections"]] == ["checks", "consultations", "outcome"]
    assert not progress["may_submit"]

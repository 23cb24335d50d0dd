"""Need-to-know for department advisors: on the case team with role department_advisor, they see
only the consultation requests addressed to them and the parts of the assessment those cover.
Everything else of the afwegingskader does not exist for them (404)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.roles import Role
from assessments.services import assessment_score, assessment_start, consultation_request
from cases.services import case_team_add

from .factories import fill_initial_assessment, start_risk_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor(make_user):
    return make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")


@pytest.fixture
def advisor2(make_user):
    return make_user("adviseur_bz", Role.DEPARTMENT_ADVISOR, organisation="BZ")


@pytest.fixture
def setting(officer, assessor, assessor2, advisor, advisor2, case):
    for member in (advisor, advisor2):
        case_team_add(user=officer, case=case, member=member, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    assessment_score(
        user=assessor2, assessment=assessment, indicator="vital_processes", level=2, rationale="Tweede oordeel."
    )
    due = timezone.localdate() + timedelta(days=3)
    mine = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="Deelt u de inschatting van de statelijke invloed?",
        covers=["state_actor_influence", "vital_processes"],
        due_date=due,
    )
    theirs = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="bz",
        advisor=advisor2,
        question="Diplomatieke gevolgen?",
        covers=["proportionality"],
        due_date=due,
    )
    return assessment, mine, theirs


def test_the_advisor_sees_their_request_and_only_the_parts_it_covers(api, advisor, setting):
    assessment, mine, theirs = setting
    response = api(advisor).get(f"/api/consultations/{mine.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["question"] == "Deelt u de inschatting van de statelijke invloed?"
    assert [c["code"] for c in body["parts"]["conditions"]] == ["state_actor_influence"]
    assert body["parts"]["conditions"][0]["rationale"] == "Onderbouwd met de bronnen in het dossier."
    assert [i["code"] for i in body["parts"]["indicators"]] == ["vital_processes"]
    assert "scores" not in body["parts"]["indicators"][0]  # individual assessors' scores are not shown
    assert body["parts"]["checks"] == []
    assert body["case"]["reference"] == assessment.case.reference
    assert (
        body["framework"]["number"] == 4
    )  # the current version: v4 (assessments/migrations/0006_framework_version_4.py)
    listed = api(advisor).get("/api/consultations/").json()["results"]
    assert [c["id"] for c in listed] == [mine.pk]
    from audit.models import AuditRecord

    read = AuditRecord.objects.filter(event="consultation.read", actor=advisor).get()
    assert read.case_id == assessment.case_id and read.object_id == str(mine.pk)


def test_everything_else_is_404_for_the_advisor(api, advisor, setting):
    assessment, mine, theirs = setting
    client = api(advisor)
    assert client.get(f"/api/consultations/{theirs.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/consultations/{theirs.pk}/answer/", {"position": "supports", "advice": "x"}, format="json"
        ).status_code
        == 404
    )
    for url in [
        f"/api/assessments/{assessment.pk}/",
        f"/api/assessments/{assessment.pk}/scores/",
        f"/api/assessments/{assessment.pk}/outcome/",
        f"/api/assessments/{assessment.pk}/consultations/",
        f"/api/assessments/{assessment.pk}/history/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get("/api/assessments/").json()["results"] == []
    assert (
        client.post(
            f"/api/assessments/{assessment.pk}/scores/",
            {"indicator": "vital_processes", "level": 1, "rationale": "x"},
            format="json",
        ).status_code
        == 404
    )


def test_the_advisor_answers_their_own_request(api, advisor, assessor, setting):
    assessment, mine, theirs = setting
    response = api(advisor).post(
        f"/api/consultations/{mine.pk}/answer/",
        {"position": "objects", "advice": "JenV ziet geen aanwijzing van statelijke sturing."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["position"] == "objects"
    # The team sees the answer with the assessment.
    detail = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()
    answered = next(c for c in detail["consultations"] if c["id"] == mine.pk)
    assert answered["status"] == "answered" and answered["position_label"] == "Maakt bezwaar"


def test_bad_answer_is_a_field_error(api, advisor, setting):
    _assessment, mine, _theirs = setting
    response = api(advisor).post(
        f"/api/consultations/{mine.pk}/answer/", {"position": "maybe", "advice": ""}, format="json"
    )
    assert response.status_code == 400
    assert {"position", "advice"} <= set(response.json())
    mine.refresh_from_db()
    assert mine.status == "open"


def test_an_advisor_removed_from_the_team_sees_nothing(api, officer, advisor, setting):
    from cases.services import case_team_remove

    assessment, mine, _theirs = setting
    case_team_remove(user=officer, case=assessment.case, member=advisor)
    assert api(advisor).get(f"/api/consultations/{mine.pk}/").status_code == 404


def test_the_case_team_sees_every_request(api, officer, setting):
    assessment, mine, theirs = setting
    rows = api(officer).get(f"/api/assessments/{assessment.pk}/consultations/").json()
    assert [r["id"] for r in rows] == [mine.pk, theirs.pk]


def test_outsiders_see_nothing(api, outsider, setting):
    assessment, mine, _theirs = setting
    assert api(outsider).get(f"/api/consultations/{mine.pk}/").status_code == 404
    assert api(outsider).get(f"/api/assessments/{assessment.pk}/").status_code == 404

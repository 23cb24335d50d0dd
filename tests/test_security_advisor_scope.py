"""Department advisors see only the part of the assessment they were consulted on, through every
URL of the service (API, web UI, admin, downloads), not only the consultation endpoints.

The walk reuses tests/test_url_walk.py: every GET URL, path parameters filled with the ids of the
case, its assessment and consultations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.roles import Role
from assessments.services import assessment_score, assessment_start, consultation_request
from cases.services import case_team_add

from .factories import fill_initial_assessment, start_risk_assessment, web_session
from .test_url_walk import body_text, concrete_paths, project_urls

pytestmark = pytest.mark.django_db

OTHER_QUESTION = "Welke diplomatieke gevolgen verwacht BZ-unieke-marker?"
SECOND_OPINION = "Tweede oordeel met unieke-marker-voor-scores."


@pytest.fixture
def consulted(officer, assessor, assessor2, case, make_user):
    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    other = make_user("adviseur_bz", Role.DEPARTMENT_ADVISOR, organisation="BZ")
    for member in (advisor, other):
        case_team_add(user=officer, case=case, member=member, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    assessment_score(
        user=assessor2, assessment=assessment, indicator="vital_processes", level=2, rationale=SECOND_OPINION
    )
    due = timezone.localdate() + timedelta(days=3)
    mine = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="Deelt u de inschatting van de statelijke invloed?",
        covers=["state_actor_influence"],
        due_date=due,
    )
    consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="bz",
        advisor=other,
        question=OTHER_QUESTION,
        covers=["proportionality"],
        due_date=due,
    )
    case.refresh_from_db()
    return {"advisor": advisor, "assessment": assessment, "mine": mine, "cases": [case], "own": case}


def test_an_advisor_sees_nothing_of_the_assessment_beyond_their_request_anywhere(client, consulted):
    web_session(client, consulted["advisor"])
    # not vacuous: their own request is readable
    own = client.get(f"/api/consultations/{consulted['mine'].pk}/")
    assert own.status_code == 200 and "statelijke invloed" in body_text(own)

    hidden = {
        OTHER_QUESTION,
        SECOND_OPINION,
        "Beoordeeld en doorstaan.",  # rationale of the checks, which the request does not cover
        "Score 3 op basis van het dossier.",
    }  # the assessors' own scores
    failures = []
    for url in project_urls():
        if url.name in ("access:logout", "admin:logout", "healthz", "schema", "swagger-ui") or any(
            name == "format" for _c, name in url.params
        ):
            continue
        for path in concrete_paths(url, consulted):
            response = client.get(path)
            if 200 <= response.status_code < 300:
                text = body_text(response)
                found = [m for m in hidden if m in text]
                if found:
                    failures.append(f"GET {path} ({url.name}) shows {found}")
            elif response.status_code >= 500:
                failures.append(f"GET {path} ({url.name}) -> {response.status_code}")
    assert not failures, "A department advisor sees more than they were consulted on:\n" + "\n".join(failures)

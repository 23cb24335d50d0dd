"""The afwegingskader drives the case lifecycle: only an approved "deploy" assessment goes to the
cabinet, an approved "do not deploy" ends the case, and a risk review that finds the risk
manageable lets the exit start. Driven through the API as a user would."""

import pytest

from cases.models import Case

from .factories import approve_risk_review

pytestmark = pytest.mark.django_db


def transition(client, case, name, reason=""):
    return client.post(f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": reason}, format="json")


def assess_through_api(api, case, *, lead, approver, outcome):
    """Lead and a second assessor take the case's initial assessment to approval via the API."""
    client = api(lead)
    response = client.post("/api/assessments/", {"case": case.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    aid = body["id"]
    assert body["framework"]["number"] == 4 and body["framework"]["derived_from_letter"] is True
    assert (
        client.put(
            f"/api/assessments/{aid}/scope/",
            {
                "scope_ground": "essential_supplier",
                "confirmed": True,
                "rationale": "Toeleverancier buiten de Wet vifo.",
            },
            format="json",
        ).status_code
        == 200
    )
    for condition in body["conditions"]:
        status = "not_met" if outcome == "do_not_deploy" and condition["code"] == "state_actor_influence" else "met"
        r = client.put(
            f"/api/assessments/{aid}/conditions/{condition['code']}/",
            {
                "status": status,
                "rationale": "Zie de analyse.",
                "evidence": [{"title": "AIVD-notitie", "source": "AIVD"}],
            },
            format="json",
        )
        assert r.status_code == 200, r.json()
    for check in body["checks"]:
        r = client.put(
            f"/api/assessments/{aid}/checks/{check['code']}/",
            {"answer": "yes", "rationale": "Nagegaan."},
            format="json",
        )
        assert r.status_code == 200, r.json()
    for indicator in body["indicators"]:
        if indicator["kind"] == "core":
            r = client.post(
                f"/api/assessments/{aid}/scores/",
                {"indicator": indicator["code"], "level": 3, "rationale": "Moeilijk te vervangen."},
                format="json",
            )
            assert r.status_code == 201, r.json()
    # Version 2: no consultation at all only with a recorded reason.
    r = client.put(
        f"/api/assessments/{aid}/no-consultation-reason/",
        {"reason": "Alleen EZK-beleid geraakt; geen ander departement betrokken."},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert client.get(f"/api/assessments/{aid}/outcome/").json()["outcome"] == outcome
    r = client.post(f"/api/assessments/{aid}/submit/")
    assert r.status_code == 200, r.json()
    r = api(approver).post(f"/api/assessments/{aid}/approve/", {"comments": "Akkoord."}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "approved"
    assert r.json()["result"]["outcome"] == outcome
    return aid


def test_approved_deploy_assessment_lets_the_case_go_to_the_cabinet(api, officer, assessor, assessor2, case):
    client = api(officer)
    assert transition(client, case, "start_intake").status_code == 200
    assert transition(client, case, "start_assessment").json()["state"] == "risk_assessment"
    # No approved assessment yet: the rule that blocks is named.
    response = transition(api(assessor), case, "submit_to_cabinet")
    assert response.status_code == 409
    assert "has_approved_assessment_to_deploy" in response.json()["extra"]["unmet"]

    assess_through_api(api, case, lead=assessor, approver=assessor2, outcome="deploy")

    assert transition(api(assessor), case, "conclude_not_deployed", reason="x").status_code == 409
    response = transition(api(assessor), case, "submit_to_cabinet")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "cabinet_decision"


def test_approved_do_not_deploy_lets_ezk_end_the_case(api, officer, assessor, assessor2, case):
    client = api(officer)
    transition(client, case, "start_intake")
    transition(client, case, "start_assessment")
    assess_through_api(api, case, lead=assessor, approver=assessor2, outcome="do_not_deploy")

    assert transition(api(assessor), case, "submit_to_cabinet").status_code == 409
    response = transition(
        api(assessor), case, "conclude_not_deployed", reason="Geen invloed van een statelijke actor vastgesteld."
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "not_deployed"


def test_submitted_but_unapproved_assessment_does_not_open_the_cabinet_route(api, officer, assessor, case):
    from assessments.services import assessment_start, assessment_submit

    from .factories import fill_initial_assessment

    transition(api(officer), case, "start_intake")
    transition(api(officer), case, "start_assessment")
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    assessment_submit(user=assessor, assessment=assessment)
    assert transition(api(assessor), case, "submit_to_cabinet").status_code == 409


@pytest.fixture
def case_in_monitoring(case):
    """Entering monitoring depends on the fund (bev): set the state directly for this test."""
    Case.objects.filter(pk=case.pk).update(state="monitoring")
    case.refresh_from_db()
    return case


def test_risk_review_finding_the_risk_manageable_allows_the_exit(api, assessor, assessor2, manager, case_in_monitoring):
    case = case_in_monitoring
    response = transition(api(manager), case, "start_exit")
    assert response.status_code == 409
    assert "exit_is_authorised" in response.json()["extra"]["unmet"]

    client = api(assessor)
    review = client.post("/api/assessments/", {"case": case.pk, "kind": "risk_review"}, format="json").json()
    # The review answers its own questions (framework v2, assessments.review_framework), not the indicators.
    assert review["conditions"] == [] and review["indicators"] == []
    assert [c["code"] for c in review["checks"]] == [
        "state_actor_influence_ended",
        "covered_by_other_instrument",
        "trustworthy_market_party",
        "buyer_no_strategic_behaviour",
        "cabinet_conditions_settled",
    ]
    for check in review["checks"]:
        response = client.put(
            f"/api/assessments/{review['id']}/checks/{check['code']}/",
            {"answer": "yes", "rationale": "Risico gemitigeerd."},
            format="json",
        )
        assert response.status_code == 200, response.json()
    assert client.post(f"/api/assessments/{review['id']}/submit/").status_code == 200
    approved = api(assessor2).post(f"/api/assessments/{review['id']}/approve/", {}, format="json").json()
    assert approved["result"]["risk_manageable"] is True
    assert "beheersbaar" in approved["result"]["explanation"]

    response = transition(api(manager), case, "start_exit")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "exit"


def test_risk_review_finding_the_risk_still_high_keeps_the_exit_closed(
    api, assessor, assessor2, manager, case_in_monitoring
):
    approve_risk_review(case_in_monitoring, lead=assessor, approver=assessor2, manageable=False)
    assert transition(api(manager), case_in_monitoring, "start_exit").status_code == 409


def test_latest_review_counts(api, assessor, assessor2, manager, case_in_monitoring):
    approve_risk_review(case_in_monitoring, lead=assessor, approver=assessor2, manageable=True)
    approve_risk_review(case_in_monitoring, lead=assessor, approver=assessor2, manageable=False)
    assert transition(api(manager), case_in_monitoring, "start_exit").status_code == 409


def test_initial_assessment_only_during_risk_assessment(api, assessor, case):
    response = api(assessor).post("/api/assessments/", {"case": case.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_a_non_member_gets_404_when_starting_an_assessment(api, outsider, case):
    assert api(outsider).post("/api/assessments/", {"case": case.pk}, format="json").status_code == 404


def test_roles_other_than_risk_assessor_cannot_start(api, officer, case):
    from .factories import start_risk_assessment

    start_risk_assessment(case, officer=officer)
    assert api(officer).post("/api/assessments/", {"case": case.pk}, format="json").status_code == 403


def test_unknown_kind_is_a_field_error(api, officer, assessor, case):
    from .factories import start_risk_assessment

    start_risk_assessment(case, officer=officer)
    response = api(assessor).post("/api/assessments/", {"case": case.pk, "kind": "bogus"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()

"""The case lifecycle through the API: each step recorded in the timeline, refusals change nothing."""

import pytest

from audit.models import AuditRecord
from cases.models import Case, TimelineEvent

pytestmark = pytest.mark.django_db


def transition(client, case, name, reason=""):
    return client.post(f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": reason}, format="json")


def put_in_state(case, state):
    """Test set-up for a state whose entry depends on another app (assessment, fund)."""
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    return case


def test_intake_then_assessment_records_the_timeline(api, officer, case):
    client = api(officer)
    assert transition(client, case, "start_intake").status_code == 200
    response = transition(client, case, "start_assessment")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "risk_assessment"
    timeline = client.get(f"/api/cases/{case.pk}/timeline/").json()
    steps = [(e["kind"], e["from_state"], e["to_state"], e["actor"]) for e in timeline if e["kind"] == "transition"]
    assert steps == [
        ("transition", "signal", "intake", "officer"),
        ("transition", "intake", "risk_assessment", "officer"),
    ]
    assert AuditRecord.objects.filter(case_id=case.pk, event="case.start_assessment").count() == 1


def test_incomplete_intake_blocks_assessment_naming_the_rule(api, officer, case):
    client = api(officer)
    client.patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "existing_instruments_shortfall": ""}, format="json"
    )
    transition(client, case, "start_intake")
    response = transition(client, case, "start_assessment")
    assert response.status_code == 409
    assert "intake_is_complete" in response.json()["extra"]["unmet"]
    case.refresh_from_db()
    assert case.state == "intake"


def test_known_non_state_actor_cannot_enter_assessment(api, officer, case):
    client = api(officer)
    client.patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "state_actor_status": "not_state_actor"}, format="json"
    )
    transition(client, case, "start_intake")
    response = transition(client, case, "start_assessment")
    assert response.status_code == 409
    assert "state_actor_not_excluded" in response.json()["extra"]["unmet"]


def test_urgent_case_goes_straight_to_assessment(api, officer, case):
    client = api(officer)
    client.patch(f"/api/cases/{case.pk}/", {"version": case.version, "urgency": "immediate"}, format="json")
    names = [t["name"] for t in client.get(f"/api/cases/{case.pk}/transitions/").json()["available"]]
    assert "fast_track_to_assessment" in names
    assert transition(client, case, "fast_track_to_assessment").json()["state"] == "risk_assessment"


def test_normal_case_cannot_fast_track(api, officer, case):
    response = transition(api(officer), case, "fast_track_to_assessment")
    assert response.status_code == 409
    assert "urgent_and_intake_complete" in response.json()["extra"]["unmet"]


def test_not_admissible_requires_a_reason(api, officer, case):
    client = api(officer)
    transition(client, case, "start_intake")
    response = transition(client, case, "reject_not_admissible")
    assert response.status_code == 400
    assert "reason" in response.json()
    case.refresh_from_db()
    assert case.state == "intake"
    response = transition(client, case, "reject_not_admissible", reason="Valt onder de Wet vifo; toetsing volstaat.")
    assert response.json()["state"] == "not_admissible"
    event = TimelineEvent.objects.filter(case=case, transition="reject_not_admissible").get()
    assert event.reason == "Valt onder de Wet vifo; toetsing volstaat."


@pytest.mark.parametrize("state", ["signal", "intake", "risk_assessment", "cabinet_decision", "investment_preparation"])
def test_withdraw_from_any_state_before_invested(api, officer, case, state):
    put_in_state(case, state)
    response = transition(api(officer), case, "withdraw", reason="De investeerder heeft zich teruggetrokken.")
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    assert response.json()["closed_at"]


@pytest.mark.parametrize("state", ["invested", "monitoring", "exit", "closed", "withdrawn"])
def test_withdraw_refused_once_invested(api, officer, case, state):
    put_in_state(case, state)
    response = transition(api(officer), case, "withdraw", reason="x")
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.state == state


def test_wrong_state_is_409_and_changes_nothing(api, officer, case):
    before = TimelineEvent.objects.filter(case=case).count()
    response = transition(api(officer), case, "close")
    assert response.status_code == 409
    assert TimelineEvent.objects.filter(case=case).count() == before


@pytest.mark.parametrize("name", ["delete", "fly", "_update_initial_state", "save", "get_state_display"])
def test_unknown_transition_is_400_at_name(api, officer, case, name):
    """Refused at `name`, the request's key (it was reported at `transition`, a key no request has)."""
    response = transition(api(officer), case, name)
    assert response.status_code == 400
    assert list(response.json()) == ["name"], response.json()
    case.refresh_from_db()
    assert case.state == "signal"


def test_role_without_permission_gets_403(api, manager, case):
    response = transition(api(manager), case, "start_intake")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "signal"


def test_submit_to_cabinet_needs_an_approved_deploy_assessment(api, assessor, case):
    put_in_state(case, "risk_assessment")
    response = transition(api(assessor), case, "submit_to_cabinet")
    assert response.status_code == 409
    assert response.json()["extra"]["unmet"] == ["has_approved_assessment_to_deploy"]


def test_available_transitions_depend_on_role(api, officer, assessor, case):
    officer_names = {t["name"] for t in api(officer).get(f"/api/cases/{case.pk}/transitions/").json()["available"]}
    assessor_names = {t["name"] for t in api(assessor).get(f"/api/cases/{case.pk}/transitions/").json()["available"]}
    assert officer_names == {"start_intake", "withdraw"}
    assert assessor_names == set()


class TestCabinetDecision:
    def _record(self, client, case, deploy=True):
        return client.post(
            f"/api/cases/{case.pk}/cabinet-decisions/",
            {
                "meeting_date": "2026-11-20",
                "reference": "MR-2026-47",
                "deploy": deploy,
                **({"instruments": ["equity"], "max_amount": "25000000.00"} if deploy else {}),
                "conditions": "Zetel in de raad van commissarissen; informatierechten.",
            },
            format="json",
        )

    def test_four_eyes_and_deploy(self, api, secretariat, secretariat2, case):
        put_in_state(case, "cabinet_decision")
        recorded = self._record(api(secretariat), case)
        assert recorded.status_code == 201, recorded.json()
        decision_id = recorded.json()["id"]
        # Not confirmed yet: the case cannot move on.
        assert transition(api(secretariat), case, "start_investment_preparation").status_code == 409
        # The one who entered it cannot confirm it.
        same = api(secretariat).post(f"/api/cases/{case.pk}/cabinet-decisions/{decision_id}/confirm/")
        assert same.status_code == 403
        other = api(secretariat2).post(f"/api/cases/{case.pk}/cabinet-decisions/{decision_id}/confirm/")
        assert other.status_code == 200
        assert other.json()["confirmed_by"] == "secretariat2"
        response = transition(api(secretariat2), case, "start_investment_preparation")
        assert response.json()["state"] == "investment_preparation"

    def test_declined_decision_ends_the_case(self, api, secretariat, secretariat2, case):
        put_in_state(case, "cabinet_decision")
        decision_id = self._record(api(secretariat), case, deploy=False).json()["id"]
        api(secretariat2).post(f"/api/cases/{case.pk}/cabinet-decisions/{decision_id}/confirm/")
        assert transition(api(secretariat), case, "start_investment_preparation").status_code == 409
        response = transition(api(secretariat), case, "record_cabinet_declined", reason="Kabinet ziet af van inzet.")
        assert response.json()["state"] == "not_deployed"

    def test_only_when_the_case_is_with_the_cabinet(self, api, secretariat, case):
        assert self._record(api(secretariat), case).status_code == 409

    def test_only_the_secretariat_records(self, api, officer, case):
        put_in_state(case, "cabinet_decision")
        assert self._record(api(officer), case).status_code == 403

    def test_bad_date_is_a_field_error(self, api, secretariat, case):
        put_in_state(case, "cabinet_decision")
        response = api(secretariat).post(
            f"/api/cases/{case.pk}/cabinet-decisions/",
            {"meeting_date": "gisteren", "reference": "x", "deploy": True},
            format="json",
        )
        assert response.status_code == 400
        assert "meeting_date" in response.json()

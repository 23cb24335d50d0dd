"""Version 2 of the afwegingskader (issue 21 §1, "The afwegingskader's outcome"), each rule against
the Kamerbrief 2023 ("Afwegingskader", "Reikwijdte"):

- the core indicators are alternatives ("systeemrelevant en/of van strategisch belang"): the highest
  decides, and the explanation names it;
- the broader indicator counts "uitsluitend" for a company recorded as crucial to policy goals, and
  never pulls the level down;
- condition 1 met while every indicator is low needs an explicit justification;
- afstemming: an objection or concerns without a recorded response keep the outcome from "deploy";
  no consultation at all only with a recorded reason;
- assessments made with version 1 keep version 1's rules;
- scope grounds 3 and 4: their facts recorded and checked, and for ground 4 the last-resort check
  asks whether the consequences of the Wet vifo decision can be mitigated otherwise.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from access.roles import Role
from assessments.constants import AssessmentKind, CheckAnswer, ConditionStatus, Outcome
from assessments.models import Assessment, ConsultationRequest, FrameworkVersion
from assessments.outcome import Inputs, compute
from assessments.selectors import assessment_compute, assessment_report_context
from assessments.services import (
    assessment_approve,
    assessment_score,
    assessment_set_check,
    assessment_set_condition,
    assessment_set_scope,
    assessment_start,
    assessment_submit,
    consultation_answer,
    consultation_request,
)
from cases.models import Case
from cases.services import case_team_add, case_transition

from .factories import case_data, fill_initial_assessment, make_case, start_risk_assessment

pytestmark = pytest.mark.django_db

CORE = ["unique_knowledge_technology", "ecosystem_position", "vital_processes", "knowledge_integrity"]
BROADER = "societal_challenges"
REASON = "Alleen EZK-beleid geraakt; geen ander departement betrokken."


@pytest.fixture
def v1():
    return FrameworkVersion.objects.get(number=1).framework


@pytest.fixture
def v2():
    return FrameworkVersion.objects.get(number=3).framework


def inputs(
    framework,
    core_levels,
    *,
    broader=None,
    crucial=None,
    justification="",
    consultations=None,
    no_consultation_reason=REASON,
    conditions=ConditionStatus.MET,
    checks=CheckAnswer.YES,
    scope_ground="essential_supplier",
):
    scores = {code: [level] for code, level in zip(CORE, core_levels)}
    if broader is not None:
        scores[BROADER] = [broader]
    return Inputs(
        kind=AssessmentKind.INITIAL,
        scope_ground_confirmed=True,
        scope_ground=scope_ground,
        conditions={c.code: conditions for c in framework.conditions},
        checks={c.code: checks for c in framework.checks},
        scores=scores,
        policy_goal_crucial=crucial,
        policy_goal_rationale="Cruciaal voor de energietransitie." if crucial else "",
        low_indicators_justification=justification,
        consultations=consultations or [],
        no_consultation_reason=no_consultation_reason,
    )


def advice(position, response="", status="answered", pk=7):
    return {
        "id": pk,
        "ministry_label": "Justitie en Veiligheid (JenV)",
        "status": status,
        "position": position,
        "position_label": {"objects": "Maakt bezwaar", "concerns": "Heeft zorgen", "supports": "Steunt"}[position],
        "response": response,
    }


# ---------------------------------------------------------------------------------------------
# The core indicators are alternatives: the highest decides
# ---------------------------------------------------------------------------------------------
def test_a_drinking_water_supplier_high_on_one_indicator_is_of_high_importance(v2):
    """4 / 0 / 0 / 0: "Belang van de onderneming voor vitale processen, zoals ...
    drinkwatervoorziening" alone makes the company of very high importance."""
    result = compute(v2, inputs(v2, [0, 0, 4, 0]))
    assert result["risk_rule"] == "highest_core"
    assert result["risk_level"] == "zeer_hoog" and result["risk_score"] == "4.00"
    assert [d["code"] for d in result["deciding_indicators"]] == ["vital_processes"]
    assert "Belang voor vitale processen" in result["explanation"]
    assert "hoogste indicator" in result["explanation"] and "en/of" in result["explanation"]
    deciding = [d for d in result["drivers"] if d["effect"] == "risk" and d["code"] == "vital_processes"]
    assert deciding and "Bepaalt het risiconiveau" in deciding[0]["text"]


@pytest.mark.parametrize(
    "levels,expected",
    [
        ([0, 0, 0, 0], "laag"),
        ([1, 1, 1, 1], "laag"),
        ([2, 0, 0, 0], "midden"),
        ([1, 3, 1, 0], "hoog"),
        ([3, 3, 3, 3], "hoog"),
        ([4, 4, 4, 4], "zeer_hoog"),
        ([0, 0, 0, 4], "zeer_hoog"),
    ],
)
def test_the_highest_core_indicator_sets_the_risk_level(v2, levels, expected):
    assert compute(v2, inputs(v2, levels, justification="x"))["risk_level"] == expected


def test_ties_name_every_deciding_indicator(v2):
    result = compute(v2, inputs(v2, [3, 1, 3, 0]))
    assert [d["code"] for d in result["deciding_indicators"]] == ["unique_knowledge_technology", "vital_processes"]


def test_version_1_assessments_keep_the_weighted_mean(v1):
    """The same 4 / 0 / 0 / 0 under version 1 stays what version 1 said: the mean, "laag"."""
    result = compute(v1, inputs(v1, [0, 0, 4, 0]))
    assert result["risk_rule"] == "weighted_mean"
    assert result["risk_level"] == "laag" and result["risk_score"] == "1.00"
    assert "gewogen score 1,00" in result["explanation"]
    # Version 1 has no afstemming rule and no low-indicator rule: deploy as it always did.
    assert compute(v1, inputs(v1, [1, 1, 1, 1], no_consultation_reason=""))["outcome"] == Outcome.DEPLOY
    assert compute(v1, inputs(v1, [3, 3, 3, 3], consultations=[advice("objects")]))["outcome"] == Outcome.DEPLOY


# ---------------------------------------------------------------------------------------------
# The broader indicator: "uitsluitend" for companies crucial to policy goals, never downwards
# ---------------------------------------------------------------------------------------------
def test_the_broader_indicator_does_not_count_unless_the_company_is_recorded_as_crucial(v2):
    for crucial in (None, False):
        result = compute(v2, inputs(v2, [1, 1, 1, 1], broader=4, crucial=crucial, justification="x"))
        assert result["risk_level"] == "laag", crucial
        assert result["broader_not_counted"] == ["Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen"]
        assert "Niet meegeteld" in result["explanation"]


def test_the_broader_indicator_counts_for_a_crucial_company_and_is_named(v2):
    result = compute(v2, inputs(v2, [1, 1, 1, 1], broader=3, crucial=True))
    assert result["risk_level"] == "hoog"
    assert [d["code"] for d in result["deciding_indicators"]] == [BROADER]
    assert "cruciaal" in result["explanation"] and "energietransitie" in result["explanation"]


def test_the_broader_indicator_never_pulls_the_level_down(v2):
    result = compute(v2, inputs(v2, [0, 4, 0, 0], broader=0, crucial=True))
    assert result["risk_level"] == "zeer_hoog"
    assert [d["code"] for d in result["deciding_indicators"]] == ["ecosystem_position"]


# ---------------------------------------------------------------------------------------------
# Condition 1 consistent with the indicators
# ---------------------------------------------------------------------------------------------
def test_deploy_with_every_indicator_low_needs_a_justification(v2):
    result = compute(v2, inputs(v2, [1, 0, 1, 1]))
    assert result["outcome"] == Outcome.INSUFFICIENT_INFORMATION
    assert "low_indicators_justification" in [m["code"] for m in result["missing"]]

    text = "Sabotagerisico bij de enige leverancier van sleutelcomponenten voor het AIVD-netwerk."
    result = compute(v2, inputs(v2, [1, 0, 1, 1], justification=text))
    assert result["outcome"] == Outcome.DEPLOY
    assert result["low_indicators_justification"] == text and text in result["explanation"]


def test_no_justification_needed_above_low_or_without_condition_1(v2):
    assert compute(v2, inputs(v2, [2, 0, 0, 0]))["outcome"] == Outcome.DEPLOY
    result = compute(v2, inputs(v2, [1, 1, 1, 1], conditions=ConditionStatus.NOT_MET))
    assert result["outcome"] == Outcome.DO_NOT_DEPLOY
    assert "low_indicators_justification" not in [m["code"] for m in result["missing"]]


# ---------------------------------------------------------------------------------------------
# Afstemming is part of the outcome
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("position", ["objects", "concerns"])
def test_an_objection_without_a_response_keeps_the_outcome_from_deploy(v2, position):
    result = compute(v2, inputs(v2, [3, 3, 3, 3], consultations=[advice(position)]))
    assert result["outcome"] == Outcome.INSUFFICIENT_INFORMATION
    assert [m["code"] for m in result["missing"]] == ["consultation_7"]
    assert "Justitie en Veiligheid" in result["explanation"]

    answered = compute(v2, inputs(v2, [3, 3, 3, 3], consultations=[advice(position, response="Weerlegd: zie nota.")]))
    assert answered["outcome"] == Outcome.DEPLOY
    assert "Weerlegd: zie nota." in answered["explanation"]
    assert answered["afstemming"][0]["code"] == "consultation_7"


def test_supporting_or_waived_advice_needs_no_response_and_a_failure_still_says_do_not_deploy(v2):
    assert compute(v2, inputs(v2, [3, 3, 3, 3], consultations=[advice("supports")]))["outcome"] == Outcome.DEPLOY
    waived = dict(advice("objects"), status="waived", position="")
    assert compute(v2, inputs(v2, [3, 3, 3, 3], consultations=[waived]))["outcome"] == Outcome.DEPLOY
    result = compute(v2, inputs(v2, [3, 3, 3, 3], consultations=[advice("objects")], checks=CheckAnswer.NO))
    assert result["outcome"] == Outcome.DO_NOT_DEPLOY


def test_no_consultation_at_all_needs_a_reason(v2):
    result = compute(v2, inputs(v2, [3, 3, 3, 3], no_consultation_reason=""))
    assert result["outcome"] == Outcome.INSUFFICIENT_INFORMATION
    assert [m["code"] for m in result["missing"]] == ["no_consultation"]
    result = compute(v2, inputs(v2, [3, 3, 3, 3]))
    assert result["outcome"] == Outcome.DEPLOY and REASON in result["explanation"]


# ---------------------------------------------------------------------------------------------
# Through the services and the API
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def advisor(make_user):
    return make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")


@pytest.fixture
def assessment(officer, assessor, advisor, case):
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    return assessment_start(user=assessor, case=case)


def test_new_assessments_pin_the_latest_version(assessment):
    assert assessment.framework.number == 4  # v3's rules, with v4's corrected sources (migration 0006)
    assert FrameworkVersion.objects.get(number=4).status == "published"


def test_a_drinking_water_assessment_is_approved_as_zeer_hoog_through_the_services(assessment, assessor, assessor2):
    fill_initial_assessment(assessment, lead=assessor, level=0)
    assessment_score(
        user=assessor,
        assessment=assessment,
        indicator="vital_processes",
        level=4,
        rationale="Enige drinkwaterleverancier in de regio.",
    )
    assessment_submit(user=assessor, assessment=assessment)
    approved = assessment_approve(user=assessor2, assessment=assessment)
    assert approved.outcome == "deploy" and approved.risk_level == "zeer_hoog"
    assert approved.result["deciding_indicators"][0]["code"] == "vital_processes"


def test_policy_goal_through_the_api(api, assessor, assessor2, assessment):
    url = f"/api/assessments/{assessment.pk}/policy-goal/"
    response = api(assessor).put(url, {"crucial": True, "rationale": "  "}, format="json")
    assert response.status_code == 400 and "rationale" in response.json()
    assessment.refresh_from_db()
    assert assessment.policy_goal_crucial is None  # nothing changed
    assert api(assessor2).put(url, {"crucial": True, "rationale": "x"}, format="json").status_code == 403
    response = api(assessor).put(
        url,
        {"crucial": True, "rationale": "Cruciaal voor de energietransitie: enige producent van elektrolysers."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["policy_goal"]["crucial"] is True and body["rules"]["broader_requires_crucial"] is True


def test_low_indicators_justification_through_the_api(api, assessor, assessment):
    fill_initial_assessment(assessment, lead=assessor, level=1)
    outcome = api(assessor).get(f"/api/assessments/{assessment.pk}/outcome/").json()
    assert outcome["outcome"] == "insufficient_information"
    response = api(assessor).post(f"/api/assessments/{assessment.pk}/submit/")
    assert response.status_code == 409 and "low_indicators_justification" in response.json()["extra"]["missing"]
    response = api(assessor).put(
        f"/api/assessments/{assessment.pk}/low-indicators-justification/",
        {"justification": "Toegang tot het netwerk van Defensie via onderhoud."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["outcome"] == "deploy"
    assert "Toegang tot het netwerk van Defensie" in response.json()["result"]["explanation"]


def test_an_objection_needs_a_response_from_the_lead(api, assessor, assessor2, advisor, assessment):
    fill_initial_assessment(assessment, lead=assessor)
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="Deelt JenV de inschatting?",
        covers=["state_actor_influence"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    consultation_answer(user=advisor, consultation=request, position="objects", advice="Bezwaar: niet proportioneel.")
    assessment.refresh_from_db()
    result = assessment_compute(assessment)
    assert result["outcome"] == "insufficient_information"
    assert [m["code"] for m in result["missing"]] == [f"consultation_{request.pk}"]
    response = api(assessor).post(f"/api/assessments/{assessment.pk}/submit/")
    assert response.status_code == 409 and f"consultation_{request.pk}" in response.json()["extra"]["missing"]

    url = f"/api/consultations/{request.pk}/respond/"
    response = api(assessor).post(url, {"response": ""}, format="json")
    assert response.status_code == 400 and "response" in response.json()
    assert api(assessor2).post(url, {"response": "x"}, format="json").status_code == 403
    assert ConsultationRequest.objects.get(pk=request.pk).response == ""
    response = api(assessor).post(url, {"response": "Minimale interventie: minderheidsbelang."}, format="json")
    assert response.status_code == 200, response.json()
    detail = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()
    assert detail["result"]["outcome"] == "deploy"
    assert detail["consultations"][0]["response"] == "Minimale interventie: minderheidsbelang."
    assert api(assessor).post(f"/api/assessments/{assessment.pk}/submit/").status_code == 200


def test_a_supporting_advice_takes_no_response(api, assessor, advisor, assessment):
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="Deelt JenV de inschatting?",
        covers=["state_actor_influence"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    consultation_answer(user=advisor, consultation=request, position="supports", advice="Steun.")
    response = api(assessor).post(f"/api/consultations/{request.pk}/respond/", {"response": "x"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "no_objection"


def test_no_consultation_reason_through_the_api(api, assessor, assessment):
    fill_initial_assessment(assessment, lead=assessor)
    Assessment.objects.filter(pk=assessment.pk).update(no_consultation_reason="")
    assessment.refresh_from_db()
    result = assessment_compute(assessment)
    assert result["outcome"] == "insufficient_information"
    assert [m["code"] for m in result["missing"]] == ["no_consultation"]
    response = api(assessor).put(
        f"/api/assessments/{assessment.pk}/no-consultation-reason/", {"reason": REASON}, format="json"
    )
    assert response.status_code == 200 and response.json()["result"]["outcome"] == "deploy"
    assert response.json()["no_consultation_reason"] == REASON


def test_a_version_1_assessment_computes_as_before_and_refuses_version_2_records(api, assessor, assessment):
    """An assessment made with version 1 (pinned before version 2 was published) keeps its rules."""
    v1 = FrameworkVersion.objects.get(number=1)
    Assessment.objects.filter(pk=assessment.pk).update(framework=v1)
    assessment.refresh_from_db()
    fill_initial_assessment(assessment, lead=assessor, level=0)
    assessment_score(user=assessor, assessment=assessment, indicator="vital_processes", level=4, rationale="Water.")
    assessment.refresh_from_db()
    result = assessment_compute(assessment)
    assert result["outcome"] == "deploy", result["missing"]  # no afstemming or low-indicator rule in v1
    assert result["risk_level"] == "laag" and result["risk_score"] == "1.00"
    assert api(assessor).get(f"/api/assessments/{assessment.pk}/").json()["framework"]["number"] == 1
    for path, data in (
        ("policy-goal", {"crucial": True, "rationale": "x"}),
        ("low-indicators-justification", {"justification": "x"}),
        ("no-consultation-reason", {"reason": "x"}),
    ):
        response = api(assessor).put(f"/api/assessments/{assessment.pk}/{path}/", data, format="json")
        assert response.status_code == 409 and response.json()["code"] == "not_in_version", path


def test_the_cabinet_report_shows_the_justification_and_the_response(assessor, assessor2, advisor, assessment):
    from assessments.services import assessment_set_low_indicators_justification, consultation_respond

    fill_initial_assessment(assessment, lead=assessor, level=1)
    assessment_set_low_indicators_justification(
        user=assessor, assessment=assessment, justification="Enige toegang tot de sleutelinfrastructuur."
    )
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="Zorgen?",
        covers=["national_security_risk"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    consultation_answer(user=advisor, consultation=request, position="concerns", advice="Zorgen over de termijn.")
    consultation_respond(user=assessor, consultation=request, response="Termijn verlengd tot de closing.")
    assessment_submit(user=assessor, assessment=assessment)
    approved = assessment_approve(user=assessor2, assessment=assessment)
    context = assessment_report_context(assessment=approved)
    assert context["low_indicators_justification"] == "Enige toegang tot de sleutelinfrastructuur."
    assert context["advice"][0]["response"] == "Termijn verlengd tot de closing."
    assert "Termijn verlengd tot de closing." in context["explanation"]
    from assessments.cabinet_report import render_html

    html = render_html(context)
    assert "Enige toegang tot de sleutelinfrastructuur." in html and "Termijn verlengd tot de closing." in html


# ---------------------------------------------------------------------------------------------
# Scope grounds 3 and 4
# ---------------------------------------------------------------------------------------------
def _json(data):
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if not isinstance(v, (list, bool, str)) else v)
        for k, v in data.items()
    }


def test_ground_3_refuses_a_transaction_on_or_after_8_september_2020(api, officer):
    data = _json(case_data(scope_grounds=["historical_transaction"], historical_transaction_date=date(2020, 9, 8)))
    before = Case.objects.count()
    response = api(officer).post("/api/cases/", data, format="json")
    assert response.status_code == 400, response.json()
    assert "vóór 8 september 2020" in " ".join(response.json()["historical_transaction_date"])
    assert Case.objects.count() == before
    data["historical_transaction_date"] = "2020-09-07"
    response = api(officer).post("/api/cases/", data, format="json")
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    response = api(officer).patch(
        f"/api/cases/{case_id}/",
        {"version": Case.objects.get(pk=case_id).version, "historical_transaction_date": "2021-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "historical_transaction_date" in response.json()
    assert Case.objects.get(pk=case_id).historical_transaction_date == date(2020, 9, 7)


def test_ground_3_intake_needs_the_date(officer):
    case = make_case(officer=officer, scope_grounds=["historical_transaction"])
    case_transition(user=officer, case=case, name="start_intake")
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        case_transition(user=officer, case=Case.objects.get(pk=case.pk), name="start_assessment")
    from cases.services import case_update

    case = Case.objects.get(pk=case.pk)
    case_update(
        user=officer, case=case, data={"historical_transaction_date": date(2019, 5, 1)}, expected_version=case.version
    )
    case_transition(user=officer, case=Case.objects.get(pk=case.pk), name="start_assessment")
    assert Case.objects.get(pk=case.pk).state == "risk_assessment"


GROUND_4 = {
    "scope_grounds": ["blocked_startup_financing"],
    "existing_instruments_shortfall": "",
    "vifo_decision_date": date(2024, 3, 1),
    "vifo_decision_reference": "BTI-2024-017",
    "vifo_blocked_financing": "Serie B van EUR 30 mln door een fonds op aanwijzing van een statelijke actor.",
    "vifo_insolvency_threat": "Kaspositie reikt tot juni; zonder serie B volgt faillissement.",
    "vifo_mitigation_shortfall": "Geen andere financier bereid; voorwaarden niet mogelijk.",
}


def test_ground_4_intake_asks_the_decision_the_financing_the_insolvency_and_the_mitigation(officer):
    from cases.guards import intake_is_complete

    case = make_case(officer=officer, **GROUND_4)
    assert intake_is_complete(case)  # no "existing instruments fall short" needed for ground 4 alone
    for name in (
        "vifo_decision_date",
        "vifo_decision_reference",
        "vifo_blocked_financing",
        "vifo_insolvency_threat",
        "vifo_mitigation_shortfall",
    ):
        setattr(case, name, None if name == "vifo_decision_date" else "")
        assert not intake_is_complete(case), name
        setattr(case, name, GROUND_4[name])
    case.scope_grounds = ["blocked_startup_financing", "not_in_screening"]
    assert not intake_is_complete(case)  # ground 1 beside it still asks why existing instruments fall short


def test_ground_4_refuses_a_decision_before_the_wet_vifo(api, officer):
    data = _json(case_data(**dict(GROUND_4, vifo_decision_date=date(2023, 5, 31))))
    response = api(officer).post("/api/cases/", data, format="json")
    assert response.status_code == 400 and "vifo_decision_date" in response.json()


def test_confirming_ground_3_or_4_needs_the_case_facts(officer, assessor, case):
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    from core.exceptions import Conflict

    with pytest.raises(Conflict) as refused:
        assessment_set_scope(
            user=assessor,
            assessment=assessment,
            scope_ground="historical_transaction",
            confirmed=True,
            rationale="Overname uit 2019.",
        )
    assert refused.value.code == "scope_facts_missing"
    with pytest.raises(Conflict):
        assessment_set_scope(
            user=assessor,
            assessment=assessment,
            scope_ground="blocked_startup_financing",
            confirmed=True,
            rationale="Financiering geblokkeerd.",
        )
    assessment.refresh_from_db()
    assert assessment.scope_ground_confirmed is None


def test_ground_4_check_asks_whether_the_consequences_can_be_mitigated(api, officer, assessor):
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR}, **GROUND_4)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    assessment_set_scope(
        user=assessor,
        assessment=assessment,
        scope_ground="blocked_startup_financing",
        confirmed=True,
        rationale="Toetsingsbesluit BTI-2024-017 blokkeert serie B.",
    )
    assessment_set_check(
        user=assessor,
        assessment=assessment,
        code="existing_instruments_insufficient",
        answer="no",
        rationale="Een andere financier staat klaar.",
    )
    assessment_set_condition(
        user=assessor, assessment=assessment, code="national_security_risk", status="met", rationale="x"
    )
    detail = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()
    check = next(c for c in detail["checks"] if c["code"] == "existing_instruments_insufficient")
    assert check["label_nl"] == "Gevolgen van het toetsingsbesluit niet anders te mitigeren"
    assert "gevolgen van het toetsingsbesluit" in check["question_nl"]
    assert "om de gevolgen van de inzet van het instrumentarium te mitigeren" in check["letter_citation"]
    assert "bestaande instrumenten" not in check["question_nl"].lower()
    assert "Gevolgen van het toetsingsbesluit niet anders te mitigeren" in detail["result"]["explanation"]
    # Another ground keeps the letter's wording about existing instruments.
    other = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR})
    start_risk_assessment(other, officer=officer)
    plain = assessment_start(user=assessor, case=other)
    body = api(assessor).get(f"/api/assessments/{plain.pk}/").json()
    check = next(c for c in body["checks"] if c["code"] == "existing_instruments_insufficient")
    assert check["label_nl"] == "Bestaande instrumenten schieten tekort"


# ---------------------------------------------------------------------------------------------
# The web UI: the assessment page and the case intake form
# ---------------------------------------------------------------------------------------------
def test_the_assessment_page_records_the_version_2_findings(client, assessor, assessment):
    from django.urls import reverse

    from .factories import web_session

    web_session(client, assessor)
    page = reverse("assessments:detail", args=[assessment.pk])
    body = client.get(page).content.decode()
    assert "Aannames van de dienst, niet van de brief" in body
    assert "uitsluitend om bedrijven die cruciaal zijn" in body
    assert "Dit doet EZK in afstemming met betrokken (vak)departementen" in body

    url = reverse("assessments:act", args=[assessment.pk, "policy_goal"])
    response = client.post(url, {"policy_goal-crucial": "yes", "policy_goal-rationale": ""})
    assert response.status_code == 400 and "Een onderbouwing is verplicht" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.policy_goal_crucial is None
    response = client.post(
        url, {"policy_goal-crucial": "yes", "policy_goal-rationale": "Enige producent van netcomponenten."}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.policy_goal_crucial is True

    fill_initial_assessment(assessment, lead=assessor, level=0)
    Assessment.objects.filter(pk=assessment.pk).update(no_consultation_reason="")
    assessment_score(
        user=assessor, assessment=assessment, indicator="vital_processes", level=4, rationale="Drinkwater."
    )
    response = client.post(reverse("assessments:act", args=[assessment.pk, "no_consultation"]), {"reason": REASON})
    assert response.status_code == 302
    body = client.get(page).content.decode()
    assert "hoogste indicatorniveau" in body and "bepaald door" in body
    assert "<strong>Belang voor vitale processen</strong>" in body
    assert "Advies: inzetten" in body and REASON in body


def test_the_assessment_page_takes_a_response_to_an_objection(client, assessor, advisor, assessment):
    from django.urls import reverse

    from .factories import web_session

    fill_initial_assessment(assessment, lead=assessor)
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="Leverancier voor Defensie?",
        covers=["vital_processes"],
        due_date=timezone.localdate() + timedelta(days=3),
    )
    consultation_answer(user=advisor, consultation=request, position="objects", advice="Bezwaar.")
    web_session(client, assessor)
    page = reverse("assessments:detail", args=[assessment.pk])
    body = client.get(page).content.decode()
    assert "Bezwaar of zorgen zonder vastgelegde reactie" in body and "Onvoldoende informatie" in body
    url = reverse("assessments:act_item", args=[assessment.pk, "respond", request.pk])
    assert client.post(url, {f"r-{request.pk}-response": ""}).status_code == 400
    response = client.post(url, {f"r-{request.pk}-response": "Weerlegd in de nota van 3 maart."})
    assert response.status_code == 302
    body = client.get(page).content.decode()
    assert "Weerlegd in de nota van 3 maart." in body and "Advies: inzetten" in body


def test_the_case_form_asks_the_facts_of_grounds_3_and_4_and_refuses_a_late_date(client, officer):
    from django.urls import reverse

    from .factories import web_session

    web_session(client, officer)
    body = client.get(reverse("cases:create")).content.decode()
    for name in (
        "historical_transaction_date",
        "vifo_decision_date",
        "vifo_decision_reference",
        "vifo_blocked_financing",
        "vifo_insolvency_threat",
        "vifo_mitigation_shortfall",
    ):
        assert f'name="{name}"' in body, name
    assert "vóór 8 september 2020" in body and "om de gevolgen van de inzet van het instrumentarium" in body
    data = {k: v for k, v in _json(case_data()).items() if not isinstance(v, list)}
    data.update(
        scope_grounds=["historical_transaction"],
        categories=["sensitive_technology"],
        existing_instruments_considered=["wet_vifo"],
        market_financing_explored="True",
        signal_received_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        historical_transaction_date="2020-09-08",
    )
    before = Case.objects.count()
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 200  # the create page re-renders a refused form (tests/test_web_cases.py)
    assert "Reikwijdtegrond 3 geldt alleen voor transacties van vóór 8 september 2020" in response.content.decode()
    assert Case.objects.count() == before
    data["historical_transaction_date"] = "2020-09-07"
    assert client.post(reverse("cases:create"), data).status_code == 302
    assert Case.objects.count() == before + 1

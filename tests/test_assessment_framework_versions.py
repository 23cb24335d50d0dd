"""The framework is versioned configuration: a default version from the letter, new versions
published by an administrator, published versions never change, and an assessment keeps the
version it used."""

import copy

import pytest

from access.roles import Role
from assessments.models import FrameworkVersion
from assessments.selectors import assessment_detail
from assessments.services import assessment_start

from .factories import approve_assessment, start_risk_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user("beheer", Role.ADMINISTRATOR)


def new_definition(**changes):
    definition = copy.deepcopy(FrameworkVersion.objects.get(number=1).definition)
    definition.update(changes)
    return definition


def test_the_default_version_comes_from_the_letter_and_says_so(api, assessor):
    version = FrameworkVersion.objects.get(number=1)
    body = api(assessor).get(f"/api/frameworks/{version.pk}/").json()
    assert body["status"] == "published" and body["derived_from_letter"] is True
    assert "geen schaal, gewichten of drempels" in body["notes"]
    assert [c["code"] for c in body["conditions"]] == ["national_security_risk", "state_actor_influence"]
    core = [i for i in body["indicators"] if i["kind"] == "core"]
    broader = [i for i in body["indicators"] if i["kind"] == "broader"]
    assert len(core) == 4 and len(broader) == 1
    assert {c["code"] for c in body["checks"]} == {
        "existing_instruments_insufficient",
        "no_market_financing",
        "no_strategic_behaviour",
        "proportionality",
    }
    for item in body["conditions"] + body["indicators"] + body["checks"]:
        assert item["label_nl"] and item["label_en"] and "Kamerbrief" in item["letter_citation"]
    assert [r["code"] for r in body["risk_levels"]] == ["laag", "midden", "hoog", "zeer_hoog"]
    assert all(level["description_nl"] for level in body["scale"])


def test_an_administrator_publishes_a_new_version(api, admin, assessor):
    client = api(admin)
    definition = new_definition(disagreement_spread=3)
    response = client.post(
        "/api/frameworks/", {"name": "Versie 2", "definition": definition, "notes": "Ruimere spreiding."}, format="json"
    )
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert draft["number"] == 5 and draft["status"] == "draft"  # v1 to v4: the migrations
    # Drafts are invisible to others.
    assert api(assessor).get(f"/api/frameworks/{draft['id']}/").status_code == 404
    assert api(assessor).post(f"/api/frameworks/{draft['id']}/publish/").status_code == 404
    response = client.post(f"/api/frameworks/{draft['id']}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert api(assessor).get(f"/api/frameworks/{draft['id']}/").status_code == 200


def test_only_administrators_create_versions(api, assessor):
    response = api(assessor).post("/api/frameworks/", {"name": "x", "definition": new_definition()}, format="json")
    assert response.status_code == 403


def test_an_invalid_definition_is_a_field_error(api, admin):
    definition = new_definition()
    definition["indicators"] = [dict(i, kind="broader") for i in definition["indicators"]]
    definition["risk_levels"][1]["min_score"] = "veel"
    response = api(admin).post("/api/frameworks/", {"name": "x", "definition": definition}, format="json")
    assert response.status_code == 400
    messages = " ".join(response.json()["definition"])
    assert "kernindicator" in messages and "geen geldig getal" in messages
    assert not FrameworkVersion.objects.filter(number=5).exists()


def test_published_versions_never_change(api, admin):
    version = FrameworkVersion.objects.get(number=1)
    response = api(admin).patch(f"/api/frameworks/{version.pk}/", {"name": "Anders"}, format="json")
    assert response.status_code == 409
    assert api(admin).post(f"/api/frameworks/{version.pk}/publish/").status_code == 409
    version.name = "Anders"
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.delete()
    assert FrameworkVersion.objects.get(number=1).name != "Anders"


def test_a_new_version_changes_no_existing_assessment(api, admin, officer, assessor, assessor2, case, make_user):
    start_risk_assessment(case, officer=officer)
    approved = approve_assessment(case, lead=assessor, approver=assessor2)
    before = assessment_detail(assessment=approved)
    assert before["result"]["risk_level"] == "hoog"

    # A new version (5) doubles the thresholds and re-weights: the same scores would now be "laag".
    definition = new_definition()
    for row, score in zip(definition["risk_levels"], ["0.00", "3.50", "3.80", "3.95"]):
        row["min_score"] = score
    definition["indicators"][0]["weight"] = "5.00"
    draft = api(admin).post("/api/frameworks/", {"name": "Versie 2", "definition": definition}, format="json").json()
    api(admin).post(f"/api/frameworks/{draft['id']}/publish/")

    approved.refresh_from_db()
    after = api(assessor).get(f"/api/assessments/{approved.pk}/").json()
    assert after["framework"]["number"] == 4
    assert after["result"]["risk_level"] == "hoog" and after["result"]["outcome"] == "deploy"
    assert after["result"] == api(assessor).get(f"/api/assessments/{approved.pk}/outcome/").json() | {
        "framework": after["result"]["framework"]
    }

    # A draft revision keeps its version too; a new case's assessment takes the new version 5.
    from .factories import make_case

    other = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR})
    start_risk_assessment(other, officer=officer)
    fresh = assessment_start(user=assessor, case=other)
    assert fresh.framework.number == 5
    revision = api(assessor).post(f"/api/assessments/{approved.pk}/revise/").json()
    assert revision["framework"]["number"] == 4
    assert revision["result"]["risk_level"] == "hoog"


def test_demo_seed_is_idempotent_and_gives_a_case_an_assessment(officer, assessor, assessor2, case, make_user):
    import io

    from cases.services import case_team_add
    from demo.seeds import assessments as demo

    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    users = {"risico": assessor, "risico2": assessor2, "adviseur": advisor}
    out = io.StringIO()
    demo.seed(users=users, stdout=out)
    assert "v1" in out.getvalue()
    assert demo.seed_for_case(case, users=users) is None  # not in risk_assessment yet
    start_risk_assessment(case, officer=officer)
    assessment = demo.seed_for_case(case, users=users)
    detail = assessment_detail(assessment=assessment)
    assert detail["disagreements"] == ["vital_processes"]
    assert len(detail["open_consultations"]) == 1
    assert demo.seed_for_case(case, users=users) is None  # idempotent

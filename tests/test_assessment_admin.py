"""The admin: administrators publish framework versions there; published versions and
assessments are read-only, and assessments are reached only through need-to-know."""

import copy

import pytest

from access.roles import Role
from assessments.models import FrameworkVersion

from .factories import approve_assessment, start_risk_assessment, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    return web_session(client, admin)


def test_published_version_is_read_only_in_the_admin(admin_client):
    version = FrameworkVersion.objects.get(number=1)
    response = admin_client.get(f"/admin/assessments/frameworkversion/{version.pk}/change/")
    assert response.status_code == 200
    assert b'name="name"' not in response.content  # no editable field
    response = admin_client.post(f"/admin/assessments/frameworkversion/{version.pk}/change/", {"name": "x"})
    assert response.status_code == 403
    assert FrameworkVersion.objects.get(number=1).name != "x"


def test_administrator_adds_and_publishes_a_draft_in_the_admin(admin_client):
    definition = copy.deepcopy(FrameworkVersion.objects.get(number=1).definition)
    import json

    response = admin_client.post(
        "/admin/assessments/frameworkversion/add/",
        {"name": "Versie 2", "notes": "", "definition": json.dumps(definition)},
    )
    assert response.status_code == 302, response.content[:2000]
    draft = FrameworkVersion.objects.get(number=5)  # v1 to v4 come from the migrations
    assert draft.status == "draft" and draft.created_by.username == "beheer"
    response = admin_client.post(
        "/admin/assessments/frameworkversion/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


def test_invalid_definition_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/assessments/frameworkversion/add/", {"name": "Kapot", "notes": "", "definition": "{}"}
    )
    assert response.status_code == 200  # the form again, with errors
    assert not FrameworkVersion.objects.filter(name="Kapot").exists()


def test_assessments_in_the_admin_only_for_the_case_team(client, make_user, officer, assessor, assessor2, case):
    start_risk_assessment(case, officer=officer)
    assessment = approve_assessment(case, lead=assessor, approver=assessor2)
    stranger = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    web_session(client, stranger)
    assert client.get(f"/admin/assessments/assessment/{assessment.pk}/change/").status_code == 404  # as if missing
    assert client.get("/admin/assessments/assessment/").status_code == 200

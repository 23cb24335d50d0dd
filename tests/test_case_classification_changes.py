"""Changing a case's classification (issue 20, section 5).

Lowering needs the right `case.lower_classification` (as documents need
`document.lower_classification`) and a reason, and is its own audited step on the timeline; raising
it above one's own clearance is 409. Nothing above the deployment's accreditation
(`BEV_MAX_CLASSIFICATION`) is held: cases and documents above it are refused with 400 and the forms
do not offer those levels."""

import importlib
import os

import pytest
from django.core.checks import run_checks

from access.roles import Role
from audit.models import AuditRecord
from cases.constants import State
from cases.models import Case, TimelineEvent
from core.classification import Classification

from .factories import case_data, make_case, sample_pdf, use_tmp_document_storage, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_case(officer, assessor):
    return make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR}, classification=Classification.GEHEIM)


def _unchanged(case, classification):
    assert Case.objects.get(pk=case.pk).classification == classification
    assert not AuditRecord.objects.filter(event="case.reclassify", case_id=case.pk).exists()


def test_lowering_a_case_needs_a_reason(api, officer, secret_case):
    response = api(officer).patch(
        f"/api/cases/{secret_case.pk}/", {"version": secret_case.version, "classification": "openbaar"}, format="json"
    )
    assert response.status_code == 400 and "classification_reason" in response.json()
    _unchanged(secret_case, Classification.GEHEIM)


def test_lowering_a_case_needs_the_right_to_lower(api, assessor, secret_case):
    """A risk assessor may change the case, but not lower its classification (case.lower_classification)."""
    response = api(assessor).patch(
        f"/api/cases/{secret_case.pk}/",
        {"version": secret_case.version, "classification": "openbaar", "classification_reason": "Openbaar geworden."},
        format="json",
    )
    assert response.status_code == 403
    _unchanged(secret_case, Classification.GEHEIM)


def test_lowering_with_a_reason_is_audited_and_on_the_timeline(api, officer, secret_case):
    response = api(officer).patch(
        f"/api/cases/{secret_case.pk}/",
        {
            "version": secret_case.version,
            "classification": "vertrouwelijk",
            "title": "Nieuwe titel",
            "classification_reason": "Het ambtsbericht is niet meer in het dossier.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert Case.objects.get(pk=secret_case.pk).classification == Classification.VERTROUWELIJK
    record = AuditRecord.objects.get(event="case.reclassify", case_id=secret_case.pk)
    assert record.actor_id == officer.pk
    assert record.changes == {
        "classification": {"before": "geheim", "after": "vertrouwelijk"},
        "reason": "Het ambtsbericht is niet meer in het dossier.",
    }
    update = AuditRecord.objects.get(event="case.update", case_id=secret_case.pk)
    assert "classification" not in update.changes and "title" in update.changes
    timeline = api(officer).get(f"/api/cases/{secret_case.pk}/timeline/").json()
    step = next(row for row in timeline if row["data"].get("classification"))
    assert step["data"]["classification"] == {"before": "geheim", "after": "vertrouwelijk"}
    assert step["reason"] == "Het ambtsbericht is niet meer in het dossier." and step["actor"] == "officer"


def test_raising_above_ones_own_clearance_is_refused(api, make_user, officer):
    limited = make_user("limited", Role.CASE_OFFICER, clearance=Classification.VERTROUWELIJK)
    case = make_case(officer=officer, team={limited: Role.CASE_OFFICER})
    response = api(limited).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "classification": "geheim"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "classification_above_own_clearance"
    _unchanged(case, Classification.VERTROUWELIJK)
    # within one's clearance, raising needs no reason and is on the timeline too
    assert (
        api(limited)
        .patch(f"/api/cases/{case.pk}/", {"version": case.version, "classification": "vertrouwelijk"}, format="json")
        .status_code
        == 200
    )
    # a member cleared below the new level keeps it from being raised (tests/test_case_team_clearance.py)
    # until they are off the team
    assert api(officer).delete(f"/api/cases/{case.pk}/team/limited/").status_code == 204
    assert (
        api(officer)
        .patch(
            f"/api/cases/{case.pk}/",
            {"version": Case.objects.get(pk=case.pk).version, "classification": "geheim"},
            format="json",
        )
        .status_code
        == 200
    )
    assert AuditRecord.objects.get(event="case.reclassify", case_id=case.pk).changes["classification"] == {
        "before": "vertrouwelijk",
        "after": "geheim",
    }


def test_a_new_case_above_its_authors_clearance_is_refused(api, make_user):
    limited = make_user("limited", Role.CASE_OFFICER, clearance=Classification.INTERN)
    response = api(limited).post("/api/cases/", case_data(classification="vertrouwelijk"), format="json")
    assert response.status_code == 409 and response.json()["code"] == "classification_above_own_clearance"
    assert not Case.objects.exists()


# ------------------------------------------------------------------------------------------------
# The deployment's accreditation
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def accredited_up_to_vertrouwelijk(settings):
    settings.BEV_MAX_CLASSIFICATION = Classification.VERTROUWELIJK
    return settings


def test_the_default_is_the_highest_level_that_is_no_state_secret():
    if "BEV_MAX_CLASSIFICATION" in os.environ:
        pytest.skip("set in the environment")
    assert importlib.import_module("config.settings.base").BEV_MAX_CLASSIFICATION == Classification.VERTROUWELIJK


def test_a_level_that_does_not_exist_stops_the_service(settings):
    settings.BEV_MAX_CLASSIFICATION = "staatsgeheim"
    assert "core.E002" in [message.id for message in run_checks()]


@pytest.mark.parametrize("level", [Classification.CONFIDENTIEEL, Classification.GEHEIM, Classification.ZEER_GEHEIM])
def test_a_case_above_the_accreditation_is_refused(api, officer, accredited_up_to_vertrouwelijk, level):
    response = api(officer).post("/api/cases/", case_data(classification=level), format="json")
    assert response.status_code == 400
    assert "geaccrediteerd systeem" in response.json()["classification"][0]
    assert not Case.objects.exists()
    case = make_case(officer=officer)
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "classification": level}, format="json"
    )
    assert response.status_code == 400 and "geaccrediteerd systeem" in response.json()["classification"][0]
    _unchanged(case, Classification.VERTROUWELIJK)


def test_a_document_above_the_accreditation_is_refused(api, officer, accredited_up_to_vertrouwelijk, tmp_path):
    from documents.models import Document

    use_tmp_document_storage(accredited_up_to_vertrouwelijk, tmp_path)
    case = make_case(officer=officer)
    response = api(officer).post(
        f"/api/cases/{case.pk}/documents/",
        {"title": "Ambtsbericht", "document_type": "memo", "classification": "geheim", "file": _upload(sample_pdf())},
        format="multipart",
    )
    assert response.status_code == 400 and "geaccrediteerd systeem" in response.json()["classification"][0]
    assert not Document.objects.exists()


def _upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("memo.pdf", content, content_type="application/pdf")


def test_the_forms_offer_only_the_accredited_levels(accredited_up_to_vertrouwelijk, officer):
    from cases.forms import CaseForm
    from documents.forms import DocumentUploadForm, ReclassifyForm

    offered = {value for value, _label in CaseForm().fields["classification"].choices}
    assert offered == set(Classification.values[: Classification.values.index("vertrouwelijk") + 1])
    for form in (DocumentUploadForm(), ReclassifyForm()):
        assert not {"confidentieel", "geheim", "zeer_geheim"} & {v for v, _l in form.fields["classification"].choices}


def test_the_web_form_shows_a_refused_lowering_as_a_form_error(client, officer, secret_case):
    Case.objects.filter(pk=secret_case.pk).update(state=State.MONITORING)
    web_session(client, officer)
    response = client.post(
        f"/cases/{secret_case.pk}/edit/",
        {
            "title": "Titel",
            "summary": "",
            "classification": "openbaar",
            "classification_reason": "",
            "version": secret_case.version,
        },
    )
    assert response.status_code in (200, 400)
    assert "Geef een reden op om de rubricering te verlagen." in response.content.decode()
    _unchanged(secret_case, Classification.GEHEIM)
    done = client.post(
        f"/cases/{secret_case.pk}/edit/",
        {
            "title": "Titel",
            "summary": "",
            "classification": "openbaar",
            "classification_reason": "Openbaar gemaakt.",
            "version": secret_case.version,
        },
    )
    assert done.status_code == 302
    page = client.get(f"/cases/{secret_case.pk}/").content.decode()
    assert "Rubricering gewijzigd van geheim in openbaar" in page and "Openbaar gemaakt." in page
    assert TimelineEvent.objects.filter(case=secret_case, reason="Openbaar gemaakt.").exists()


def test_a_new_case_above_ones_own_clearance_is_refused_at_the_field(client, make_user):
    """Found by trying the product: an intern's new case "geheim" came back with the refusal above
    the form, not at "Rubricering"."""
    from .factories import signal_form_post
    from .test_web_form_refusals import field_error

    intern = make_user("intern", Role.CASE_OFFICER, clearance=Classification.INTERN)
    web_session(client, intern)
    response = client.post("/cases/new/", signal_form_post(classification="geheim"))
    assert response.status_code in (200, 400)
    assert "eigen machtiging" in field_error(response.content.decode(), "id_classification")
    assert not Case.objects.exists()


def test_the_new_case_form_offers_the_levels_up_to_ones_own_clearance(client, make_user):
    """Found by trying the product: an intern was offered every level up to "geheim"."""
    intern = make_user("intern", Role.CASE_OFFICER, clearance=Classification.INTERN)
    web_session(client, intern)
    page = client.get("/cases/new/").content.decode()
    select = page.split('name="classification"', 1)[1].split("</select>", 1)[0]
    assert 'value="intern"' in select
    assert 'value="vertrouwelijk"' not in select and 'value="geheim"' not in select

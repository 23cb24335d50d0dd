"""Linking a document to another object of the same case (a decision, a score, an advice, a position)."""

import pytest
from django.utils import timezone

from audit.models import AuditRecord
from cases.models import CabinetDecision
from documents.selectors import documents_linked_to
from documents.services import document_upload

from .factories import make_case, sample_pdf, use_tmp_document_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def document(case, officer):
    return document_upload(
        user=officer,
        case=case,
        title="Besluitenlijst ministerraad",
        document_type="cabinet_decision",
        content=sample_pdf(),
        filename="besluit.pdf",
    )


def decision_of(case, user):
    return CabinetDecision.objects.create(
        case=case, meeting_date=timezone.localdate(), reference="MR-2025-12", deploy=True, recorded_by=user
    )


def link(client, document, target_type, target_id):
    return client.post(
        f"/api/cases/{document.case_id}/documents/{document.pk}/links/",
        {"target_type": target_type, "target_id": str(target_id)},
    )


def test_link_to_an_object_of_the_same_case(api, case, document, secretariat):
    decision = decision_of(case, secretariat)
    response = link(api(secretariat), document, "cases.cabinetdecision", decision.pk)
    assert response.status_code == 201
    assert response.json()["target_type"] == "cases.cabinetdecision"
    assert list(documents_linked_to(user=secretariat, obj=decision)) == [document]
    detail = api(secretariat).get(f"/api/cases/{case.pk}/documents/{document.pk}/").json()
    assert detail["links"][0]["target_id"] == str(decision.pk)
    assert AuditRecord.objects.filter(event="document.link").count() == 1


def test_linking_twice_is_one_link(api, case, document, secretariat):
    decision = decision_of(case, secretariat)
    link(api(secretariat), document, "cases.cabinetdecision", decision.pk)
    link(api(secretariat), document, "cases.cabinetdecision", decision.pk)
    assert document.links.count() == 1


def test_object_of_another_case_is_refused(api, case, document, officer, secretariat):
    other = make_case(officer=officer)
    decision = decision_of(other, officer)
    response = link(api(officer), document, "cases.cabinetdecision", decision.pk)
    assert response.status_code == 400 and "target_id" in response.json()
    assert not document.links.exists()


def test_unknown_or_foreign_object_types_are_refused(api, document, officer):
    assert "target_type" in link(api(officer), document, "access.user", officer.pk).json()
    assert "target_type" in link(api(officer), document, "nothing.here", 1).json()
    assert "target_id" in link(api(officer), document, "cases.cabinetdecision", 999999).json()


def test_linked_documents_are_only_shown_to_those_who_may_see_them(case, document, secretariat, outsider):
    from documents.services import document_link

    decision = decision_of(case, secretariat)
    document_link(user=secretariat, document=document, target_type="cases.cabinetdecision", target_id=decision.pk)
    assert list(documents_linked_to(user=outsider, obj=decision)) == []


def test_link_to_an_indicator_score_and_a_condition_of_the_cases_assessment(api, case, officer, assessor, assessor2):
    from . import factories

    if not hasattr(factories, "approve_assessment"):
        pytest.skip("assessments not available")
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(state="risk_assessment")
    assessment = factories.approve_assessment(Case.objects.get(pk=case.pk), lead=assessor, approver=assessor2)
    document = document_upload(
        user=assessor,
        case=case,
        title="Onderbouwing score",
        document_type="memo",
        content=sample_pdf(),
        filename="onderbouwing.pdf",
    )
    score = assessment.scores.first()
    condition = assessment.conditions.first()
    client = api(assessor)
    assert link(client, document, "assessments.indicatorscore", score.pk).status_code == 201
    assert link(client, document, "assessments.conditionfinding", condition.pk).status_code == 201
    assert list(documents_linked_to(user=assessor, obj=score)) == [document]
    other = make_case(officer=officer)
    foreign = document_upload(
        user=officer, case=other, title="Ander", document_type="memo", content=sample_pdf(), filename="a.pdf"
    )
    assert link(api(officer), foreign, "assessments.indicatorscore", score.pk).status_code == 400

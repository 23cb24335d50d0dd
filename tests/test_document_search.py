"""Finding documents again: filter per case by type, date and classification; search titles and the
text of plain-text, e-mail and DOCX documents."""

from datetime import date

import pytest

from core.classification import Classification
from documents.services import document_upload, document_version_add

from .factories import sample_docx, sample_eml, sample_pdf, use_tmp_document_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def documents(case, officer):
    def add(title, document_type, content, filename, **kw):
        return document_upload(
            user=officer, case=case, title=title, document_type=document_type, content=content, filename=filename, **kw
        )

    return {
        "signal": add(
            "Melding BTI",
            "signal",
            sample_eml("De koper handelt op aanwijzing van een staat.", subject="Melding overname"),
            "melding.eml",
            document_date=date(2025, 3, 1),
        ),
        "memo": add(
            "Analyse toeleveringsketen",
            "memo",
            "Fotonica is kritiek voor Defensie.".encode(),
            "memo.txt",
            document_date=date(2025, 4, 1),
            classification=Classification.GEHEIM,
        ),
        "advice": add(
            "Advies JenV",
            "advice",
            sample_docx("Het departement adviseert inzet.", "Vitale processen."),
            "advies.docx",
            document_date=date(2025, 5, 1),
        ),
        "valuation": add(
            "Waardering Q2", "valuation", sample_pdf("fotonica"), "waardering.pdf", document_date=date(2025, 6, 1)
        ),
    }


def titles(client, case, query=""):
    response = client.get(f"/api/cases/{case.pk}/documents/{query}")
    assert response.status_code == 200, response.json()
    return sorted(d["title"] for d in response.json()["results"])


def test_filter_by_type(api, case, officer, documents):
    assert titles(api(officer), case, "?document_type=advice") == ["Advies JenV"]
    assert titles(api(officer), case, "?document_type=advice&document_type=signal") == ["Advies JenV", "Melding BTI"]


def test_filter_by_date(api, case, officer, documents):
    assert titles(api(officer), case, "?date_from=2025-04-01&date_to=2025-05-31") == [
        "Advies JenV",
        "Analyse toeleveringsketen",
    ]


def test_filter_by_classification(api, case, officer, documents):
    assert titles(api(officer), case, "?classification=geheim") == ["Analyse toeleveringsketen"]


def test_search_in_titles(api, case, officer, documents):
    assert titles(api(officer), case, "?search=waardering") == ["Waardering Q2"]


def test_search_in_the_text_of_text_email_and_docx(api, case, officer, documents):
    client = api(officer)
    assert titles(client, case, "?search=defensie") == ["Analyse toeleveringsketen"]  # text/plain
    assert titles(client, case, "?search=aanwijzing van een staat") == ["Melding BTI"]  # e-mail body
    assert titles(client, case, "?search=melding overname") == ["Melding BTI"]  # e-mail subject
    assert titles(client, case, "?search=adviseert inzet") == ["Advies JenV"]  # DOCX paragraphs
    assert titles(client, case, "?search=fotonica") == ["Analyse toeleveringsketen"]  # PDF text is not extracted


def test_search_finds_text_of_a_later_version(api, case, officer, documents):
    document_version_add(
        user=officer,
        document=documents["advice"],
        content=sample_docx("Herzien: voorwaarde exclusiviteit."),
        filename="advies-v2.docx",
    )
    assert titles(api(officer), case, "?search=exclusiviteit") == ["Advies JenV"]


def test_bad_filter_values_are_field_errors(api, case, officer, documents):
    response = api(officer).get(f"/api/cases/{case.pk}/documents/?document_type=poster&date_from=gisteren")
    assert response.status_code == 400
    assert {"document_type", "date_from"} <= set(response.json())


def test_list_only_for_the_case_team(api, case, outsider, documents):
    assert api(outsider).get(f"/api/cases/{case.pk}/documents/").status_code == 404


def test_list_hides_documents_above_the_members_clearance(api, case, officer, make_user, documents):
    from access.roles import Role
    from cases.services import case_team_add

    junior = make_user("junior", Role.RISK_ASSESSOR, clearance=Classification.VERTROUWELIJK)
    case_team_add(user=officer, case=case, member=junior, role=Role.RISK_ASSESSOR)
    assert "Analyse toeleveringsketen" not in titles(api(junior), case)
    assert titles(api(junior), case, "?search=defensie") == []

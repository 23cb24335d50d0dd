"""Several people adding versions, or a generator storing the same letter, at the same moment: every
version gets its own number, one document per source key, no file without a row.

Runs against PostgreSQL with real parallel connections."""

import pytest

from documents.models import Document, DocumentVersion
from documents.services import document_upload, document_version_add, generated_document_store

from .concurrency import POSTGRES_ONLY, race
from .factories import sample_pdf, use_tmp_document_storage

pytestmark = POSTGRES_ONLY


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def test_concurrent_new_versions_get_distinct_numbers(case, officer, assessor, manager, storage):
    document = document_upload(
        user=officer,
        case=case,
        title="Waardering",
        document_type="valuation",
        content=sample_pdf("v1"),
        filename="w.pdf",
    )
    users = [officer, assessor, manager, officer, assessor]
    results = race(
        [
            lambda u=u, i=i: document_version_add(
                user=u, document=document, content=sample_pdf(f"v{i + 2}"), filename="w.pdf"
            )
            for i, u in enumerate(users)
        ]
    )
    assert all(isinstance(r, DocumentVersion) for r in results), results
    numbers = sorted(document.versions.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert len([p for p in storage.rglob("*") if p.is_file()]) == 6


def test_concurrent_generation_of_the_same_source_is_one_document(case, officer):
    results = race(
        [
            lambda i=i: generated_document_store(
                user=officer,
                case=case,
                title="Kamerbrief",
                document_type="letter",
                filename="brief.pdf",
                content=sample_pdf(f"concept {i}"),
                classification=case.classification,
                source_key="letter:42",
            )
            for i in range(4)
        ]
    )
    assert all(isinstance(r, DocumentVersion) for r in results), results
    assert Document.objects.filter(case=case, source_key="letter:42").count() == 1
    assert sorted(r.number for r in results) == [1, 2, 3, 4]

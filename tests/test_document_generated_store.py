"""Generated letters and reports are stored as documents of the case; the same source is versioned."""

import pytest

from audit.models import AuditRecord
from core.classification import Classification
from core.exceptions import RuleViolation
from documents.models import Document
from documents.services import document_version_download, generated_document_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


def _store(case, user, content=b"%PDF-1.7\nbrief", **kw):
    args = dict(
        user=user,
        case=case,
        title="Kamerbrief inzet BEV",
        document_type="letter",
        filename="brief.pdf",
        content=content,
        classification=case.classification,
        source_key="letter:1",
    )
    args.update(kw)
    return generated_document_store(**args)


def test_same_source_key_gives_a_new_version_of_the_same_document(case, officer):
    first = _store(case, officer)
    second = _store(case, officer, content=b"%PDF-1.7\nbrief, herzien")
    assert first.document_id == second.document_id
    assert (first.number, second.number) == (1, 2)
    assert Document.objects.filter(case=case).count() == 1
    assert document_version_download(user=officer, version=first) == b"%PDF-1.7\nbrief"
    assert AuditRecord.objects.filter(event="document.generate", case_id=case.pk).count() == 2


def test_other_source_key_is_another_document(case, officer):
    _store(case, officer)
    _store(case, officer, source_key="letter:2")
    assert Document.objects.filter(case=case).count() == 2


def test_unchanged_source_revision_is_not_stored_again(case, officer):
    first = _store(case, officer, source_revision="assessment:1:r1")
    again = _store(case, officer, source_revision="assessment:1:r1")
    revised = _store(case, officer, source_revision="assessment:1:r2")
    assert again.pk == first.pk
    assert revised.number == 2


def test_a_public_letter_below_the_case_needs_a_reason(case, officer):
    with pytest.raises(RuleViolation):
        _store(case, officer, classification=Classification.OPENBAAR)
    version = _store(
        case,
        officer,
        classification=Classification.OPENBAAR,
        classification_reason="Openbare Kamerbrief: alleen openbaar te maken gegevens.",
    )
    assert version.document.classification == Classification.OPENBAAR
    assert version.document.classification_reason


def test_system_task_may_store_without_a_user(case):
    version = _store(case, None)
    assert version.uploaded_by is None

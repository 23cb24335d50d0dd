"""Uploaded Office files are inspected in a child process with limits (issue 22, "work bounded per
request"): too many zip entries, a zip bomb (unpacked size, compression ratio), too many XML
elements, XML nested too deep, a DTD, and an inspection that overruns its time are each refused
with a 400 at "file" naming the limit, and nothing is stored. Ordinary DOCX and XLSX files are
still accepted, with their text searchable."""

import io
import multiprocessing
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import filetypes, office_inspection
from documents.models import Document, DocumentVersion

from .factories import sample_docx, sample_xlsx, use_tmp_document_storage, web_session

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def upload(client, case, content: bytes, name: str = "memo.docx"):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "title": "Inlichtingenmemo",
        "document_type": "memo",
    }
    return client.post(f"/api/cases/{case.pk}/documents/", data, format="multipart")


def assert_refused(response, storage, *words: str) -> str:
    assert response.status_code == 400, response.content
    message = response.json()["file"][0]
    for word in words:
        assert word in message, message
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not storage.exists() or not [p for p in storage.rglob("*") if p.is_file()]
    return message


def docx_with_body(body: str, *, compression: int = zipfile.ZIP_DEFLATED, extra: dict | None = None) -> bytes:
    """A real DOCX (python-docx's) whose word/document.xml body is replaced by `body`."""
    source = zipfile.ZipFile(io.BytesIO(sample_docx("Memo")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                text = data.decode()
                start, end = text.index("<w:body>") + len("<w:body>"), text.index("</w:body>")
                data = (text[:start] + body + text[end:]).encode()
            archive.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_with_zeros(name: str, size: int) -> bytes:
    """A DOCX with one more part of `size` zero bytes, deflated (a few KB per 10 MiB)."""
    buffer = io.BytesIO(docx_with_body("<w:p><w:r><w:t>Memo</w:t></w:r></w:p>"))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as part:
        for _ in range(size // MIB):
            part.write(bytes(MIB))
    return buffer.getvalue()


PARAGRAPH = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"


def test_a_normal_docx_and_xlsx_are_accepted_and_the_docx_text_is_searchable(api, case, officer):
    body = "".join(f"<w:p><w:r><w:t>Alinea {n}</w:t></w:r></w:p>" for n in range(2000))
    table = (
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Koper</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Staatsfonds</w:t><w:tab/><w:t>X</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    response = upload(api(officer), case, docx_with_body(body + table))
    assert response.status_code == 201, response.json()
    version = DocumentVersion.objects.get()
    assert version.file_kind == "docx"
    assert "Alinea 0\nAlinea 1\n" in version.extracted_text and "Alinea 1999" in version.extracted_text
    assert "Koper" in version.extracted_text and "Staatsfonds\tX" in version.extracted_text

    response = upload(api(officer), case, sample_xlsx(), "waardering.xlsx")
    assert response.status_code == 201, response.json()
    assert response.json()["versions"][0]["file_kind"] == "xlsx"


def test_a_docx_of_200000_paragraphs_is_refused_at_the_element_limit(api, case, officer, storage):
    content = docx_with_body(PARAGRAPH * 200_000)
    assert len(content) < 100_000  # small on the wire: the work is in the unpacking
    assert_refused(
        upload(api(officer), case, content), storage, f"meer dan {office_inspection.MAX_XML_ELEMENTS} XML-elementen"
    )


def test_deeply_nested_xml_is_refused_at_the_depth_limit(api, case, officer, storage):
    depth = 10_000
    content = docx_with_body("<w:p>" + "<w:sdt>" * depth + "</w:sdt>" * depth + "</w:p>")
    assert_refused(
        upload(api(officer), case, content), storage, f"dieper dan {office_inspection.MAX_XML_DEPTH} niveaus"
    )


def test_a_dtd_with_entities_is_refused(api, case, officer, storage):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
    )
    content = docx_with_body(PARAGRAPH, extra={"word/custom.xml": laughs})
    assert_refused(upload(api(officer), case, content), storage, "XML-DTD")


def test_too_many_zip_entries_are_refused(api, case, officer, storage):
    limit = office_inspection.MAX_ENTRIES
    content = docx_with_body(PARAGRAPH, extra={f"word/media/image{n}.png": b"" for n in range(limit)})
    assert_refused(upload(api(officer), case, content), storage, f"meer dan {limit} onderdelen")


def test_a_zip_bomb_is_refused_at_the_unpacked_size(api, case, officer, storage):
    limit = office_inspection.MAX_UNPACKED_BYTES
    content = docx_with_zeros("word/media/bomb.bin", limit + MIB)
    assert len(content) < MIB
    assert_refused(upload(api(officer), case, content), storage, f"meer dan {limit // MIB} MB")


def test_a_zip_bomb_below_the_size_limit_is_refused_at_the_compression_ratio(api, case, officer, storage):
    content = docx_with_zeros("word/media/bomb.bin", office_inspection.RATIO_FROM_BYTES + MIB)
    assert_refused(
        upload(api(officer), case, content),
        storage,
        f"meer dan {office_inspection.MAX_COMPRESSION_RATIO} keer samengeperst",
    )


def test_an_inspection_that_overruns_its_time_is_killed_and_refused(api, case, officer, storage, monkeypatch):
    # The child cannot even start in a millisecond: the parent's timeout is what refuses.
    monkeypatch.setattr(office_inspection, "TIMEOUT_SECONDS", 0.001)
    assert_refused(upload(api(officer), case, sample_docx("Memo")), storage, "binnen 0.001 seconden")


def test_the_web_form_shows_the_limit_at_the_file_field(client, officer, case, storage):
    web_session(client, officer)
    data = {
        "title": "Inlichtingenmemo",
        "document_type": "memo",
        "file": SimpleUploadedFile("memo.docx", docx_with_body(PARAGRAPH * 200_000)),
    }
    response = client.post(reverse("documents:case", args=[case.pk]), data)
    assert response.status_code == 400
    assert f"meer dan {office_inspection.MAX_XML_ELEMENTS} XML-elementen" in response.content.decode()
    assert not Document.objects.exists()


def _inspect_in_daemon(content: bytes, answers) -> None:
    answers.put(filetypes._run_office_inspection(content))


def test_the_inspection_also_runs_in_a_daemonic_process_as_a_celery_prefork_child():
    # A daemonic process may not start multiprocessing children; the inspection's subprocess it may.
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_inspect_in_daemon, args=(sample_docx("Analyse"), answers), daemon=True)
    child.start()
    answer = answers.get(timeout=30)
    child.join(timeout=30)
    assert answer == {"kind": "docx", "text": "Analyse"}

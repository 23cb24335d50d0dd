"""Recognising an uploaded file by its content (magic bytes and structure), never by its name or
the type the client claims, and extracting searchable text from the text formats."""

from __future__ import annotations

import io
import re
import zipfile
from email import policy
from email.parser import BytesParser

from django.utils.translation import gettext as _

from core.exceptions import RuleViolation

from .constants import EXTENSIONS, FileKind

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
GIF_MAGICS = (b"GIF87a", b"GIF89a")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Outlook .msg files are OLE2 compound files whose streams are named "__substg1.0_<tag>"
# (directory entries are UTF-16LE). Other OLE2 files (old .doc/.xls, possibly with macros) are refused.
MSG_STREAM_MARKER = "__substg1.0_".encode("utf-16-le")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# A zip whose members would unpack to more than this is refused (zip bomb).
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_EXTRACTED_CHARS = 1_000_000
# An RFC 822 header line: a field name of printable characters except ":" then ":".
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_EMAIL_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version"}


def _refuse(message: str):
    raise RuleViolation(message, field="file")


def _zip_kind(content: bytes) -> FileKind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(_("Het bestand is een beschadigd zip-archief."))
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        _refuse(_("Het bestand pakt uit tot een onredelijke grootte en wordt geweigerd."))
    names = {info.filename for info in infos}
    try:
        if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
            return FileKind.ODT
        if "[Content_Types].xml" in names:
            content_types = archive.read("[Content_Types].xml")
            if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
                _refuse(_("Bestanden met macro's zijn niet toegestaan."))
            if "word/document.xml" in names and b"wordprocessingml.document.main+xml" in content_types:
                return FileKind.DOCX
            if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main+xml" in content_types:
                return FileKind.XLSX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        _refuse(_("Het bestand is een beschadigd zip-archief."))
    _refuse(_("Dit zip-bestand is geen DOCX-, XLSX- of ODT-document; andere archieven zijn niet toegestaan."))


def _looks_like_email(content: bytes) -> bool:
    """RFC 822: the message starts with header lines, including at least From and one of the others."""
    head = content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue  # folded continuation of the previous header
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].decode("ascii").lower())
    return "from" in names and len(names & _EMAIL_HEADERS) >= 2


def _is_utf8_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_file_kind(content: bytes) -> FileKind:
    """The kind of file, from its content; a RuleViolation on "file" for anything not allowed."""
    if not content:
        _refuse(_("Het bestand is leeg."))
    if content.startswith(PDF_MAGIC):
        return FileKind.PDF
    if content.startswith(PNG_MAGIC):
        return FileKind.PNG
    if content.startswith(JPEG_MAGIC):
        return FileKind.JPEG
    if content.startswith(GIF_MAGICS):
        return FileKind.GIF
    if content.startswith(ZIP_MAGIC):
        return _zip_kind(content)
    if content.startswith(OLE2_MAGIC):
        if MSG_STREAM_MARKER in content:
            return FileKind.MSG
        _refuse(_("Oude Office-bestanden (.doc, .xls) zijn niet toegestaan; alleen Outlook-berichten (.msg)."))
    if b"\x00" not in content and _looks_like_email(content):
        return FileKind.EML
    if _is_utf8_text(content.removeprefix(b"\xef\xbb\xbf")):
        return FileKind.TEXT
    _refuse(_("Dit bestandstype is niet toegestaan. Toegestaan zijn: PDF, DOCX, XLSX, ODT, PNG, JPEG, GIF, "
              "platte tekst (UTF-8) en e-mail (.eml, .msg)."))


def safe_filename(name: str, kind: FileKind) -> str:
    """The name shown on download: the base name the uploader gave, cleaned, with an extension that
    matches the detected content (a PDF called "x.html" is served as "x.html.pdf")."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"<>|*?:;]", "", base).strip(" .") or "document"
    base = base[:200]
    if not base.lower().endswith(EXTENSIONS[kind]):
        base = f"{base}{EXTENSIONS[kind][0]}"
    return base


def extract_text(content: bytes, kind: FileKind) -> str:
    """Searchable text of text/plain, .eml and DOCX (paragraphs and tables); "" for other kinds."""
    try:
        if kind == FileKind.TEXT:
            text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        elif kind == FileKind.EML:
            text = _email_text(content)
        elif kind == FileKind.DOCX:
            text = _docx_text(content)
        else:
            return ""
    except Exception:  # noqa: BLE001 - text extraction is a convenience, never a reason to refuse
        return ""
    return text[:MAX_EXTRACTED_CHARS]


def _email_text(content: bytes) -> str:
    message = BytesParser(policy=policy.default).parsebytes(content)
    parts = [f"{name}: {message[name]}" for name in ("From", "To", "Subject", "Date") if message[name]]
    body = message.get_body(preferencelist=("plain",))
    if body is not None:
        parts.append(body.get_content())
    return "\n".join(parts)


def _docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(line for line in lines if line)

"""Recognising an uploaded file by its content (magic bytes and structure), never by its name or
the type the client claims, and extracting searchable text from the text formats. Zip-based Office
files are inspected in a child process with limits on entries, size, XML and time (issue 22)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any, NoReturn

from django.utils.translation import gettext as _

from core.exceptions import RuleViolation

from . import office_inspection
from .constants import EXTENSIONS, FileKind

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
GIF_MAGICS = (b"GIF87a", b"GIF89a")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Outlook .msg files are OLE2 compound files whose streams are named "__substg1.0_<tag>"
# (directory entries are UTF-16LE). Other OLE2 files (old .doc/.xls, possibly with macros) are refused.
MSG_STREAM_MARKER = "__substg1.0_".encode("utf-16-le")
MAX_EXTRACTED_CHARS = 1_000_000
# An RFC 822 header line: a field name of printable characters except ":" then ":".
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_EMAIL_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version"}


def _refuse(message: str) -> NoReturn:
    raise RuleViolation(message, field="file")


def _office_kind(content: bytes) -> tuple[FileKind, str]:
    """A zip upload is inspected in a child process with limits (`documents/office_inspection.py`,
    issue 22): the kind of Office file and the DOCX body's text, or a refusal naming the limit."""
    result = _run_office_inspection(content)
    if "kind" in result:
        return FileKind(result["kind"]), result.get("text", "")
    reason, limit = result.get("refused") or "failed", result.get("limit")
    messages = {
        "corrupt": _("Het bestand is een beschadigd zip-archief."),
        "not_office": _("Dit zip-bestand is geen DOCX-, XLSX- of ODT-document; andere archieven zijn niet toegestaan."),
        "macros": _("Bestanden met macro's zijn niet toegestaan."),
        "entries": _("Het bestand bevat meer dan %(limit)s onderdelen (zip-items) en wordt geweigerd."),
        "unpacked": _("Het bestand pakt uit tot meer dan %(limit)s MB en wordt geweigerd."),
        "ratio": _("Het bestand is meer dan %(limit)s keer samengeperst (zip-bom) en wordt geweigerd."),
        "elements": _("Het bestand bevat meer dan %(limit)s XML-elementen en wordt geweigerd."),
        "depth": _("Het bestand bevat XML dat dieper dan %(limit)s niveaus genest is en wordt geweigerd."),
        "doctype": _("Het bestand bevat een XML-DTD, die in Office-documenten niet hoort, en wordt geweigerd."),
        "timeout": _("Het bestand kon niet binnen %(limit)s seconden worden gecontroleerd en wordt geweigerd."),
        "failed": _(
            "Het bestand kon niet binnen de reken- en geheugenlimiet van de controle worden "
            "gecontroleerd en wordt geweigerd."
        ),
    }
    if reason == "unpacked" and limit is not None:
        limit = limit // (1024 * 1024)
    _refuse(messages.get(reason, messages["failed"]) % {"limit": limit})


def _run_office_inspection(content: bytes) -> dict[str, Any]:
    """Runs `office_inspection.py` as a child process and kills it after its timeout.

    A plain subprocess rather than a multiprocessing pool (as `core/pdf.py` uses): a Celery prefork
    child is daemonic and may not start multiprocessing children, but it may start a subprocess, so
    the same bounded path serves web workers and tasks. `-I -S`: the child sees neither the
    environment's Python settings nor site-packages; it needs the standard library only."""
    command = [sys.executable, "-I", "-S", str(Path(office_inspection.__file__))]
    try:
        finished = subprocess.run(
            command, input=content, capture_output=True, timeout=office_inspection.TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        logger.warning("Office file inspection refused: over %s s", office_inspection.TIMEOUT_SECONDS)
        return {"refused": "timeout", "limit": office_inspection.TIMEOUT_SECONDS}
    try:
        result = json.loads(finished.stdout)
    except ValueError:
        result = None
    if finished.returncode != 0 or not isinstance(result, dict):
        # killed by its CPU limit (SIGXCPU) or out of its memory (MemoryError)
        logger.warning(
            "Office file inspection failed (exit %s): %s",
            finished.returncode,
            finished.stderr[-500:].decode(errors="replace"),
        )
        return {"refused": "failed"}
    return result


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


@dataclass(frozen=True)
class InspectedFile:
    kind: FileKind
    text: str  # searchable text ("" for kinds without)


def inspect_file(content: bytes) -> InspectedFile:
    """The kind of file, from its content, and its searchable text; a RuleViolation on "file" for
    anything not allowed."""
    if content.startswith(ZIP_MAGIC):
        kind, text = _office_kind(content)
        return InspectedFile(kind=kind, text=text[:MAX_EXTRACTED_CHARS])
    kind = _detect_kind(content)
    return InspectedFile(kind=kind, text=_extract_text(content, kind))


def _detect_kind(content: bytes) -> FileKind:
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
    if content.startswith(OLE2_MAGIC):
        if MSG_STREAM_MARKER in content:
            return FileKind.MSG
        _refuse(_("Oude Office-bestanden (.doc, .xls) zijn niet toegestaan; alleen Outlook-berichten (.msg)."))
    if b"\x00" not in content and _looks_like_email(content):
        return FileKind.EML
    if _is_utf8_text(content.removeprefix(b"\xef\xbb\xbf")):
        return FileKind.TEXT
    _refuse(
        _(
            "Dit bestandstype is niet toegestaan. Toegestaan zijn: PDF, DOCX, XLSX, ODT, PNG, JPEG, GIF, "
            "platte tekst (UTF-8) en e-mail (.eml, .msg)."
        )
    )


def safe_filename(name: str, kind: FileKind) -> str:
    """The name shown on download: the base name the uploader gave, cleaned, with an extension that
    matches the detected content (a PDF called "x.html" is served as "x.html.pdf")."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"<>|*?:;]", "", base).strip(" .") or "document"
    base = base[:200]
    if not base.lower().endswith(EXTENSIONS[kind]):
        base = f"{base}{EXTENSIONS[kind][0]}"
    return base


def _extract_text(content: bytes, kind: FileKind) -> str:
    """Searchable text of text/plain and .eml; "" for other kinds (DOCX: from its inspection)."""
    try:
        if kind == FileKind.TEXT:
            text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        elif kind == FileKind.EML:
            text = _email_text(content)
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

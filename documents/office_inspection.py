"""The inspection of an uploaded zip-based Office file (DOCX, XLSX, ODT), run in a child process.

This module runs as a script (`python -I -S office_inspection.py`) in a child process that
`documents.filetypes` starts for every zip upload: it reads the file from stdin and writes one
JSON object to stdout. It uses the standard library only (no Django, no site-packages), so the
child starts in tens of milliseconds, and it limits its own CPU time and memory before it reads
anything. The parent kills it after `TIMEOUT_SECONDS` (issue 22: a 20 KB DOCX of 200,000
paragraphs took 9.5 s of CPU inside the upload request when python-docx parsed it there).

Every limit is checked while reading, so a file is refused as soon as it exceeds one:
- the zip's directory: number of entries, total unpacked size (declared sizes; `zipfile` never
  returns more than an entry declares) and the ratio of unpacked size to the upload's size;
- every XML part, streamed through expat: number of elements (over all parts), nesting depth, and
  no DTD (Office XML has none; a DTD is how entity expansion bombs start).

The answer is {"kind": "docx"|"xlsx"|"odt", "text": "..."} (text: the DOCX body's paragraphs, for
search) or {"refused": "<limit>", "limit": <value>}.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from xml.parsers import expat

TIMEOUT_SECONDS = 10  # wall time the parent waits; the child's CPU limit is one second more
MEMORY_BYTES = 1024 * 1024 * 1024  # the child's address space
MAX_ENTRIES = 1000  # a DOCX has ~15 entries, an XLSX ~10 plus one per sheet
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # unpacked / uploaded, checked once the archive unpacks beyond RATIO_FROM_BYTES
RATIO_FROM_BYTES = 10 * 1024 * 1024
MAX_XML_ELEMENTS = 500_000  # over all XML parts; ~100,000 paragraphs of text, ~200,000 spreadsheet cells
MAX_XML_DEPTH = 128  # body, ten tables nested in each other and their runs stay below 80
MAX_TEXT_CHARS = 1_000_000
CHUNK_BYTES = 64 * 1024

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
XML_SUFFIXES = (".xml", ".rels")


class Refused(Exception):
    def __init__(self, reason: str, limit: int | None = None):
        super().__init__(reason)
        self.reason, self.limit = reason, limit


def inspect(content: bytes) -> dict:
    try:
        return _inspect(content)
    except Refused as refusal:
        return {"refused": refusal.reason, "limit": refusal.limit}


def _inspect(content: bytes) -> dict:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise Refused("corrupt") from None
    if len(infos) > MAX_ENTRIES:
        raise Refused("entries", MAX_ENTRIES)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused("unpacked", MAX_UNPACKED_BYTES)
    if unpacked > RATIO_FROM_BYTES and unpacked > MAX_COMPRESSION_RATIO * len(content):
        raise Refused("ratio", MAX_COMPRESSION_RATIO)
    try:
        kind = _kind(archive, {info.filename for info in infos})
        text = _check_xml(archive, infos, extract_text=kind == "docx")
    except Refused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        OSError,
        RuntimeError,
        ValueError,
        EOFError,
        NotImplementedError,
        expat.ExpatError,
    ):
        raise Refused("corrupt") from None
    return {"kind": kind, "text": text}


def _kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
        return "odt"
    if "[Content_Types].xml" in names:
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise Refused("macros")
        if "word/document.xml" in names and b"wordprocessingml.document.main+xml" in content_types:
            return "docx"
        if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main+xml" in content_types:
            return "xlsx"
    raise Refused("not_office")


class _XmlBudget:
    """Counts elements over all parts and the depth of the present one; collects the DOCX body's text."""

    def __init__(self) -> None:
        self.elements = 0
        self.depth = 0
        self.text: list[str] = []
        self.text_chars = 0
        self.collect = False
        self.in_text = False

    def parser(self, *, collect: bool):
        self.depth, self.collect, self.in_text = 0, collect, False
        parser = expat.ParserCreate()  # no namespace processing: a prefix is part of the name
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.StartDoctypeDeclHandler = self.doctype
        if collect:
            parser.CharacterDataHandler = self.characters
        return parser

    def start(self, name: str, attributes) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise Refused("elements", MAX_XML_ELEMENTS)
        if self.depth > MAX_XML_DEPTH:
            raise Refused("depth", MAX_XML_DEPTH)
        if self.collect:
            local = name.rpartition(":")[2]
            if local == "t":
                self.in_text = True
            elif local == "tab":
                self._add("\t")
            elif local in ("br", "cr"):
                self._add("\n")

    def end(self, name: str) -> None:
        self.depth -= 1
        if self.collect:
            local = name.rpartition(":")[2]
            if local == "t":
                self.in_text = False
            elif local == "p":
                self._add("\n")

    def characters(self, data: str) -> None:
        if self.in_text:
            self._add(data)

    def doctype(self, *args) -> None:
        raise Refused("doctype")

    def _add(self, text: str) -> None:
        if self.text_chars < MAX_TEXT_CHARS:
            self.text.append(text)
            self.text_chars += len(text)


def _check_xml(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], *, extract_text: bool) -> str:
    budget = _XmlBudget()
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        parser = budget.parser(collect=extract_text and info.filename == "word/document.xml")
        with archive.open(info) as part:
            while chunk := part.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    lines = "".join(budget.text).split("\n")
    return "\n".join(line for line in lines if line.strip())[:MAX_TEXT_CHARS]


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT_SECONDS + 1, TIMEOUT_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def main() -> None:
    _limit_self()
    content = sys.stdin.buffer.read()
    sys.stdout.write(json.dumps(inspect(content)))


if __name__ == "__main__":
    main()

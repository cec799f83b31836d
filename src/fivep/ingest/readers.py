"""Readers: one per transcript format, each returning the body as paragraphs.

A reader turns a file into a :class:`RawTranscript`: metadata plus a list of paragraphs, each
with the line (or cue, or page) it came from, so that later errors can point back into the file.
Speaker turns are found afterwards, the same way for every format (:mod:`fivep.ingest.turns`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivep.errors import InputError, TranscriptError
from fivep.ingest.encoding import decode_bytes

FORMATS = ("txt", "md", "docx", "odt", "pdf", "vtt", "srt")
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx",
               ".odt": "odt", ".pdf": "pdf", ".vtt": "vtt", ".srt": "srt"}

# Limits that keep a hostile file from exhausting memory (packages: fivep.exchange.safety.PACKAGE_LIMITS).
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_LINE_CHARS = 2_000_000   # one line (paragraph, cue) of a transcript: some 600 pages of one voice


@dataclass
class Paragraph:
    text: str
    line: int                    # 1-based line (or cue / paragraph number) in the source file
    time: str | None = None      # a cue's start time, for subtitle formats
    speaker: str | None = None   # a speaker given by the format itself (WebVTT voice tag)


@dataclass
class RawTranscript:
    path: str
    format: str
    paragraphs: list[Paragraph]
    meta: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None
    extracted: bool = False      # text extracted from a layout format (PDF): repair Thai
    joiner: str = "\n"           # how continuation lines join a turn
    warnings: list[str] = field(default_factory=list)  # what was read differently from how it was written


def detect_format(path: str | Path, data: bytes | None = None) -> str:
    """The format of ``path``, from its content where that is unambiguous, else its extension."""
    path = Path(path)
    head = data[:8] if data is not None else b""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if path.suffix.lower() == ".odt":
            return "odt"
        return "docx"
    stripped = (data or b"")[:16].lstrip(b"\xef\xbb\xbf")
    if stripped.startswith(b"WEBVTT"):
        return "vtt"
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown transcript format '{path.suffix or '(no extension)'}'",
            path=path,
            hint=f"use one of {', '.join('.' + f for f in FORMATS)}, or pass --format",
        )
    return fmt


def read_transcript(path: str | Path, format: str | None = None) -> RawTranscript:
    """Read a transcript file in any supported format (detected unless ``format`` is given)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    if size == 0:
        raise TranscriptError("the file is empty", path=path, hint="export the transcript again")
    if size > MAX_FILE_BYTES:
        raise TranscriptError(f"the file is {size // 2**20} MB, more than the limit of "
                              f"{MAX_FILE_BYTES // 2**20} MB", path=path, hint="split the transcript")
    data = path.read_bytes()
    fmt = format or detect_format(path, data)
    if fmt not in _READERS:
        raise InputError(f"unknown format '{fmt}'", path=path, hint=f"use one of {', '.join(FORMATS)}")
    raw = _READERS[fmt](path, data)
    long = next((p for p in raw.paragraphs if len(p.text) > MAX_LINE_CHARS), None)
    if long is not None:   # one statement this long costs gigabytes to code, and is no one's speech
        raise TranscriptError(f"a line of {len(long.text):,} characters, more than the limit of {MAX_LINE_CHARS:,}",
                              path=path, line=long.line, hint="speaker turns need line breaks between them")
    return raw


# --- plain text -------------------------------------------------------------------------------

_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)\s*$")


def split_front_matter(text: str, path: str | Path,
                       warnings: list[str] | None = None) -> tuple[dict[str, Any], str, int]:
    """Split optional YAML front matter from ``text``.

    Returns ``(meta, body, body_first_line)`` with ``body_first_line`` 1-based. Unknown keys and values
    that cannot be read are reported in ``warnings`` (see :mod:`fivep.ingest.front_matter`).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for i in range(1, len(lines)):
        if _FRONT_MATTER_END.match(lines[i]):
            import yaml

            from fivep import safe_yaml

            block = "\n".join(lines[1:i])
            try:
                meta = safe_yaml.load(block) or {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                problem = getattr(error, "problem", None) or "invalid YAML"
                raise TranscriptError(f"front matter is not valid YAML: {problem}", path=path,
                                      line=line, hint="check quotes and colons in the --- block") from None
            if not isinstance(meta, dict):
                raise TranscriptError("front matter must be a mapping of 'key: value' lines",
                                      path=path, line=2)
            if warnings is not None:
                from fivep.ingest.front_matter import check_front_matter, key_lines

                warnings.extend(check_front_matter(meta, key_lines(lines[1:i], 2), path))
            return meta, "\n".join(lines[i + 1 :]), i + 2
    raise TranscriptError("front matter starts with '---' but never ends", path=path, line=1,
                          hint="close it with a line holding only '---'")


def _read_plain(path: Path, data: bytes) -> RawTranscript:
    text, encoding = decode_bytes(data, path)
    if "\x00" in text:  # decode_bytes looks for NUL bytes only near the start
        raise TranscriptError("this looks like a binary or damaged file: it contains NUL bytes", path=path,
                              line=text.count("\n", 0, text.index("\x00")) + 1,
                              hint="save the transcript again as UTF-8 text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    warnings: list[str] = []
    meta, body, first = split_front_matter(text, path, warnings)
    paragraphs = [Paragraph(line, first + i) for i, line in enumerate(body.split("\n"))]
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    return RawTranscript(str(path), fmt, paragraphs, meta, encoding, warnings=warnings)


# --- zip-based office formats --------------------------------------------------------------------


def _check_zip(path: Path, data: bytes, fmt: str) -> None:
    """Refuse a damaged, encrypted or bomb-like package before python-docx or odfpy unpacks it
    (the limits per format are :data:`fivep.exchange.safety.PACKAGE_LIMITS`)."""
    from fivep.exchange.safety import check_package

    check_package(data, path, fmt, error=TranscriptError, hint="open it in Word or LibreOffice and save it again")


def _read_docx(path: Path, data: bytes) -> RawTranscript:
    import io

    _check_zip(path, data, "docx")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - python-docx raises several unrelated types on damaged files
        raise TranscriptError(f"not a readable Word document ({type(error).__name__})", path=path,
                              hint="open it in Word or LibreOffice and save it again as .docx") from None
    paragraphs: list[Paragraph] = []
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells]
                number += 1
                if len(cells) >= 2 and cells[0] and cells[1]:
                    paragraphs.append(Paragraph(f"{cells[0]}: {' '.join(cells[1:])}", number))
                else:
                    paragraphs.append(Paragraph(" ".join(c for c in cells if c), number))
        else:
            number += 1
            for piece in block.text.split("\n"):
                paragraphs.append(Paragraph(piece, number))
    props = document.core_properties
    meta: dict[str, Any] = {}
    if props.title:
        meta["title"] = props.title
    if props.language:
        meta["language"] = props.language.split("-")[0]
    warnings: list[str] = []
    paragraphs = _front_matter_in_paragraphs(paragraphs, meta, path, warnings)
    return RawTranscript(str(path), "docx", paragraphs, meta, warnings=warnings)


def _read_odt(path: Path, data: bytes) -> RawTranscript:
    import io

    _check_zip(path, data, "odt")
    try:
        from odf import teletype
        from odf import text as odf_text
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        elements = document.getElementsByType(odf_text.P) + document.getElementsByType(odf_text.H)
    except Exception as error:  # noqa: BLE001 - odfpy raises a variety of parser errors
        raise TranscriptError(f"not a readable OpenDocument text ({type(error).__name__})", path=path,
                              hint="open it in LibreOffice and save it again as .odt") from None
    paragraphs = [Paragraph(teletype.extractText(p), i + 1) for i, p in enumerate(elements)]
    return RawTranscript(str(path), "odt", _front_matter_in_paragraphs(paragraphs, {}, path), {})


def _front_matter_in_paragraphs(paragraphs: list[Paragraph], meta: dict[str, Any],
                                path: Path, warnings: list[str] | None = None) -> list[Paragraph]:
    """A layout document may carry a YAML front-matter block in its first paragraphs."""
    blank = next((i for i, p in enumerate(paragraphs) if p.text.strip()), len(paragraphs))
    paragraphs = paragraphs[blank:]   # one slice: dropping blank paragraphs one by one was quadratic
    if paragraphs and paragraphs[0].text.strip() == "---":
        found, _body, first = split_front_matter("\n".join(p.text for p in paragraphs), path, warnings)
        meta.update(found)
        skip = first - 1
        return paragraphs[skip:]
    return paragraphs


# --- PDF -----------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:หน้า|page)?\s*[\d๐-๙]{1,4}\s*(?:/\s*[\d๐-๙]{1,4})?(?:\s*-)?\s*$",
                          re.IGNORECASE)


def _is_page_number(line: str, page: int) -> bool:
    """A page's number printed at its top or bottom ("3", "- 3 -", "หน้า ๓", "3/12"): layout, not speech.
    Only the page's own number counts, so a line of speech that is a number ("๑๖") is kept."""
    if not _PAGE_NUMBER.match(line):
        return False
    digits = re.findall(r"[\d๐-๙]+", line.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
    return bool(digits) and int(digits[0]) == page


def _read_pdf(path: Path, data: bytes) -> RawTranscript:
    import io
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise TranscriptError("the PDF is encrypted", path=path,
                                  hint="remove the password and save it again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except TranscriptError:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many parser errors on damaged files
        raise TranscriptError(f"not a readable PDF ({type(error).__name__})", path=path,
                              hint="export the transcript to PDF again, or use .docx / .txt") from None
    paragraphs: list[Paragraph] = []
    for number, page in enumerate(pages, 1):
        pieces = page.split("\n")
        filled = [i for i, piece in enumerate(pieces) if piece.strip()]
        edges = {filled[0], filled[-1]} if filled else set()
        for i, piece in enumerate(pieces):
            if not (i in edges and _is_page_number(piece, number)):
                paragraphs.append(Paragraph(piece, number))
    if not any(p.text.strip() for p in paragraphs):
        raise TranscriptError("the PDF has no extractable text (a scan?)", path=path,
                              hint="run OCR first, or provide the transcript as .docx / .txt")
    paragraphs = _front_matter_in_paragraphs(paragraphs, {}, path)
    return RawTranscript(str(path), "pdf", paragraphs, {}, extracted=True, joiner=" ")


# --- subtitles -----------------------------------------------------------------------------------

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_NOTE_FIELD = re.compile(r"^\s*(id|title|language|method|province|date|translated_from)\s*[:=]\s*(.+?)\s*$",
                         re.IGNORECASE)
_VOICE_ANYWHERE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAGS = re.compile(r"</?(?:v|c|i|b|u|lang|ruby|rt)(?:[.\s][^>]*)?>")


def _clock(stamp: str) -> str:
    stamp = stamp.replace(",", ".").split(".")[0]
    parts = stamp.split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    return "{:02d}:{:02d}:{:02d}".format(*(int(p) for p in parts))


_TIMESTAMPISH = re.compile(r"^[\d:.,\s]*-+>|^\s*\d{1,2}:\d{2}[\d:.,\s\-]*$")


def _cue_paragraphs(body: list[tuple[int, str]], time: str | None) -> list[Paragraph]:
    """One paragraph per line of a cue, and one per voice tag (``<v A>...</v> <v B>...``)."""
    out: list[Paragraph] = []
    for number, line in body:
        tags = list(_VOICE_ANYWHERE.finditer(line))
        starts = [m.start() for m in tags]
        if not tags or starts[0] > 0:
            head = _TAGS.sub("", line[: starts[0] if tags else len(line)]).strip()
            if head:
                out.append(Paragraph(head, number, time=time))
        for k, tag in enumerate(tags):
            end = starts[k + 1] if k + 1 < len(tags) else len(line)
            text = _TAGS.sub("", line[tag.end() : end]).strip()
            out.append(Paragraph(text, number, time=time, speaker=tag.group(1).strip()))
    return out


def _read_subtitles(path: Path, data: bytes, fmt: str) -> RawTranscript:
    text, encoding = decode_bytes(data, path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, Any] = {}
    warnings: list[str] = []
    if fmt == "vtt" and not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise TranscriptError("a WebVTT file must start with 'WEBVTT'", path=path, line=1)
    cues: list[Paragraph] = []
    i = 0
    if fmt == "vtt":  # the header: WEBVTT and header lines up to the first blank line
        i = 1
        while i < len(lines) and lines[i].strip():
            found = _NOTE_FIELD.match(lines[i])
            if found:
                meta.setdefault(found.group(1).lower(), found.group(2).strip())
            i += 1
    saw_timing = False
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if fmt == "vtt" and line.startswith(("NOTE", "STYLE", "REGION")):
            block_start = i
            i += 1
            while i < len(lines) and lines[i].strip():
                i += 1
            if line.startswith("NOTE"):
                note_lines = [lines[block_start][4:]] + lines[block_start + 1 : i]
                for note in note_lines:
                    for item in note.split(";"):
                        found = _NOTE_FIELD.match(item)
                        if found:
                            meta.setdefault(found.group(1).lower(), found.group(2).strip())
            continue
        timing = _TIMING.match(line)
        if not timing and i + 1 < len(lines) and _TIMING.match(lines[i + 1]):
            i += 1  # a cue identifier
            continue
        block_start = i
        i += 1
        body: list[tuple[int, str]] = []
        while i < len(lines) and lines[i].strip():
            body.append((i + 1, lines[i].strip()))
            i += 1
        if timing:
            saw_timing = True
            cues.extend(_cue_paragraphs(body, _clock(timing.group("start"))))
            continue
        # Not a cue: a timing that cannot be read, or text outside any cue. Its text is kept, and reported.
        first = line.strip()
        if re.fullmatch(r"\d+", first) and body and _TIMESTAMPISH.search(body[0][1]):
            block_start, first = body[0][0] - 1, body[0][1]  # a cue number, then the broken timing
            body = body[1:]
        elif not _TIMESTAMPISH.search(first):
            body = [(block_start + 1, first), *body]
            first = ""
        kept = _cue_paragraphs(body, None) if body else []
        what = f"cue timing {first!r} cannot be read" if first else "text outside any cue"
        warnings.append(f"{path}, line {block_start + 1}: {what}; "
                        + ("its text is kept, without a time" if kept else "the cue has no text")
                        + " (a timing reads 00:00:01,000 --> 00:00:04,000)")
        cues.extend(kept)
    if not saw_timing:
        raise TranscriptError(f"no cue timings ('00:00:01.000 --> 00:00:04.000') found in this .{fmt} file",
                              path=path, hint=f"check that it is a {fmt.upper()} subtitle file")
    return RawTranscript(str(path), fmt, cues, meta, encoding, joiner=" ", warnings=warnings)


_READERS: dict[str, Callable[[Path, bytes], RawTranscript]] = {
    "txt": _read_plain,
    "md": _read_plain,
    "docx": _read_docx,
    "odt": _read_odt,
    "pdf": _read_pdf,
    "vtt": lambda p, d: _read_subtitles(p, d, "vtt"),
    "srt": lambda p, d: _read_subtitles(p, d, "srt"),
}

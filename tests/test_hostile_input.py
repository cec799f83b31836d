"""Hostile and broken input: every reader gives a clear FivepError or reads the file, quickly and in bounded memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivep.errors import FivepError
from fivep.ingest.readers import read_transcript
from fivep.ingest.roster import read_roster
from fivep.ingest.turns import SpeakerResolver, build_document

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ["GOV-CM-01", "YP-CR-03"]
TURN = "GOV-CM-01: ตอนนั้นเด็กส่วนใหญ่มาจากชายแดน เราต้องประสานกับ พม. และตำรวจหลายหน่วย ใช้เวลานานมาก\n"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def parse(path: Path) -> Any:
    return build_document(read_transcript(path), SpeakerResolver(ROSTER)).document


def outcome(read: Callable[[], Any]) -> str:
    """``"ok"`` or ``"error"``; anything but a FivepError fails the test."""
    try:
        read()
    except FivepError as error:
        assert str(error).strip() and "Traceback" not in str(error)
        return "error"
    return "ok"


# --- property-based ----------------------------------------------------------------------------------

@FAST
@given(data=st.binary(max_size=600))
def test_any_bytes_as_a_transcript(tmp_path: Path, data: bytes) -> None:
    for suffix in (".txt", ".vtt", ".srt", ".docx"):
        path = tmp_path / f"t{suffix}"
        path.write_bytes(data)
        outcome(lambda p=path: parse(p))


@FAST
@given(lines=st.lists(st.tuples(st.sampled_from(["GOV-CM-01", "I", "ผู้สัมภาษณ์", "R9", "", "[00:01:02] I", "---"]),
                                st.text(max_size=40)), max_size=12),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_text_as_a_transcript(tmp_path: Path, lines: list[tuple[str, str]], encoding: str) -> None:
    path = tmp_path / "t.txt"
    text = "\n".join(f"{label}: {body}" if label else body for label, body in lines)
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        return
    if outcome(lambda: parse(path)) == "ok":
        doc = parse(path)
        assert all(0 <= t.start <= t.end <= len(doc.text) for t in doc.turns)


@FAST
@given(header=st.lists(st.sampled_from(["respondent_id", "group", "sex", "age", "province", "years_experience",
                                        "method", "notes", "เพศ", "", "id"]), max_size=6),
       rows=st.lists(st.lists(st.text(max_size=12), max_size=7), max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_roster(tmp_path: Path, header: list[str], rows: list[list[str]], delimiter: str) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "respondents.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    outcome(lambda: read_roster(path))


@FAST
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_roster(tmp_path: Path, data: bytes) -> None:
    for name in ("respondents.csv", "respondents.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        outcome(lambda p=path: read_roster(p))


def _codebook_parser() -> Callable[[Path], Any] | None:
    try:
        from fivep.coding.codebook import load_codebook
    except ImportError:  # pragma: no cover - the codebook parser is not there yet
        return None
    return load_codebook


@FAST
@given(text=st.one_of(
    st.text(max_size=200),
    st.builds(lambda name, codes: f"name: {name}\nversion: '1'\ncodes:\n" + "".join(
        f"  - id: {c}\n    dimension: {d}\n    label_en: {lbl}\n" for c, d, lbl in codes),
        st.text(max_size=10), st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12), st.text(max_size=8)),
                                       max_size=4))))
def test_any_codebook(tmp_path: Path, text: str) -> None:
    load = _codebook_parser()
    if load is None:
        pytest.skip("no codebook parser")
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    outcome(lambda: load(path))


# --- a corpus of bad files -------------------------------------------------------------------------------

def _docx(body_xml: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("GOV-CM-01: สวัสดีค่ะ")
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if body_xml is not None and info.filename == "word/document.xml":
                data = data.decode().replace("<w:body>", "<w:body>" + body_xml, 1).encode()
            archive.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def _laughs() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode().replace("?>", f"?><!DOCTYPE w:document [{entities}]>", 1)
                data = text.replace("<w:body>", "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", 1).encode()
            archive.writestr(info.filename, data)
    return out.getvalue()


BAD_FILES: dict[str, tuple[str, Callable[[], bytes], str | None]] = {
    # name: (file name, bytes, expected message; None = must be read)
    "zero bytes": ("empty.txt", lambda: b"", "the file is empty"),
    "binary": ("binary.txt", lambda: bytes(range(256)) * 64, "binary"),
    "NUL bytes late": ("late.txt", lambda: TURN.encode() * 100 + b"\x00\x01" * 10, "NUL bytes"),
    "invalid UTF-8": ("latin.txt", lambda: TURN.encode() + b"caf\xe9 \xff\xfe\n", "not valid UTF-8"),
    "mixed encodings": ("mixed.txt", lambda: TURN.encode() + "I: ขอบคุณครับ\n".encode("cp874"), "line 2"),
    "cp874 whole file": ("tis.txt", lambda: (TURN + "I: ขอบคุณครับ\n").encode("cp874"), None),
    "10 MB transcript": ("big.txt", lambda: ("I: เริ่มค่ะ\n" + TURN * (10 * 2**20 // len(TURN.encode()))).encode(), None),
    "a single huge line": ("line.txt", lambda: ("GOV-CM-01: " + "ข้อความยาวมาก " * 100_000 + "\n").encode(), None),
    "docx zip bomb": ("bomb.docx", lambda: _docx(extra={"word/media/fill.bin": b"\0" * (250 * 2**20)}), "zip bomb"),
    "docx deeply nested XML": ("nested.docx", lambda: _docx("<w:p><w:r><w:t>" + "<w:x>" * 50_000 + "GOV-CM-01: x"
                                                             + "</w:x>" * 50_000 + "</w:t></w:r></w:p>"),
                               "not a readable Word document"),
    "docx billion laughs": ("laughs.docx", _laughs, "billion laughs"),
    "docx truncated": ("cut.docx", lambda: _docx()[:3000], "damaged or truncated"),
    "docx that is a text file": ("fake.docx", lambda: b"PK\x03\x04" + TURN.encode(), "damaged or truncated"),
    "pdf garbage": ("x.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20, "PDF"),
    "vtt without cues": ("x.vtt", lambda: b"WEBVTT\n\n" + TURN.encode() * 10, "no cue timings"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_corpus(tmp_path: Path, case: str) -> None:
    name, make, message = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(make())
    size = path.stat().st_size
    traced = size < 8 * 2**20  # tracing a 10 MB parse would take a minute; that one is only timed
    if traced:
        tracemalloc.start()
    try:
        if message is None:
            doc = parse(path)
            assert any(t.respondent_id == "GOV-CM-01" for t in doc.turns)
        else:
            with pytest.raises(FivepError) as info:
                parse(path)
            assert message in str(info.value) and str(path) in str(info.value)
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
    finally:
        if traced:
            tracemalloc.stop()
    # memory grows with the text (a few copies of it as str), never with what a file claims to unpack to
    assert peak < 64 * 2**20 + 40 * size, f"{case} peaked at {peak // 2**20} MB"


@pytest.mark.parametrize("name,data,message", [
    ("respondents.csv", b"", "the roster is empty"),
    ("respondents.csv", bytes(range(256)) * 8, "binary"),
    ("respondents.csv", b"respondent_id,group\nR1,ngo\nR2,ngo,extra,values\n", "row 3"),
    ("respondents.xlsx", b"PK\x03\x04 not a workbook", "not a readable Excel workbook"),
    ("respondents.csv", "respondent_id,group,age\nR1,ngo,๑๖ ปี\nR2,victim,abc\n".encode("cp874"), "row 3"),
])
def test_bad_rosters(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FivepError) as info:
        read_roster(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_detection_on_hostile_text_is_bounded() -> None:
    from fivep.privacy import detect

    hostile = ["0" * 200_000, "@" * 50_000 + "a", "ก" * 100_000, "น้อง" * 20_000, ("Mr " * 30_000) + "X",
               "1-" * 50_000, "บ้าน" * 20_000]
    for text in hostile:
        spans = detect(text)  # its time is measured in benchmarks/, not here
        assert all(text[s.start:s.end] == s.text for s in spans)


# --- linear steps ------------------------------------------------------------------------------------------

def _longest_reference() -> Callable[[list[Any]], list[Any]]:
    """The plain quadratic definition the linear ``_longest`` must agree with (the benchmark's baseline)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_hostile", ROOT / "benchmarks" / "bench_hostile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._quadratic_longest  # type: ignore[no-any-return]


REFERENCE = _longest_reference()


@FAST
@given(spans=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8), st.sampled_from("abc")), min_size=1,
                      max_size=40))
def test_longest_match_agrees_with_its_definition(spans: list[tuple[int, int, str]]) -> None:
    from fivep.coding.nlp import Hit, _longest

    hits = [Hit(s, s + n, f"t{n}", label) for s, n, label in spans]
    assert _longest(hits) == REFERENCE(hits)


def test_a_qdc_with_200000_codes_is_refused_at_once(tmp_path: Path) -> None:
    """200,000 codes once hung the import (the parent check scanned every code for each code)."""
    from fivep.coding.codebook import MAX_CODES
    from fivep.exchange.qdc import read_qdc

    codes = "".join(f'<Code guid="{i:08d}-0000-4000-8000-000000000000" name="c" isCodable="true"/>'
                    for i in range(200_000))
    path = tmp_path / "huge.qdc"
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                    f"<Codes>{codes}</Codes></CodeBook>", encoding="utf-8")
    with pytest.raises(FivepError) as info:
        read_qdc(path)
    assert f"200000 codes, more than the limit of {MAX_CODES}" in str(info.value) and str(path) in str(info.value)


def test_a_yaml_codebook_with_too_many_codes_is_refused(tmp_path: Path) -> None:
    from fivep.coding.codebook import MAX_CODES, parse_codebook

    path = tmp_path / "codebook.yaml"
    path.write_text("name: x\nversion: '1'\ncodes:\n" + "- 0\n" * (MAX_CODES + 1), encoding="utf-8")
    with pytest.raises(FivepError, match=f"more than the limit of {MAX_CODES}"):
        parse_codebook(path)


def test_repeated_code_names_get_distinct_ids() -> None:
    from fivep.exchange.qdc import codes_to_yaml
    from fivep.exchange.refi import RefiCode

    codes = [RefiCode(guid=f"{i:08d}-0000-4000-8000-000000000000", name="Same", parent=None) for i in range(3000)]
    entries, ids, _ = codes_to_yaml(codes)
    assert len({e["id"] for e in entries}) == 3000 and len(set(ids.values())) == 3000

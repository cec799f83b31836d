"""The attack corpus of issue 11: every hostile file gives a clear one-line FivepError naming it, fast and in
bounded memory. The files are generated here (nothing big is committed); a property-based layer feeds
random packages and YAML to the same readers."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivep.errors import FivepError
from fivep.exchange.safety import PACKAGE_LIMITS, Limits, check_package

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TURN = "GOV-CM-01: ตอนนั้นเด็กส่วนใหญ่มาจากชายแดน เราต้องประสานกับ พม.\n"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BOMB_YAML = "---\n" + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)) + "---\n"


def package(members: dict[str, bytes | str], *, encrypt: str | None = None) -> bytes:
    """A zip of ``members``; ``encrypt`` names a member whose 'encrypted' flag is set (as a password would)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = bytearray(out.getvalue())
    if encrypt is not None:
        name = encrypt.encode()
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = data.find(signature)
            while data[at + name_at: at + name_at + len(name)] != name:
                at = data.find(signature, at + 1)
            data[at + flag_at] |= 1
    return bytes(data)


def docx_parts(document: str | bytes) -> dict[str, bytes | str]:
    return {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "word/document.xml": document,
    }


def body(paragraphs: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{paragraphs}</w:body></w:document>'


def xlsx_roster(sheet_prefix: bytes = b"", extra: dict[str, bytes] | None = None,
                replace: tuple[bytes, bytes] = (b"", b"")) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["respondent_id", "group"])
    book.active.append(["R1", "ngo"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    parts: dict[str, bytes | str] = {}
    for info in source.infolist():
        data = source.read(info.filename)
        if info.filename == "xl/worksheets/sheet1.xml":
            data = sheet_prefix + data.replace(*replace)
        parts[info.filename] = data
    parts.update(extra or {})
    return package(parts)


LAUGHS = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'

TRANSCRIPTS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "docx zip bomb": ("bomb.docx", lambda: package(docx_parts(body("<w:p/>" * 7_000_000))),
                      "'word/document.xml' unpacks to 40 MB from 59 KB (a zip bomb?)"),
    "docx encrypted part": ("locked.docx", lambda: package(docx_parts(body("<w:p/>")), encrypt="word/document.xml"),
                            "'word/document.xml' is encrypted"),
    "docx XML in Shift_JIS": ("sjis.docx", lambda: package(docx_parts(
        body("<w:p/>").replace("UTF-8", "Shift_JIS").encode("shift_jis"))), "declares the encoding 'Shift_JIS'"),
    "docx entity in a side part": ("laughs.docx", lambda: package({**docx_parts(body("<w:p/>")),
                                                                   "word/styles.xml": LAUGHS + b"<s/>"}),
                                   "word/styles.xml: refused: the XML declares 2 entities"),
    "odt zip bomb": ("bomb.odt", lambda: package({"mimetype": "application/vnd.oasis.opendocument.text",
                                                 "content.xml": "<x>" + "<p/>" * 5_000_000 + "</x>"}),
                     "'content.xml' unpacks to 19 MB from 19 KB (a zip bomb?)"),
    # a 200 MB one-line transcript took 4.8 GB to code: one line is at most 2,000,000 characters
    "one line of 2.5 million characters": ("line.txt", lambda: ("GOV-CM-01: " + "ข้อความยาว " * 250_000).encode(),
                                           "line 1: a line of 2,750,011 characters, more than the limit of 2,000,000"),
    # a 602-byte alias bomb in front matter took 1.7 GB
    "front matter alias bomb": ("bomb.txt", lambda: (BOMB_YAML + TURN).encode(), "aliases (*a) are not accepted"),
}


def _bounded(path: Path, read: Callable[[], object], message: str) -> None:
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with pytest.raises(FivepError) as info:
            read()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    text = str(info.value)
    assert message in text and str(path) in text, text
    assert "\n" not in text and "Traceback" not in text
    assert peak < 32 * 2**20 + 40 * size, f"peaked at {peak // 2**20} MB"


@pytest.mark.parametrize("case", list(TRANSCRIPTS))
def test_hostile_transcripts(tmp_path: Path, case: str) -> None:
    from fivep.ingest.readers import read_transcript

    name, make, message = TRANSCRIPTS[case]
    path = tmp_path / name
    path.write_bytes(make())
    _bounded(path, lambda: read_transcript(path), message)


ROSTERS: dict[str, tuple[Callable[[], bytes], str]] = {
    "xlsx declaring entities": (lambda: xlsx_roster(LAUGHS), "sheet1.xml: refused: the XML declares 2 entities"),
    # a 600 KB roster took 1.3 GB: rosters had no bomb check
    "xlsx bomb": (lambda: xlsx_roster(extra={"xl/worksheets/sheet2.xml": "<x>" + "<c/>" * 5_000_000 + "</x>"}),
                  "unpacks to 19 MB from 19 KB (a zip bomb?)"),
    "xlsx encrypted": (lambda: package({"xl/workbook.xml": "<w/>"}, encrypt="xl/workbook.xml"), "encrypted"),
    "xlsx undefined entity": (lambda: xlsx_roster(replace=(b"ngo", b"&b;")), "not a readable Excel workbook"),
}


@pytest.mark.parametrize("case", list(ROSTERS))
def test_hostile_rosters(tmp_path: Path, case: str) -> None:
    from fivep.ingest.roster import read_roster

    make, message = ROSTERS[case]
    path = tmp_path / "respondents.xlsx"
    path.write_bytes(make())
    _bounded(path, lambda: read_roster(path), message)


PROJECT = '<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'


def _million_each(n: int) -> bytes:
    return package({"project.qde": PROJECT, **{f"sources/{i}.txt": b"\0" * 2**20 for i in range(n)}})


QDPX: dict[str, tuple[Callable[[], bytes], str, Limits | None]] = {
    **{f"XML in {enc}": (lambda enc=enc: package({"project.qde": f'<?xml version="1.0" encoding="{enc}"?>{PROJECT}'}),
                         f"declares the encoding '{enc}'", None)
       for enc in ("Shift_JIS", "EUC-JP", "GB18030", "BIG5", "UTF-7", "x-no-such-encoding")},
    "encrypted member": (lambda: package({"project.qde": PROJECT}, encrypt="project.qde"), "is encrypted", None),
    # 900 members of 1 MiB in 1.1 MB wrote 1.8 GB; refused as a whole before a byte is read
    "many small bombs": (lambda: _million_each(300), "the archive unpacks to 300 MB from", None),
    "project XML beyond its limit": (lambda: package({"project.qde": PROJECT + " " * 5000}),
                                     "the project XML 'project.qde' unpacks to", Limits(xml_bytes=4000)),
    "reading beyond the total": (lambda: package({"project.qde": PROJECT.replace(
        "/>", '><Sources><TextSource guid="00000000-0000-4000-8000-000000000001" name="a" '
              'plainTextPath="internal://a.txt"/></Sources></Project>'), "sources/a.txt": "x" * 9000}),
                                 "the limit for what fivep reads from one project", Limits(total_bytes=8000)),
}


@pytest.mark.parametrize("case", list(QDPX))
def test_hostile_projects(tmp_path: Path, case: str) -> None:
    from fivep.exchange.reader import read_qdpx

    make, message, limits = QDPX[case]
    path = tmp_path / "hostile.qdpx"
    path.write_bytes(make())
    _bounded(path, lambda: read_qdpx(path, limits), message)


@pytest.mark.parametrize("fmt,name", [("docx", "word/document.xml"), ("odt", "content.xml"),
                                      ("xlsx", "xl/worksheets/sheet1.xml")])
def test_package_limits_hold_for_text_that_does_not_compress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             fmt: str, name: str) -> None:
    """XML under the ratio limit (as a real 1.6 MB .docx of 280 MB XML was) still meets the size limits."""
    import os

    from fivep.exchange.safety import PackageLimits

    monkeypatch.setitem(PACKAGE_LIMITS, fmt, PackageLimits(xml_bytes=2**20, total_bytes=3 * 2**20))
    xml = f"<x>{os.urandom(600_000).hex()}</x>"
    path = tmp_path / ("respondents.xlsx" if fmt == "xlsx" else f"t.{fmt}")
    path.write_bytes(package({name: xml}))
    with pytest.raises(FivepError, match=f"its XML unpacks to 1.1 MB, more than the limit of 1.0 MB for a .{fmt}"):
        check_package(path.read_bytes(), path, fmt)
    path.write_bytes(package({name: "<x/>", "media/video.bin": os.urandom(7 * 2**19)}))
    with pytest.raises(FivepError, match=f"the package unpacks to 3.5 MB, more than the limit of 3.0 MB for a .{fmt}"):
        check_package(path.read_bytes(), path, fmt)


def test_yaml_alias_bombs_are_refused_everywhere(tmp_path: Path) -> None:
    from fivep.coding.codebook import parse_codebook
    from fivep.exchange.importer import _source_meta
    from fivep.exchange.reader import RefiSource

    path = tmp_path / "codebook.yaml"
    path.write_text(BOMB_YAML.strip("-\n") + "\nname: x\ncodes: []\n", encoding="utf-8")
    with pytest.raises(FivepError, match=r"line 2: not valid YAML: aliases \(\*a\)"):
        parse_codebook(path)
    meta = _source_meta(RefiSource("g", "Interview 3", "text", description=BOMB_YAML.strip("-\n") + "\nid: x\n"))
    assert meta == {"title": "Interview 3"}   # read as a plain description, not expanded


# --- property-based: random packages and front matter ------------------------------------------------------

_PARTS = st.sampled_from(["word/document.xml", "[Content_Types].xml", "word/styles.xml", "content.xml",
                          "xl/workbook.xml", "xl/worksheets/sheet1.xml", "media/a.png", "../evil.xml", "a/b.rels"])
_XML = st.one_of(st.binary(max_size=80),
                 st.sampled_from([LAUGHS + b"<x/>", b'<?xml version="1.0" encoding="UTF-7"?><x/>',
                                  b"<!DOCTYPE x SYSTEM 'file:///etc/passwd'><x/>", body("<w:p/>").encode(),
                                  b'<?xml version="1.0" encoding="latin-1"?><x>\xe9</x>']))


@FAST
@given(members=st.dictionaries(_PARTS, _XML, max_size=5), encrypt=st.booleans(),
       fmt=st.sampled_from(sorted(PACKAGE_LIMITS)))
def test_any_package(tmp_path: Path, members: dict[str, bytes], encrypt: bool, fmt: str) -> None:
    from fivep.ingest.readers import read_transcript
    from fivep.ingest.roster import read_roster

    data = package(members, encrypt=next(iter(members)) if encrypt and members else None)
    try:
        check_package(data, "p", fmt)
    except FivepError as error:
        assert str(error).startswith("p") and "\n" not in str(error)
    path = tmp_path / ("respondents.xlsx" if fmt == "xlsx" else f"t.{fmt}")
    path.write_bytes(data)
    read = (lambda: read_roster(path)) if fmt == "xlsx" else (lambda: read_transcript(path))
    try:
        read()
    except FivepError as error:
        assert str(path) in str(error)


@FAST
@given(lines=st.lists(st.tuples(st.sampled_from(["a", "b", "id", "title", "<<"]),
                                st.sampled_from(["&x 1", "*x", "[*x, *x]", "&y [*x, *x]", "{k: *y}", "ok", "'*x'"])),
                      max_size=6))
def test_any_front_matter_with_anchors(tmp_path: Path, lines: list[tuple[str, str]]) -> None:
    from fivep.ingest.readers import read_transcript

    path = tmp_path / "t.txt"
    path.write_text("---\n" + "".join(f"{k}: {v}\n" for k, v in lines) + "---\n" + TURN, encoding="utf-8")
    try:
        raw = read_transcript(path)
    except FivepError as error:
        assert str(path) in str(error) and "line" in str(error)
    else:
        assert all(not isinstance(v, list) or len(v) < 100 for v in raw.meta.values())


def test_blank_paragraphs_before_front_matter_in_a_docx(tmp_path: Path) -> None:
    """Leading blank paragraphs are dropped in one step (dropping them one by one was quadratic: a
    .docx of a million empty paragraphs did not finish in 30 minutes); front matter after them is read."""
    from fivep.ingest.readers import read_transcript

    paragraphs = "<w:p/>" * 20_000 + "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>"
                                             for line in ("---", "id: D1", "---", TURN.strip()))
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(buffer)
    parts: dict[str, bytes | str] = {i.filename: source.read(i.filename) for i in source.infolist()}
    parts["word/document.xml"] = source.read("word/document.xml").decode().replace("<w:sectPr", paragraphs
                                                                                  + "<w:sectPr", 1)
    path = tmp_path / "blank.docx"
    path.write_bytes(package(parts))
    raw = read_transcript(path)
    assert raw.meta["id"] == "D1" and [p.text for p in raw.paragraphs] == [TURN.strip()]

"""Property-based tests (Hypothesis) for every transcript reader.

Whatever turns a person writes (roster ids, interviewer labels, unknown speakers, ordinary speech
with colons, continuation lines, in SRT a cue whose timing is broken), every word they wrote is in
the document, in a turn of the speaker who said it, or the ingest reports the line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivep.ingest.readers import read_transcript
from fivep.ingest.turns import SpeakerResolver, build_document

ROSTER = ["GOV-CM-01", "NGO-CR-02", "YP-CR-03"]
LABELS = [*ROSTER, "ผู้สัมภาษณ์", "Interviewer", "Dr. Somchai", "Unknown-Speaker", "พี่ปุ๊"]
WORDS = ["ปัญหา", "ล่าม", "ตำรวจ", "งบประมาณ", "เด็ก", "บ้านพัก", "ไม่พอ", "ค่ะ", "ครับ", "ศูนย์", "๑๖", "police",
         "budget", "shelter", "interpreters", "lack", "the", "no", "2019", "(NGO)", "เรื่องแรกคือ:", "Note:"]

def _not_label_shaped(line: str) -> bool:
    """A line whose first or second word ends in a colon reads as 'Label: ...' (``ล่าม Note:`` is the
    interpreter and a note): such a line is a new speaker by design, not speech with a colon in it."""
    return not any(word.endswith(":") for word in line.split(" ")[:2])


sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join).filter(_not_label_shaped)
turn = st.tuples(st.sampled_from(LABELS), sentence, st.lists(sentence, max_size=2))
transcript = st.lists(turn, min_size=1, max_size=6)
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _lines(turns: list[tuple[str, str, list[str]]]) -> list[str]:
    out = []
    for label, first, more in turns:
        out.append(f"{label}: {first}")
        out.extend(more)
    return out


def _write_txt(path: Path, turns: list[tuple[str, str, list[str]]]) -> None:
    path.write_text("\n".join(_lines(turns)) + "\n", encoding="utf-8")


def _write_docx(path: Path, turns: list[tuple[str, str, list[str]]]) -> None:
    import docx

    document = docx.Document()
    for line in _lines(turns):
        document.add_paragraph(line)
    document.save(path)


def _write_odt(path: Path, turns: list[tuple[str, str, list[str]]]) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for line in _lines(turns):
        document.text.addElement(P(text=line))
    document.save(str(path))


def _write_pdf(path: Path, turns: list[tuple[str, str, list[str]]]) -> None:
    from fontpkg_sarabun import ROOT
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Sarabun", str(Path(ROOT) / "files" / "Sarabun-Regular.ttf")))
    c = canvas.Canvas(str(path))
    c.setFont("Sarabun", 11)
    for i, line in enumerate(_lines(turns)):
        c.drawString(30, 800 - 16 * i, line)
    c.save()


def _write_subtitles(fmt: str) -> Callable[[Path, list[tuple[str, str, list[str]]]], None]:
    def write(path: Path, turns: list[tuple[str, str, list[str]]]) -> None:
        sep = "," if fmt == "srt" else "."
        cues = [f"{i}\n00:00:{i:02d}{sep}000 --> 00:00:{i:02d}{sep}900\n{label}: {first}" + "".join(f"\n{m}" for m in more)
                for i, (label, first, more) in enumerate(turns, 1)]
        path.write_text(("WEBVTT\n\n" if fmt == "vtt" else "") + "\n\n".join(cues) + "\n", encoding="utf-8")
    return write


WRITERS = {"txt": _write_txt, "docx": _write_docx, "odt": _write_odt, "pdf": _write_pdf,
           "vtt": _write_subtitles("vtt"), "srt": _write_subtitles("srt")}


def _check(fmt: str, turns: list[tuple[str, str, list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t.{fmt}"
        WRITERS[fmt](path, turns)
        parsed = build_document(read_transcript(path), SpeakerResolver(ROSTER))
    doc = parsed.document
    said = [(t.speaker, " ".join(doc.turn_text(t).split())) for t in doc.turns]
    expected: list[tuple[str, str]] = []
    for label, first, more in turns:  # consecutive cues of one speaker are one turn in subtitles
        text = " ".join([first, *more])
        if fmt in ("vtt", "srt") and expected and expected[-1][0] == label:
            expected[-1] = (label, f"{expected[-1][1]} {text}")
        else:
            expected.append((label, text))
    flat = " ".join(doc.text.split())
    for label, text in expected:  # nothing dropped: every word, after its speaker's label
        assert f"{label}: {text}" in flat
    unknown = {label for label, _, _ in turns if label in ("Dr. Somchai", "Unknown-Speaker", "พี่ปุ๊")}
    warned = {w.split("unknown speaker '")[1].split("'")[0] for w in parsed.warnings if "unknown speaker '" in w}
    assert unknown <= warned
    if said != expected:
        # nothing moved silently: a line of speech was read as a new speaker only with a warning naming it
        extra = {speaker for speaker, _ in said} - set(LABELS)
        assert extra and extra <= warned, (said, expected)
    assert all(str(path) in w for w in parsed.warnings)


@pytest.mark.parametrize("fmt", list(WRITERS))
@FAST
@given(turns=transcript)
def test_every_reader_keeps_every_word_with_its_speaker(fmt: str, turns: list[tuple[str, str, list[str]]]) -> None:
    _check(fmt, turns)


@FAST
@given(transcript, st.data())
def test_a_broken_srt_timing_is_reported_never_dropped(turns: list[tuple[str, str, list[str]]],
                                                        data: st.DataObject) -> None:
    broken = data.draw(st.integers(0, len(turns) - 1))
    cues = []
    for i, (label, first, more) in enumerate(turns, 1):
        timing = f"00:00:{i:02d},000 --> 00:00:{i:02d},900" if i - 1 != broken else f"00:00:{i:02d},000 -> 00:00"
        cues.append(f"{i}\n{timing}\n{label}: {first}" + "".join(f"\n{m}" for m in more))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.srt"
        path.write_text("\n\n".join(cues) + "\n", encoding="utf-8")
        if broken == 0 and len(turns) == 1:
            return  # no readable timing at all: an error, tested elsewhere
        parsed = build_document(read_transcript(path), SpeakerResolver(ROSTER))
    text = " ".join(parsed.document.text.split())
    for label, first, more in turns:
        assert " ".join([first, *more]) in text and f"{label}:" in text
    assert sum("cannot be read" in w for w in parsed.warnings) == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["R1", "R2", "R\u200b3", "R4 ", "ร5"]),
                          st.sampled_from(["ngo", "NGO", "เจ้าหน้าที่รัฐ", "expert", "victim", "Interpreter"]),
                          st.sampled_from(["F", "หญิง", "M", "ชาย", "", "-"]),
                          st.sampled_from(["Nan", "น่าน", "จ.เชียงราย", "Chiang Mai ", "", "n/a"])),
                min_size=1, max_size=5, unique_by=lambda r: r[0].replace("\u200b", "").strip()))
def test_roster_reads_every_row_and_reports_every_change(rows: list[tuple[str, str, str, str]]) -> None:
    from fivep.ingest.roster import load_roster

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "respondents.csv"
        path.write_text("respondent_id,group,sex,province\n" + "\n".join(",".join(r) for r in rows) + "\n",
                        encoding="utf-8")
        read = load_roster(path)
    assert [r.id for r in read.respondents] == [r[0].replace("\u200b", "").strip() for r in rows]
    assert all(r.get("province") in (None, "Nan", "Chiang Rai", "Chiang Mai") for r in read.respondents)
    assert sum(r.get("province") == "Nan" for r in read.respondents) == sum(r[3] in ("Nan", "น่าน") for r in rows)
    for number, (rid, group, sex, province) in enumerate(rows, 2):
        for column, written, canonical in (("sex", sex, {"female", "male"}), ("province", province.strip(),
                                           {"Nan", "Chiang Mai"})):
            if written and written not in canonical and written not in ("-", "n/a"):
                assert any(f"column '{column}': {written!r} read as" in w and str(number) in w for w in read.warnings)
        if rid != rid.strip() or province != province.strip():
            assert any("spaces around the value removed" in w for w in read.warnings)
        if "\u200b" in rid:
            assert any(f"row {number}, column 'respondent_id': invisible character(s) U+200B" in w
                       for w in read.warnings)

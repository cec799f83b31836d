"""Unknown speaker labels: a turn of their own, reported with file and line, alike in every format."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fivep.ingest.labels import looks_like_speaker
from fivep.ingest.readers import read_transcript
from fivep.ingest.turns import SpeakerResolver, build_document

ROSTER = ["GOV-CM-01", "GOV-CM-02"]
TURNS = [("Interviewer", "How does referral work?"),
         ("GOV-CM-01", "We lack staff in every district."),
         ("Dr. Somchai", "I disagree: the staff exist but are not trained."),
         ("GOV-CM-01", "Back to the budget then."),
         ("Unknown-Speaker", "Someone at the back agrees."),
         ("\u202eGOV-CM-02", "The police need interpreters.")]
EXPECTED = [("Interviewer", "interviewer", None), ("GOV-CM-01", "respondent", "GOV-CM-01"),
            ("Dr. Somchai", "unknown", None), ("GOV-CM-01", "respondent", "GOV-CM-01"),
            ("Unknown-Speaker", "unknown", None), ("GOV-CM-02", "respondent", "GOV-CM-02")]


def _txt(path: Path) -> tuple[Path, list[int]]:
    path.write_text("\n".join(f"{s}: {t}" for s, t in TURNS) + "\n", encoding="utf-8")
    return path, [3, 5]


def _docx(path: Path) -> tuple[Path, list[int]]:
    import docx

    document = docx.Document()
    for speaker, text in TURNS:
        document.add_paragraph(f"{speaker}: {text}")
    document.save(path)
    return path, [3, 5]


def _odt(path: Path) -> tuple[Path, list[int]]:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for speaker, text in TURNS:
        document.text.addElement(P(text=f"{speaker}: {text}"))
    document.save(str(path))
    return path, [3, 5]


def _pdf(path: Path) -> tuple[Path, list[int]]:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i, (speaker, text) in enumerate(TURNS):
        c.drawString(40, 800 - 20 * i, f"{speaker.lstrip(chr(0x202E))}: {text}")
    c.showPage()
    c.save()
    return path, [1, 1]


def _cues(comma: bool) -> tuple[str, list[int]]:
    out, lines, line = [], [], 1
    sep = "," if comma else "."
    for i, (speaker, text) in enumerate(TURNS, 1):
        timing = f"00:00:{i:02d}{sep}000 --> 00:00:{i:02d}{sep}900"
        body = f"<v {speaker}>{text}" if not comma and speaker == "Dr. Somchai" else f"{speaker}: {text}"
        out.append(f"{i}\n{timing}\n{body}\n")
        lines.append(line + 2)  # the cue's text line
        line += 4
    return "\n".join(out), lines


def _vtt(path: Path) -> tuple[Path, list[int]]:
    text, lines = _cues(comma=False)
    path.write_text("WEBVTT\n\n" + text, encoding="utf-8")
    return path, [lines[2] + 2, lines[4] + 2]


def _srt(path: Path) -> tuple[Path, list[int]]:
    text, lines = _cues(comma=True)
    path.write_text(text, encoding="utf-8")
    return path, [lines[2], lines[4]]


WRITERS = {"txt": _txt, "docx": _docx, "odt": _odt, "pdf": _pdf, "vtt": _vtt, "srt": _srt}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_unknown_speakers_alike_in_every_format(tmp_path: Path, fmt: str) -> None:
    path, lines = WRITERS[fmt](tmp_path / f"t.{fmt}")
    parsed = build_document(read_transcript(path), SpeakerResolver(ROSTER))
    doc = parsed.document
    assert [(t.speaker, t.role, t.respondent_id) for t in doc.turns] == EXPECTED
    assert doc.text[doc.turns[2].start:doc.turns[2].end] == TURNS[2][1]  # said by Dr. Somchai, not GOV-CM-01
    unit = {"pdf": "page", "docx": "paragraph", "odt": "paragraph"}.get(fmt, "line")
    warnings = [w for w in parsed.warnings if "unknown speaker" in w]
    assert len(warnings) == 2
    assert warnings[0].startswith(f"{path}, {unit} {lines[0]}: unknown speaker 'Dr. Somchai'")
    assert warnings[1].startswith(f"{path}, {unit} {lines[1]}: unknown speaker 'Unknown-Speaker'")


def test_a_label_mapped_to_unknown_is_counted_but_not_warned(tmp_path: Path) -> None:
    path, _ = _txt(tmp_path / "t.txt")
    parsed = build_document(read_transcript(path), SpeakerResolver(ROSTER, {"Dr. Somchai": "unknown"}))
    assert [t.role for t in parsed.document.turns][2] == "unknown"
    assert not any("Dr. Somchai" in w for w in parsed.warnings)


def test_a_misspelt_roster_id_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("I: hi\nGOV-CM-1: hello\nSomchay: hi\n", encoding="utf-8")
    parsed = build_document(read_transcript(path), SpeakerResolver(ROSTER, {"Somchai": "GOV-CM-02"}))
    assert [t.role for t in parsed.document.turns] == ["interviewer", "respondent", "unknown"]
    assert any("'GOV-CM-1' (GOV-CM-1) is not in the roster (did you mean 'GOV-CM-01'?)" in w for w in parsed.warnings)
    assert any("unknown speaker 'Somchay'" in w and "did you mean 'Somchai'?" in w for w in parsed.warnings)


@pytest.mark.parametrize("label,expected", [
    ("Dr. Somchai", True), ("Unknown-Speaker", True), ("Speaker 2", True), ("Somchai", True), ("P'Noi", True),
    ("Khun Noi", True), ("พี่ปุ๊", True), ("คุณสมชาย", True), ("ดร.วิไล", True), ("ผู้ให้ข้อมูลคนที่ 3", True),
    ("R07", True), ("A", True),
    ("Note", False), ("However", False), ("The problem is this", False), ("เรื่องแรกคือ", False),
    ("แม่บอกว่า", False), ("ตามที่", False), ("ลูกค้า", False), ("Chiang Mai", False), ("Second point", False),
])
def test_what_looks_like_a_speaker(label: str, expected: bool) -> None:
    assert looks_like_speaker(label) is expected


def test_ingest_summary_counts_unknown_speakers(sample_copy: Path) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    extra = sample_copy / "transcripts" / "II-ZZ-01.txt"
    extra.write_text("Interviewer: hello\nGOV-CM-01: hi\nDr. Somchai: me too\nDr. Somchai: again\n"
                     "Unknown-Speaker: yes\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(sample_copy)])
    assert result.exit_code == 0, result.output
    assert "3 turns of unknown speakers, attributed to nobody and not coded: Dr. Somchai (2), Unknown-Speaker (1)" \
        in result.stdout
    assert f"{extra}, lines 3, 4: unknown speaker 'Dr. Somchai'" in result.stderr


def test_docx_table_rows_with_unknown_labels(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    for speaker, text in TURNS[:3]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = speaker, text
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "t.docx"
    path.write_bytes(buffer.getvalue())
    parsed = build_document(read_transcript(path), SpeakerResolver(ROSTER))
    assert [t.role for t in parsed.document.turns] == ["interviewer", "respondent", "unknown"]

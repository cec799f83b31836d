from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fivep.errors import InputError, TranscriptError
from fivep.ingest.readers import detect_format, read_transcript
from fivep.ingest.turns import SpeakerResolver, build_document

ROSTER = ["GOV-CM-01", "GOV-CM-02", "YP-CR-03"]
THAI_TURNS = [("ผู้สัมภาษณ์", "สวัสดีค่ะ เล่าเรื่องการทำงานให้ฟังหน่อยค่ะ"),
              ("GOV-CM-01", "ทำงานที่ พม. มาแปดปีค่ะ ปัญหาคือคนไม่พอ"),
              ("GOV-CM-02", "ตำรวจเองก็มีตัวชี้วัดคดีครับ")]


def parse(path: Path, roster: list[str] = ROSTER, **kwargs):
    return build_document(read_transcript(path, **kwargs), SpeakerResolver(roster))


def check_turns(doc, expected=THAI_TURNS) -> None:
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == list(expected)
    assert [t.role for t in doc.turns] == ["interviewer", "respondent", "respondent"]
    assert doc.turns[1].respondent_id == "GOV-CM-01"


def _txt(turns=THAI_TURNS) -> str:
    return "\n".join(f"{s}: {t}" for s, t in turns) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp874"])
def test_txt_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "FG-1.txt"
    path.write_bytes(_txt().encode(encoding))
    parsed = parse(path)
    check_turns(parsed.document)
    assert parsed.document.meta["encoding"] == encoding.replace("utf-16", "utf-16")


def test_front_matter_maps_labels_and_sets_id(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("---\nid: FG-CM-A\nlanguage: th\nspeakers:\n  ผู้ให้ข้อมูล 1: GOV-CM-01\n"
                    "  P2: gov-cm-02\n---\nผู้ดำเนินการ: เริ่มเลยค่ะ\n"
                    "[00:01:02] ผู้ให้ข้อมูล 1: บรรทัดแรก\nบรรทัดต่อ\nP2：ครับ\n", encoding="utf-8")
    doc = parse(path).document
    assert doc.id == "FG-CM-A" and doc.language == "th"
    assert [t.respondent_id for t in doc.turns] == [None, "GOV-CM-01", "GOV-CM-02"]
    assert doc.turns[1].time == "00:01:02"
    assert doc.text[doc.turns[1].start:doc.turns[1].end] == "บรรทัดแรก\nบรรทัดต่อ"
    assert doc.turns[1].line == 9


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("สัมภาษณ์", 1)
    for speaker, text in THAI_TURNS[:2]:
        document.add_paragraph(f"{speaker}: {text}")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = THAI_TURNS[2][0]
    table.rows[0].cells[1].text = THAI_TURNS[2][1]
    path = tmp_path / "t.docx"
    document.save(path)
    check_turns(parse(path).document)


def test_odt(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for speaker, text in THAI_TURNS:
        document.text.addElement(P(text=f"{speaker}: {text}"))
    path = tmp_path / "t.odt"
    document.save(str(path))
    check_turns(parse(path).document)


def test_pdf_with_thai_font(tmp_path: Path) -> None:
    from fontpkg_sarabun import ROOT
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Sarabun", str(Path(ROOT) / "files" / "Sarabun-Regular.ttf")))
    path = tmp_path / "t.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Sarabun", 12)
    for i, (speaker, text) in enumerate(THAI_TURNS):
        c.drawString(40, 800 - 20 * i, f"{speaker}: {text}")
    c.save()
    check_turns(parse(path).document)


def test_vtt_voice_tags_merge_consecutive_cues(tmp_path: Path) -> None:
    path = tmp_path / "t.vtt"
    path.write_text("WEBVTT\n\nNOTE\nid: II-9\nlanguage: th\n\n1\n00:00:01.000 --> 00:00:03.000\n"
                    f"<v ผู้สัมภาษณ์>{THAI_TURNS[0][1]}\n\n00:00:04.000 --> 00:00:06.000\n<v GOV-CM-01>ทำงานที่ พม. มาแปดปีค่ะ\n\n"
                    "00:00:06.500 --> 00:00:08.000\n<v GOV-CM-01>ปัญหาคือคนไม่พอ</v>\n\n"
                    f"00:01:09.000 --> 00:01:10.000\nGOV-CM-02: {THAI_TURNS[2][1]}\n", encoding="utf-8")
    doc = parse(path).document
    check_turns(doc)
    assert doc.id == "II-9"
    assert [t.time for t in doc.turns] == ["00:00:01", "00:00:04", "00:01:09"]


def test_srt(tmp_path: Path) -> None:
    path = tmp_path / "t.srt"
    path.write_text("".join(f"{i}\n00:00:0{i},000 --> 00:00:0{i},900\n{s}: {t}\n\n"
                            for i, (s, t) in enumerate(THAI_TURNS, 1)), encoding="utf-8")
    check_turns(parse(path).document)


def test_format_override_and_detection(tmp_path: Path) -> None:
    path = tmp_path / "transcript.data"
    path.write_text(_txt(), encoding="utf-8")
    with pytest.raises(InputError, match="unknown transcript format"):
        read_transcript(path)
    check_turns(parse(path, format="txt").document)
    assert detect_format(Path("a.txt"), b"%PDF-1.7") == "pdf"


@pytest.mark.parametrize("name,data,message", [
    ("empty.txt", b"", "the file is empty"),
    ("binary.txt", b"\x00\x01\x02\x03" * 100, "binary file"),
    ("latin.txt", "ผู้สัมภาษณ์: café".encode()[:5] + b"\xe9\xe8 caf\xe9", "not valid UTF-8"),
    ("truncated.docx", None, "damaged or truncated"),
    ("notzip.docx", b"PK\x03\x04 this is not a zip at all", "damaged or truncated"),
    ("broken.pdf", b"%PDF-1.4\n garbage", "not a readable PDF"),
    ("nolabels.txt", "ไม่มีผู้พูดเลย\nสักบรรทัด\n".encode(), "no speaker turns"),
    ("badfront.txt", b"---\nid: [unclosed\n---\nI: hi\n", "front matter is not valid YAML"),
    ("openfront.txt", b"---\nid: x\nI: hi\n", "never ends"),
    ("novtt.vtt", b"WEBVTT\n\nhello\n", "no cue timings"),
])
def test_bad_files_give_clear_errors(tmp_path: Path, name: str, data: bytes | None, message: str) -> None:
    path = tmp_path / name
    if data is None:
        import docx

        buffer = io.BytesIO()
        document = docx.Document()
        document.add_paragraph("GOV-CM-01: hello")
        document.save(buffer)
        data = buffer.getvalue()[:2000]
    path.write_bytes(data)
    with pytest.raises(TranscriptError if "UTF-8" not in message and "binary" not in message else InputError) as info:
        parse(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_unknown_speaker_label_starts_a_turn_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("I: สวัสดีครับ\nR07: ครับ\nGOV-CM-01: ค่ะ\nR07: อีกครั้ง\n", encoding="utf-8")
    parsed = parse(path)
    turns = parsed.document.turns
    assert [(t.speaker, t.role, t.respondent_id) for t in turns] == [
        ("I", "interviewer", None), ("R07", "unknown", None),
        ("GOV-CM-01", "respondent", "GOV-CM-01"), ("R07", "unknown", None)]
    [warning] = [w for w in parsed.warnings if "R07" in w]
    assert f"{path}, lines 2, 4: unknown speaker 'R07'" in warning


def test_colon_in_ordinary_speech_is_not_a_turn(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("GOV-CM-01: มีสามเรื่อง\nเรื่องแรกคือ: งบประมาณ\nNote: the budget\n", encoding="utf-8")
    doc = parse(path).document
    assert len(doc.turns) == 1
    assert doc.text[doc.turns[0].start:doc.turns[0].end].endswith("Note: the budget")


def test_speaker_not_in_roster_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("I: hi\nNGO-CR-09: hello\n", encoding="utf-8")
    parsed = parse(path)
    assert parsed.document.turns[1].respondent_id == "NGO-CR-09"
    assert any("not in the roster" in w for w in parsed.warnings)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\x00" * (400 * 1024 * 1024 // 4) * 4 if False else b" " * (50 * 2**20))
    with pytest.raises(TranscriptError, match="zip bomb"):
        parse(path)

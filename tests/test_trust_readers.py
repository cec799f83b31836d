"""Encodings and subtitles: nothing is read as something else, nothing is dropped without a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivep.errors import InputError
from fivep.ingest.encoding import decode_bytes, plausible_thai
from fivep.ingest.readers import read_transcript
from fivep.ingest.turns import SpeakerResolver, build_document

ROSTER = ["GOV-CM-01", "GOV-CM-02"]


def _parse(path: Path):
    return build_document(read_transcript(path), SpeakerResolver(ROSTER))


@pytest.mark.parametrize("text,word,line", [
    ("I: hello\nGOV-CM-01: café au lait\n", "café", 2),
    ("I: hello\nGOV-CM-01: Zürich, naïve résumé\n", "Zürich,", 2),
    ("I: été\n", "été", 1),
])
def test_latin1_is_not_read_as_thai(tmp_path: Path, text: str, word: str, line: int) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_transcript(path)
    assert info.value.line == line and f"'{word}'" in str(info.value) and "Latin-1" in str(info.value)
    assert "save it again as UTF-8" in str(info.value)


def test_cp874_thai_is_still_read(tmp_path: Path) -> None:
    text = "ผู้สัมภาษณ์: สวัสดีค่ะ เล่าเรื่องการทำงานให้ฟังหน่อย\nGOV-CM-01: ทำงานที่ พม. มาแปดปีค่ะ (NGO, 2019)\n"
    decoded, encoding = decode_bytes(text.encode("cp874"))
    assert (decoded, encoding) == (text, "cp874")
    assert plausible_thai(text) and not plausible_thai("caf\u0e49") and not plausible_thai("na\u0e4fve x\u0e01y")


def test_srt_cue_with_a_bad_timestamp_is_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nI: how is the work?\n\n"
                    "2\n00:00:03,000 -> 00:00:04,000\nGOV-CM-01: we lack staff\n\n"
                    "3\n00:00:05,000 --> 00:00:06,000\nGOV-CM-02: and interpreters\n", encoding="utf-8")
    parsed = _parse(path)
    turns = parsed.document.turns
    assert [(t.speaker, t.time) for t in turns] == [("I", "00:00:01"), ("GOV-CM-01", None), ("GOV-CM-02", "00:00:05")]
    assert parsed.document.turn_text(turns[1]) == "we lack staff"
    assert [w for w in parsed.warnings if "timing" in w] == [
        (f"{path}, line 6: cue timing '00:00:03,000 -> 00:00:04,000' cannot be read; its text is kept, without a "
        "time (a timing reads 00:00:01,000 --> 00:00:04,000)")]


def test_text_outside_any_cue_is_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.vtt"
    path.write_text("WEBVTT\nLanguage: th\n\n00:00:01.000 --> 00:00:02.000\nI: hello\n\n"
                    "GOV-CM-01: a line somebody pasted without a timing\n", encoding="utf-8")
    parsed = _parse(path)
    assert parsed.document.meta["language"] == "th"
    assert [t.speaker for t in parsed.document.turns] == ["I", "GOV-CM-01"]
    assert any(f"{path}, line 7: text outside any cue" in w for w in parsed.warnings)


def test_two_speakers_in_one_cue_are_two_turns(tmp_path: Path) -> None:
    path = tmp_path / "t.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v GOV-CM-01>we lack staff</v> <v GOV-CM-02>and money\n\n"
                    "00:00:05.000 --> 00:00:06.000\nI: thank you\nGOV-CM-01: you are welcome\n", encoding="utf-8")
    doc = _parse(path).document
    assert [(t.speaker, doc.turn_text(t)) for t in doc.turns] == [
        ("GOV-CM-01", "we lack staff"), ("GOV-CM-02", "and money"), ("I", "thank you"),
        ("GOV-CM-01", "you are welcome")]


def test_pdf_drops_only_the_page_number_never_a_number_someone_said(tmp_path: Path) -> None:
    from fontpkg_sarabun import ROOT
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Sarabun", str(Path(ROOT) / "files" / "Sarabun-Regular.ttf")))
    path = tmp_path / "t.pdf"
    c = canvas.Canvas(str(path))
    for page, lines in enumerate((["I: อายุเท่าไหร่คะ", "GOV-CM-01: อายุ", "๑๖", "- 1 -"], ["GOV-CM-02: ๒", "หน้า 2"]), 1):
        c.setFont("Sarabun", 12)
        for i, line in enumerate(lines):
            c.drawString(40, 800 - 20 * i, line)
        c.showPage()
    c.save()
    doc = _parse(path).document
    assert [doc.turn_text(t) for t in doc.turns] == ["อายุเท่าไหร่คะ", "อายุ ๑๖", "๒"]

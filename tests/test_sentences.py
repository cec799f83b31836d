"""Thai sentence units come from PyThaiNLP's crfcut, not from spaces; no character is lost."""

from __future__ import annotations

import pytest

from fivep.ingest.segments import sentence_spans

ISSUE = ("พี่อยู่ พมจ. น่าน ทำเรื่องคัดกรองผู้เสียหายมาแปดปีแล้วค่ะ ปัญหาหลักคือคนไม่พอ ล่ามก็ไม่มี "
         "เด็กบางคนพูดไทยไม่ได้เลย")


def _units(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_thai_is_not_cut_at_every_space() -> None:
    units = _units(ISSUE)
    assert units[0] == "พี่อยู่ พมจ. น่าน ทำเรื่องคัดกรองผู้เสียหายมาแปดปีแล้วค่ะ"
    assert "พี่อยู่" not in units and "พมจ." not in units
    assert len(units) < len(ISSUE.split())
    assert units[-1] == "เด็กบางคนพูดไทยไม่ได้เลย"


@pytest.mark.parametrize("text", [ISSUE, "ค่ะ", "ใช่ค่ะ ค่ะ", "We lack staff. The budget is late! OK.",
                                  "  ผอ. ว่ายังไงคะ  ", "ไม่มี. จบ"])
def test_every_character_is_in_a_sentence(text: str) -> None:
    spans = sentence_spans(text)
    assert spans == sorted(spans) and all(s < e for s, e in spans)
    covered = "".join(text[s:e] for s, e in spans)
    assert covered.replace(" ", "") == text.replace(" ", "")

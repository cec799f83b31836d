from __future__ import annotations

import pytest

from fivep.ingest.thai import normalize_text, repair_extracted_thai, thai_share, thai_to_arabic_digits


@pytest.mark.parametrize("damaged,repaired", [
    ("ทํางาน", "ทำงาน"),                          # nikhahit + sara aa -> sara am
    ("ค่ําคืน", "ค่ำคืน"),                         # with a tone mark before
    ("การ ค้า มนุษย์", "การ ค้า มนุษย์"),             # real spaces between words are kept
    ("ผู้เสีย หาย", "ผู้เสีย หาย"),
    ("เด็ ็ก", "เด็ก"),                             # space before a mark, duplicated mark
    ("ท ี่บ้าน", "ที่บ้าน"),                         # space before a vowel that cannot start a word
    ("เ ด็ก", "เด็ก"),                              # space after a leading vowel
    ("\uf70aผู้", "\u0e48ผู้"),                       # PUA tone mark
])
def test_pdf_damage_is_repaired(damaged: str, repaired: str) -> None:
    assert normalize_text(damaged, extracted=True) == repaired


def test_repair_leaves_clean_text_alone() -> None:
    text = "ศปคม. จังหวัดเชียงใหม่ ประชุม MDT ทุกเดือน"
    assert repair_extracted_thai(text) == text


def test_normalize_keeps_lines_and_thai_digits() -> None:
    text = "บรรทัดหนึ่ง  \r\nปี ๒๕๖๖\u200b\n\n"
    assert normalize_text(text) == "บรรทัดหนึ่ง\nปี ๒๕๖๖\n\n"


def test_digits_and_share() -> None:
    assert thai_to_arabic_digits("อายุ ๑๖ ปี") == "อายุ 16 ปี"
    assert thai_share("MDT ประชุม") == pytest.approx(5 / 8)  # combining marks are not letters
    assert thai_share("123") == 0.0

"""Ids, speaker labels and code ids are compared without invisible characters (zero-width, direction marks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivep.ingest.codings import unknown_code_hint
from fivep.ingest.thai import invisible_characters, normalize_id
from fivep.ingest.turns import label_key


@pytest.mark.parametrize("raw", ["GOV-01\u200b", "\u202eGOV-01", "G\u200dOV-01", "\ufeffGOV-01", " GOV-01\u2066 "])
def test_normalize_id_removes_invisible_characters(raw: str) -> None:
    assert normalize_id(raw) == "GOV-01"
    assert label_key(raw) == label_key("GOV-01") == "gov01"
    assert invisible_characters(raw) and raw != "GOV-01"


def test_code_id_with_an_invisible_character_names_it() -> None:
    known = ["policy.case_indicators", "protection.shelter"]
    assert unknown_code_hint("protection.shelter\u200b", known) == (
        "it holds invisible character(s) U+200B: delete them to get 'protection.shelter'")
    assert unknown_code_hint("protection.shleter", known) == "did you mean 'protection.shelter'?"
    assert "fivep codebook list" in unknown_code_hint("zzz", known)


def test_codebook_id_with_an_invisible_character_is_named(tmp_path: Path) -> None:
    from fivep.coding.codebook import parse_codebook

    path = tmp_path / "cb.yaml"
    path.write_text("name: t\nversion: '1'\ncodes:\n  - id: policy\n    label_en: Policy\n    label_th: นโยบาย\n"
                    "  - id: \"policy.law\u200b\"\n    label_en: Law\n    label_th: กฎหมาย\n", encoding="utf-8")
    _, problems, _ = parse_codebook(path)
    assert any("invisible character(s) U+200B" in p.message and p.line == 7 for p in problems)

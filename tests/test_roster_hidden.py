"""Findings of the QA run on 26 unseen rosters (/work/qa/FINDINGS.md): what a hidden roster must not get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivep.errors import RosterError
from fivep.ingest.roster import load_roster, normalize_province, read_roster


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "respondents.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("value,expected", [
    ("Tak", "Tak"), ("ตาก", "Tak"), ("จ. เชียงใหม่", "Chiang Mai"), ("Nan Province", "Nan"), ("NAN", "Nan"),
    ("อ.แม่สาย จ.เชียงราย", "Chiang Rai"), ("จ.เชียงราย อ.แม่สาย", "Chiang Rai"),
    ("Mae Sai District, Chiang Rai Province", "Chiang Rai"), ("Tak Bai, Narathiwat", "Narathiwat"),
    ("Chiang Mai, Thailand", "Chiang Mai"), ("อ.เมืองน่าน", "Nan"), ("อำเภอเมืองเชียงใหม่", "Chiang Mai"),
    ("เมืองน่าน", "Nan"), ("Mueang Nan", "Nan"), ("Amphoe Mueang Tak", "Tak"), ("เมือง", None), ("Mueang Tak Bai", None),
    # near-matches are never read as the province they resemble
    ("Tak Bai", None), ("ตากใบ", None), ("Nang Rong", None), ("Nann", None), ("Phraek", None),
    ("Nanthaburi", None), ("Bangkok Noi", None), ("Chiang Mai University", None), ("Nan, Phrae", None),
])
def test_a_province_is_matched_exactly(value: str, expected: str | None) -> None:
    assert normalize_province(value) == expected


@pytest.mark.parametrize("written,hint", [("Tak Bai", "Tak"), ("ตากใบ", "Tak"), ("Nann", "Nan"), ("Phraek", "Phrae"),
                                          ("Nanthaburi", "Nonthaburi")])
def test_a_near_province_is_an_error_naming_the_row_and_the_closest_province(tmp_path: Path, written: str,
                                                                              hint: str) -> None:
    path = _write(tmp_path, f"respondent_id,group,province\nR1,ngo,Nan\nR2,government,{written}\n")
    with pytest.raises(RosterError) as info:
        read_roster(path)
    assert (info.value.row, info.value.column) == (3, "province")
    assert f"did you mean '{hint}'?" in str(info.value)


@pytest.mark.parametrize("last", ["Total,3,,", "รวม,3,,", ",3,,", "TOTAL:,3,,120", ",Total,,"])
def test_a_totals_row_is_not_a_respondent(tmp_path: Path, last: str) -> None:
    path = _write(tmp_path, f"respondent_id,group,sex,age\nA1,government,F,40\nA2,ngo,M,33\nA3,victim,F,16\n{last}\n")
    read = load_roster(path)
    assert [r.id for r in read.respondents] == ["A1", "A2", "A3"]
    assert any("row 5: a totals row" in w and "not counted" in w for w in read.warnings)


def test_a_respondent_called_total_with_values_is_still_a_respondent(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,sex\nTotal,ngo,F\n")
    assert [r.id for r in read_roster(path)] == ["Total"]


def test_an_xlsx_formula_without_a_saved_value_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent_id", "group", "sex", "age"])
    sheet.append(["V-1", "victim", "F", None])  # a truly empty cell stays missing
    sheet.append(["V-2", "victim", "F", "=10+6"])  # openpyxl saves no value for a formula
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    with pytest.raises(RosterError) as info:
        read_roster(path)
    assert (info.value.row, info.value.column) == (3, "age")
    assert "cell D3 holds the formula '=10+6' but no saved value" in str(info.value)
    sheet["D3"] = 16
    book.save(path)
    assert [r.get("age") for r in read_roster(path)] == [None, 16]


def test_a_missing_marker_is_missing_with_a_warning_naming_its_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,sex,age,province,method,sector,role\n"
                            "R1,ngo,?,-,n/a,-,-,-\nR2,ngo,ไม่ระบุ,16,Nan,interview,,\nR3,ngo,F,n/a,Nan,,ngo,\n")
    read = load_roster(path)
    assert [(r.get("sex"), r.get("age"), r.get("province"), r.get("method"), r.get("sector")) for r in read.respondents] \
        == [(None, None, None, None, None), (None, 16, "Nan", "interview", None), ("female", None, "Nan", None, "ngo")]
    text = "\n".join(read.warnings)
    for expected in ("row 2, column 'sex': '?' read as missing", "row 3, column 'sex': 'ไม่ระบุ' read as missing",
                     "row 2, column 'age': '-' read as missing",
                     "row 4, column 'age': 'n/a' read as missing", "row 2, column 'province': 'n/a' read as missing",
                     "row 2, column 'method': '-' read as missing", "row 2, column 'sector': '-' read as missing"):
        assert expected in text
    assert "'role'" not in text and read.respondents[0].get("role") == "-"  # free text is kept as written


def test_warnings_name_every_row_with_runs_compressed(tmp_path: Path) -> None:
    rows = [f"R{i},ngo,{'F' if i not in (39, 41) else 'female'}" for i in range(2, 45)]  # R<i> on row i
    path = _write(tmp_path, "respondent_id,group,sex\n" + "\n".join(rows) + "\nR99,ngo,M\nR98,ngo,female\nR97,ngo,F\n")
    text = "\n".join(load_roster(path).warnings)
    assert "rows 2–38, 40, 42–44, 47, column 'sex': 'F' read as 'female'" in text
    assert "more" not in text


@pytest.mark.parametrize("written,expected", [("เด็กหญิง", "female"), ("เด็กชาย", "male"), ("นางสาว", "female"),
                                              ("น.ส.", "female"), ("นาง", "female"), ("นาย", "male"), ("Mr.", "male"),
                                              ("Ms", "female"), ("Women", "female"), ("ด.ญ.", "female")])
def test_sex_written_as_a_title_is_read_and_reported(tmp_path: Path, written: str, expected: str) -> None:
    read = load_roster(_write(tmp_path, f"respondent_id,group,sex\nR1,victim,{written}\n"))
    assert read.respondents[0].get("sex") == expected
    assert f"row 2, column 'sex': {written!r} read as {expected!r}" in "\n".join(read.warnings)


def test_implausible_ages_and_experience_are_warnings_naming_the_row(tmp_path: Path) -> None:
    read = load_roster(_write(tmp_path, "respondent_id,group,age,years_experience\nV1,victim,1.6,\nV2,victim,16,\n"
                                        "E1,expert,48,70\nE2,expert,48,20\n"))
    assert [r.get("age") for r in read.respondents] == [1.6, 16, 48, 48]  # counted as written, but said
    text = "\n".join(read.warnings)
    assert "row 2, column 'age': a minor victim aged 1.6 (a typo for 16?)" in text
    assert "row 4, columns 'years_experience' and 'age': 70 years of experience at age 48" in text
    assert "row 3" not in text and "row 5" not in text


def test_a_typo_hint_names_the_canonical_value_not_an_alias(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="did you mean 'focus_group'"):
        read_roster(_write(tmp_path, "respondent_id,group,method\nR1,ngo,FDG\n"))


def test_transcript_front_matter_is_checked_against_the_known_keys(tmp_path: Path) -> None:
    from fivep.ingest.readers import read_transcript

    path = tmp_path / "a.txt"
    path.write_text("---\nid: X1\nlanguage: xx\nmethod: party\nprovince: Chaing Mai\nspeakrs:\n  P1: GOV-CM-01\n"
                    "interviewer_notes: fine\n---\nGOV-CM-01: สวัสดี\n", encoding="utf-8")
    raw = read_transcript(path)
    text = "\n".join(raw.warnings)
    assert f"{path}, line 6: unknown front-matter key 'speakrs' (did you mean 'speakers'?)" in text
    assert "speaker mapping is not used" in text
    assert "line 8: unknown front-matter key 'interviewer_notes'" in text
    assert "line 3: language must be th or en, not 'xx'" in text and "language" not in raw.meta
    assert "line 4: cannot read method 'party'; use interview or focus_group" in text
    assert "line 5: cannot read province 'Chaing Mai' (did you mean 'Chiang Mai'?)" in text


def test_front_matter_values_read_differently_are_reported(tmp_path: Path) -> None:
    from fivep.ingest.readers import read_transcript

    path = tmp_path / "b.txt"
    path.write_text("---\nlanguage: Thai\nmethod: FGD\nprovince: จ.เชียงราย\nspeakers:\n  P1: GOV-CM-01\n---\nP1: hi\n",
                    encoding="utf-8")
    raw = read_transcript(path)
    assert (raw.meta["language"], raw.meta["method"], raw.meta["province"]) == ("th", "focus_group", "Chiang Rai")
    assert {w.split(": ", 1)[1] for w in raw.warnings} == {"language 'Thai' read as 'th'",
                                                            "method 'FGD' read as 'focus_group'",
                                                            "province 'จ.เชียงราย' read as 'Chiang Rai'"}
    clean = tmp_path / "c.txt"
    clean.write_text("---\nid: C\ntitle: t\nlanguage: en\nmethod: interview\nprovince: Nan\ndate: 2024\n---\nP1: hi\n",
                     encoding="utf-8")
    assert read_transcript(clean).warnings == []

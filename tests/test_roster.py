from __future__ import annotations

from pathlib import Path

import pytest

from fivep.errors import RosterError
from fivep.ingest.roster import normalize_province, normalize_sex, parse_number, read_roster


@pytest.mark.parametrize("value,expected", [
    ("F", "female"), ("female", "female"), ("หญิง", "female"), ("ญ", "female"), ("ผู้หญิง", "female"),
    ("M", "male"), (" Male ", "male"), ("ชาย", "male"), ("ช", "male"), ("ช.", "male"), ("other", "other"),
    ("alien", None),
])
def test_sex_spellings(value: str, expected: str | None) -> None:
    assert normalize_sex(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("Chiang Mai", "Chiang Mai"), ("chiangmai", "Chiang Mai"), ("เชียงใหม่", "Chiang Mai"),
    ("จ.เชียงราย", "Chiang Rai"), ("จังหวัดแพร่", "Phrae"), ("Phrae Province", "Phrae"),
    ("แม่ฮ่องสอน", "Mae Hong Son"), ("น่าน", "Nan"), ("Lampang", "Lampang"), ("กทม.", "Bangkok"),
    ("Atlantis", None),
])
def test_province_spellings(value: str, expected: str | None) -> None:
    assert normalize_province(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("16", 16), ("๑๖", 16), ("16 ปี", 16), ("๑๖ ปี", 16), ("12.5", 12.5), ("12 years", 12),
    ("1 ปี 6 เดือน", 1.5), ("sixteen", None), ("16-17", None),
])
def test_numbers(value: str, expected: float | None) -> None:
    assert parse_number(value) == expected


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "respondents.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_cp874_roster(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,sex,province\nR1,ผู้เสียหาย,หญิง,เชียงราย\n", "cp874")
    [r] = read_roster(path)
    assert (r.group, r.get("sex"), r.get("province")) == ("victim", "female", "Chiang Rai")


def test_reads_utf16_roster_with_semicolons(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffrespondent_id;group;age\nR1;ngo;๓๒ ปี\n", "utf-16")
    [r] = read_roster(path)
    assert r.get("age") == 32


def test_reads_xlsx(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent_id", "group", "age", "notes"])
    sheet.append(["R1", "expert", 55, "retired judge"])
    sheet.append(["R2", "victim", "๑๖ ปี", None])
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    r1, r2 = read_roster(path)
    assert r1.get("age") == 55 and r1.get("notes") == "retired judge"
    assert r2.get("age") == 16


@pytest.mark.parametrize("text,message,row,column", [
    ("respondent_id,group\nR1,ngo\nR1,ngo\n", "duplicate respondent_id 'R1'", 3, "respondent_id"),
    ("respondent_id,sex\nR1,F\n", "required column 'group' is missing", 1, None),
    ("respondent_id,group,sex\nR1,ngo,F\nR2,ngo,banana\n", "cannot read sex 'banana'", 3, "sex"),
    ("respondent_id,group,province\nR1,ngo,Atlantis\n", "cannot read province 'Atlantis'", 2, "province"),
    ("respondent_id,group,age\nR1,ngo,old\n", "cannot read age 'old'", 2, "age"),
    ("respondent_id,group,age\nR1,ngo,300\n", "out of range", 2, "age"),
    ("respondent_id,group\n,ngo\n", "respondent_id is empty", 2, "respondent_id"),
    ("respondent_id,group\nR1,\n", "group is empty", 2, "group"),
])
def test_bad_rosters_name_the_row(tmp_path: Path, text: str, message: str, row: int, column: str | None) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RosterError) as info:
        read_roster(path)
    error = info.value
    assert message in str(error)
    assert error.row == row and error.column == column
    assert str(path) in str(error)


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02binary\x00", b"\xff\xfe\xfa\xfb not text \x81\x82"])
def test_unreadable_rosters_are_clear_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "respondents.csv"
    path.write_bytes(data)
    with pytest.raises(RosterError if not data or b"\x00" not in data else Exception) as info:
        read_roster(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("value,expected", [
    ("อายุ 16 ปี", 16), ("16 y/o", 16), ("6 เดือน", 0.5), ("20+ ปี", 20), ("16ปี", 16), ("~12 years", 12),
])
def test_numbers_as_people_write_them(value: str, expected: float) -> None:
    assert parse_number(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("Government official", "government"), ("ข้าราชการ", "government"), ("NGO staff member", "ngo"),
    ("มูลนิธิ", "ngo"), ("Senior expert (NGO)", "expert"), ("Child victim", "victim"), ("เยาวชน", "victim"),
    ("Interpreter", "interpreter"),
])
def test_group_spellings(value: str, expected: str) -> None:
    from fivep.ingest.roster import normalize_group

    assert normalize_group(value) == expected


def test_province_inside_a_longer_place_and_headers_in_words(tmp_path: Path) -> None:
    path = _write(tmp_path, "Respondent ID,Respondent type,Gender / เพศ,Age (years),Province,Years of experience\n"
                            "R1,Child victim,หญิง,อายุ ๑๖ ปี,อ.แม่สาย จ.เชียงราย,\n"
                            "R2,Government official,M,45,\"Mae Rim, Chiang Mai\",20+\n")
    r1, r2 = read_roster(path)
    assert (r1.group, r1.get("sex"), r1.get("age"), r1.get("province")) == ("victim", "female", 16, "Chiang Rai")
    assert (r2.group, r2.get("province"), r2.get("years_experience")) == ("government", "Chiang Mai", 20)
    assert normalize_province("Chiang Mai / Lamphun") is None


def test_nan_is_a_province_not_a_missing_value(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,province,sex\nR1,ngo,Nan,F\nR2,ngo,น่าน,-\nR3,ngo,n/a,\nR4,ngo,NAN ,M\n")
    assert [r.get("province") for r in read_roster(path)] == ["Nan", "Nan", None, "Nan"]
    assert [r.get("sex") for r in read_roster(path)] == ["female", None, None, "male"]


@pytest.mark.parametrize("text,message", [
    ("respondent_id,group,sex\nR1,ngo,nan\n", "pandas writes an empty cell"),  # not guessed as missing
    ("respondent_id,group\nGOV-01,ngo\ngov01,ngo\n", "cannot be told apart from 'GOV-01'"),  # as speaker labels
])
def test_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RosterError, match=message):
        read_roster(_write(tmp_path, text))


def test_typos_are_reported_with_the_closest_known_value(tmp_path: Path) -> None:
    from fivep.ingest.roster import load_roster

    path = _write(tmp_path, "respondent_id,group,province\nR1,goverment,Chiang Mai\nR2,interpreter,Nan\n"
                            "R3,interpreter,Nan\nR4,interpeter,Nan\nR5,vicitm,Nan\n")
    read = load_roster(path)
    assert [r.group for r in read.respondents] == ["government", "interpreter", "interpreter", "interpeter", "vicitm"]
    text = "\n".join(read.warnings)
    assert "row 2, column 'group': 'goverment' read as 'government'" in text
    assert "row 5, column 'group': 'interpeter' is not one of" in text and "did you mean 'interpreter'?" in text
    assert "row 6, column 'group': 'vicitm'" in text and "did you mean 'victim'?" in text


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,sex,province,age\nR1,ngo,x,Chaing Mai,16\n"
                            "R2,,F,Nan,200\nR1,ngo,M,Nan,sixteen\n")
    with pytest.raises(RosterError) as info:
        read_roster(path)
    problems = info.value.problems
    assert [(p.row, p.column) for p in problems] == [
        (2, "sex"), (2, "province"), (3, "group"), (3, "age"), (4, "respondent_id"), (4, "age")]
    text = str(info.value)
    assert "6 problems" in text and "did you mean 'Chiang Mai'?" in text and "cannot read sex 'x'" in text
    assert all(str(path) in str(p) for p in problems)


def test_ids_differing_only_by_invisible_characters_are_one_respondent(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group\nGOV-01,ngo\nGOV\u200b-01,ngo\n")
    with pytest.raises(RosterError, match="duplicate respondent_id 'GOV-01' \\(first on row 2\\)"):
        read_roster(path)
    path = _write(tmp_path, "respondent_id,group\n\u202eGOV-01,ngo\nGOV-02,ngo\n")
    warnings: list[str] = []
    assert [r.id for r in read_roster(path, warnings)] == ["GOV-01", "GOV-02"]
    assert any("U+202E removed" in w and "row 2" in w for w in warnings)


def test_missing_markers_belong_to_their_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,sex,age,years_experience,role\n"
                            "R1,ngo,ไม่ระบุ,-,n/a,-\nR2,ngo,unknown,?,,none\n")
    r1, r2 = read_roster(path)
    assert (r1.get("sex"), r1.get("age"), r1.get("years_experience")) == (None, None, None)
    assert (r2.get("sex"), r2.get("age")) == (None, None)
    assert (r1.get("role"), r2.get("role")) == ("-", "none")  # free text is kept as written


def test_xlsx_with_a_stale_dimension_is_read_fully(tmp_path: Path) -> None:
    import re
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent_id", "group", "province"])
    for i in range(1, 6):
        sheet.append([f"R{i}", "ngo", "Nan"])
    fresh = tmp_path / "fresh.xlsx"
    book.save(fresh)
    stale = tmp_path / "respondents.xlsx"
    with zipfile.ZipFile(fresh) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C3"', data)
                assert n == 1
            target.writestr(item, data)
    respondents = read_roster(stale)
    assert [r.id for r in respondents] == ["R1", "R2", "R3", "R4", "R5"]
    assert {r.get("province") for r in respondents} == {"Nan"}


def test_two_columns_read_as_one_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,Age,Age (years)\nR1,ngo,16,17\n")
    with pytest.raises(RosterError, match="columns 'Age' and 'Age \\(years\\)' are both read as 'age'"):
        read_roster(path)


def test_a_title_that_does_not_say_the_sex_is_read_as_missing_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "respondent_id,group,sex\nE1,expert,ดร.\nE2,expert,Prof.\nE3,expert,นาย\n")
    warnings: list[str] = []
    e1, e2, e3 = read_roster(path, warnings)
    assert (e1.get("sex"), e2.get("sex"), e3.get("sex")) == (None, None, "male")
    assert any("row 2" in w and "'ดร.' read as missing (a title that does not say the sex)" in w for w in warnings)
    assert any("row 3" in w and "'Prof.'" in w for w in warnings)


def test_a_thai_data_collection_header_is_the_method(tmp_path: Path) -> None:
    path = _write(tmp_path, "ลำดับ,รหัสผู้ให้ข้อมูล,กลุ่ม,รูปแบบการเก็บข้อมูล\n1,V1,ผู้เสียหาย,สนทนากลุ่ม\n")
    [v] = read_roster(path)
    assert v.get("method") == "focus_group" and v.attributes["ลำดับ"] == "1"


def test_values_with_a_gloss_in_brackets_are_read_when_the_parts_agree(tmp_path: Path) -> None:
    path = _write(tmp_path, "Participant,Grp,Sex,Prov,Method\nP1,Gov,F,Chiang Rai (เชียงราย),สนทนากลุ่ม (Focus group)\n"
                            "P2,NGO,M,Mae Sai (Chiang Rai),IDI\nP3,NGO,F,Nan (Phrae),IDI\n")
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    assert "row 4" in str(caught.value) and "'Nan (Phrae)'" in str(caught.value)   # two provinces: refused
    path = _write(tmp_path, "Participant,Grp,Sex,Prov,Method\nP1,Gov,F,Chiang Rai (เชียงราย),สนทนากลุ่ม (Focus group)\n"
                            "P2,NGO,M,Mae Sai (Chiang Rai),IDI\n")
    warnings: list[str] = []
    p1, p2 = read_roster(path, warnings)
    assert (p1.group, p1.get("province"), p1.get("method")) == ("government", "Chiang Rai", "focus_group")
    assert p2.get("province") == "Chiang Rai"
    assert any("'Chiang Rai (เชียงราย)' read as 'Chiang Rai'" in w for w in warnings)


def test_a_totals_row_with_its_word_in_a_row_number_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "ที่,รหัส,กลุ่ม,กลุ่มย่อย\n๑,V1,ผู้เสียหาย,กลุ่มที่ ๑\n๒,V2,ผู้เสียหาย,กลุ่มที่ ๑\nรวม,๒ คน,,\n")
    warnings: list[str] = []
    rows = read_roster(path, warnings)
    assert [r.id for r in rows] == ["V1", "V2"] and rows[0].get("session_id") == "กลุ่มที่ ๑"
    assert any("row 4: a totals row" in w for w in warnings)

"""Rosters laid out as research teams write them: a title above the column names, notes and summaries below
the respondents, section headings instead of a group column, agencies instead of groups, birth years instead
of ages. Every row fivep does not read as a respondent is named in a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivep.errors import RosterError
from fivep.ingest.roster import load_roster
from fivep.ingest.vocabulary import known_group, normalize_method, normalize_province, parse_number


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "respondents.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_title_rows_above_the_header_and_notes_below_the_respondents_are_named_not_read(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "Respondent register - fieldwork 2024,,,,\n"
        "Confidential: codes only,,,,\n"
        ",,,,\n"
        "No.,Respondent ID,Category,Gender,Age\n"
        "1,G1,Government official,F,40\n"
        "2,N1,NGO staff,M,35\n"
        ",,,,\n"
        "Note: IDI = in-depth interview,,,,\n"
        "Total respondents: 2,,,,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["age"]) for r in read.respondents] == [("G1", "government", 40),
                                                                               ("N1", "ngo", 35)]
    assert any("rows 1–3: above the column names (row 4)" in w for w in read.warnings)
    assert any("row 8: 'Note: IDI = in-depth interview' follows the last respondent" in w for w in read.warnings)
    assert any("row 9: a totals row ('Total respondents: 2')" in w for w in read.warnings)


def test_a_header_over_merged_cells_is_passed_over_for_the_column_names(tmp_path: Path) -> None:
    path = _write(tmp_path, "Respondent,,Profile,\nCode,Group,Sex,Age\nG1,Gov't,female,40\nC1,Child victim,male,15\n")
    read = load_roster(path)
    assert [(r.id, r.group) for r in read.respondents] == [("G1", "government"), ("C1", "victim")]
    assert any("row 1: above the column names (row 2)" in w for w in read.warnings)


def test_section_headings_give_the_group_and_their_counts_are_checked(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "ลำดับ,รหัส,เพศ,อายุ\n"
        "กลุ่มที่ 1 เจ้าหน้าที่ภาครัฐ (2 คน),,,\n"
        "1,ภร-01,ชาย,49 ปี\n"
        "2,ภร-02,หญิง,52 ปี\n"
        "กลุ่มที่ 2 ผู้เสียหายที่เป็นเด็ก (2 คน),,,\n"
        "1,ผส-01,หญิง,15 ปี\n"
        "รวมทั้งสิ้น,3 คน,,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group) for r in read.respondents] == [("ภร-01", "government"), ("ภร-02", "government"),
                                                            ("ผส-01", "victim")]
    assert any("rows 3, 4: group 'government', from the section heading on row 2" in w for w in read.warnings)
    assert any("row 5: the section heading says 2 respondents, 1 rows follow it" in w for w in read.warnings)
    assert any("row 7" in w and "not counted" in w for w in read.warnings)


def test_a_respondent_row_with_no_id_is_still_an_error_at_the_end_of_the_roster(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as info:
        load_roster(_write(tmp_path, "respondent_id,group,age\nG1,government,40\n,ngo,35\n"))
    assert info.value.row == 3


def test_agencies_in_an_affiliation_column_give_the_groups(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "Interviewee code,Affiliation / group,Sex\n"
        "R1,Chiang Rai Provincial Public Prosecutor Office,F\n"
        "R2,ศาลเยาวชนและครอบครัวจังหวัดแพร่,M\n"
        "R3,บ้านพักเด็กและครอบครัวจังหวัดเชียงราย,F\n"
        "R4,Doi Saeng Women and Children Foundation,F\n"
        "R5,สมาคมเครือข่ายสตรีชายแดนเหนือ,F\n"
        "R6,Senior expert - retired public prosecutor,M\n"
        "R7,ผู้เสียหาย (เด็ก),F\n"
    ))
    read = load_roster(path)
    assert [r.group for r in read.respondents] == ["government", "government", "government", "ngo", "ngo",
                                                   "expert", "victim"]
    assert any("column 'Affiliation / group' gives each respondent's group" in w for w in read.warnings)
    assert any("'Chiang Rai Provincial Public Prosecutor Office' read as 'government'" in w for w in read.warnings)


@pytest.mark.parametrize("value,group", [("victim of court delays", "victim"), ("NGO expert", "expert"),
                                         ("Child (victim)", "victim"), ("young person", "victim")])
def test_a_victims_word_outranks_an_agencys(value: str, group: str) -> None:
    assert known_group(value) == group


def test_birth_years_become_ages_with_the_fieldwork_year_the_title_states(tmp_path: Path) -> None:
    path = _write(tmp_path, ("Respondent list - เก็บข้อมูลปี พ.ศ. 2567 (ค.ศ. 2024)\n"
                             "Code,กลุ่ม,ปีเกิด (พ.ศ.)\nK1,NGO,2540\nV1,ผู้เสียหาย,2552\nV2,ผู้เสียหาย,-\n"))
    read = load_roster(path)
    assert [r.attributes["age"] for r in read.respondents] == [27, 15, None]
    assert any("ages computed as 2567" in w for w in read.warnings)


def test_birth_years_without_a_stated_fieldwork_year_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="gives birth years"):
        load_roster(_write(tmp_path, "Code,กลุ่ม,ปีเกิด (พ.ศ.)\nK1,NGO,2540\n"))


def test_a_legend_under_the_roster_defines_its_abbreviations(tmp_path: Path) -> None:
    path = _write(tmp_path, ("Code,กลุ่ม,เพศ\nK1,ผทว.,ช\nV1,ผส.,ญ\n\n"
                             "หมายเหตุ: ผทว. = ผู้ทรงคุณวุฒิ; ผส. = ผู้เสียหายที่เป็นเด็ก\n"))
    read = load_roster(path)
    assert [r.group for r in read.respondents] == ["expert", "victim"]
    assert any("'ผส.' read as 'victim' (the roster's note defines it as 'ผู้เสียหายที่เป็นเด็ก')" in w
               for w in read.warnings)


@pytest.mark.parametrize("value,expected", [
    ("Payao", "Phayao"), ("Prae", "Phrae"), ("Lampoon", "Lamphun"), ("Chieng Mai", "Chiang Mai"),
    ("Muang Phrae", "Phrae"), ("เขตพญาไท กรุงเทพฯ", "Bangkok"), ("Fang District Chiang Mai", "Chiang Mai"),
    ("Nann", None), ("Tak Bai", None), ("Samut Prakarn", None),
])
def test_romanisation_variants_and_marked_districts(value: str, expected: str | None) -> None:
    assert normalize_province(value) == expected


@pytest.mark.parametrize("value,expected", [("สนทนากลุ่ม ครั้งที่ 2", "focus_group"), ("FGD-3", "focus_group"),
                                            ("In-depth", "interview"), ("focus group #1", "focus_group"), ("2", None)])
def test_a_method_with_its_session(value: str, expected: str | None) -> None:
    assert normalize_method(value) == expected


@pytest.mark.parametrize("value,expected", [("3 ปีครึ่ง", 3.5), ("ปีครึ่ง", 1.5), ("18 เดือน", 1.5),
                                            ("14 years 6 months", 14.5)])
def test_half_years_and_months(value: str, expected: float) -> None:
    assert parse_number(value) == expected


def test_an_adult_in_the_victims_group_is_a_warning(tmp_path: Path) -> None:
    read = load_roster(_write(tmp_path, "respondent_id,group,age\nV1,victim,34\nV2,victim,15\n"))
    assert [r.attributes["age"] for r in read.respondents] == [34, 15]
    assert any("row 2, column 'age': a victim aged 34" in w for w in read.warnings)


def test_merged_cells_in_a_workbook_give_their_value_to_every_row_they_span(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ทะเบียนผู้ให้ข้อมูล (ปี 2567)"])
    sheet.append(["รหัส", "กลุ่ม", "เพศ", "วิธีการเก็บข้อมูล"])
    for row in (["G1", "เจ้าหน้าที่รัฐ", "หญิง", "สนทนากลุ่ม"], ["G2", None, "ชาย", None], ["G3", None, "หญิง", None],
                ["V1", "ผู้เสียหาย", "หญิง", "สัมภาษณ์"]):
        sheet.append(row)
    sheet.merge_cells("B3:B5")
    sheet.merge_cells("D3:D5")
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["method"]) for r in read.respondents] == [
        ("G1", "government", "focus_group"), ("G2", "government", "focus_group"), ("G3", "government", "focus_group"),
        ("V1", "victim", "interview")]
    assert any("rows 4, 5, column 'กลุ่ม': a merged cell; the value of row 3 read for each" in w for w in read.warnings)
    assert any("row 1: above the column names (row 2)" in w for w in read.warnings)


def test_an_empty_group_cell_that_is_not_merged_is_still_an_error(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["respondent_id", "group"], ["G1", "government"], ["G2", None]):
        sheet.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    with pytest.raises(RosterError) as info:
        load_roster(path)
    assert info.value.row == 3


def test_a_workbook_that_opens_with_a_cover_sheet_is_read_from_the_roster_sheet(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "คำชี้แจง"
    cover.append(["แบบบันทึกข้อมูลผู้ให้ข้อมูล"])
    cover.append(["กรอกหนึ่งแถวต่อหนึ่งคน"])
    sheet = book.create_sheet("Roster")
    for row in (["Code", "Group", "Sex"], ["G1", "Government", "F"], ["N1", "NGO", "M"]):
        sheet.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group) for r in read.respondents] == [("G1", "government"), ("N1", "ngo")]
    assert any("the roster read from sheet 'Roster'; 'คำชี้แจง' before it names no respondent columns" in w
               for w in read.warnings)


def test_a_units_line_under_the_column_names_and_subtotals_inside_sections(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "ลำดับ;รหัส;คำนำหน้า;อายุ;อายุงาน\n;;;(ปี);(ปี / เดือน)\n"
        "กลุ่มที่ 1 : เจ้าหน้าที่ของรัฐ (Government officials);;;;\n"
        "1;P1;ร.ต.อ.หญิง;30;๑ ปี ๖ เดือน\n2;P2;พ.ต.ท.;45;10\n3;P3;นาย;50;12\n4;P4;นาง;41;3\n"
        "รวมกลุ่มที่ 1;4 คน;;;\n"
        "กลุ่มที่ 2 : ผู้เสียหาย;;;;\n1;C1;ด.ญ.;14;-\n"
        "รวมทั้งสิ้น;5 คน;;;\n* หมายเหตุ: ด.ญ. = เด็กหญิง;;;;\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["years_experience"]) for r in read.respondents] == [
        ("P1", "government", "female", 1.5), ("P2", "government", "male", 10), ("P3", "government", "male", 12),
        ("P4", "government", "female", 3), ("C1", "victim", "female", None)]
    assert any("row 2: the units of the columns" in w for w in read.warnings)
    assert any("row 8: a totals row ('รวมกลุ่มที่ 1 4 คน')" in w for w in read.warnings)


def test_a_group_written_once_per_block_in_a_csv_export_is_read_down_its_block(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "กลุ่ม,รหัส,เพศ/อายุ,ประสบการณ์ (เดือน)\n"
        "เจ้าหน้าที่รัฐ,KI-01,หญิง / 39,126\n,KI-02,ช/58,6\n,KI-03,ญ/-,\n"
        "กลุ่ม,รหัส,เพศ/อายุ,ประสบการณ์ (เดือน)\n"
        "NGO (ต่อ),KI-04,-/42,24\n,KI-05,ญ/31,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["age"], r.attributes["years_experience"])
            for r in read.respondents] == [
        ("KI-01", "government", "female", 39, 10.5), ("KI-02", "government", "male", 58, 0.5),
        ("KI-03", "government", "female", None, None), ("KI-04", "ngo", None, 42, 2), ("KI-05", "ngo", "female", 31, None)]
    assert any("rows 3, 4, column 'กลุ่ม': empty, read as 'เจ้าหน้าที่รัฐ' from row 2 above" in w for w in read.warnings)
    assert any("row 5: the column names again" in w for w in read.warnings)
    assert any("numbers counted in months" in w for w in read.warnings)


def test_a_few_empty_groups_among_written_ones_stay_errors(tmp_path: Path) -> None:
    with pytest.raises(RosterError):
        load_roster(_write(tmp_path, "group,id\ngovernment,G1\nngo,N1\n,N2\nexpert,E1\nvictim,V1\n"))


def test_code_prefixes_a_legend_defines_give_the_groups(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "รหัส,หน่วยงาน/สังกัด,เพศ,พื้นที่ (อำเภอ/จังหวัด)\n"
        "CV-01,สถานคุ้มครองและพัฒนาอาชีพ,ญ,อ.สูงเม่น จ.แพร่\nGO-01,หน่วยงานภาครัฐ,ช,จ.น่าน\nEX-01,อิสระ,ญ,-\n"
        ",,,\n\"คำอธิบายรหัส: GO = เจ้าหน้าที่รัฐ, NGO = เจ้าหน้าที่องค์กรพัฒนาเอกชน, EX = ผู้เชี่ยวชาญอาวุโส, CV = เด็กผู้เสียหาย\",,,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["province"]) for r in read.respondents] == [
        ("CV-01", "victim", "Phrae"), ("GO-01", "government", "Nan"), ("EX-01", "expert", None)]
    assert any("group read from the prefix of the code" in w for w in read.warnings)


def test_a_summary_block_under_a_workbook_roster_is_not_read_as_respondents(tmp_path: Path) -> None:
    path = _write(tmp_path, ("ลำดับ,รหัส,กลุ่ม,เพศ,อายุ\n1,R1,เจ้าหน้าที่ภาครัฐ,ชาย,42\n2,R2,ผู้เสียหาย,หญิง,15\n,,,,\n"
                             ",สรุปจำนวนผู้ให้ข้อมูล,,,\n,เจ้าหน้าที่ภาครัฐ,,1,คน\n,ผู้เสียหายที่เป็นเด็ก (อายุต่ำกว่า 18 ปี),,1,คน\n"
                             ",รวมทั้งสิ้น,,2,คน\n"))
    read = load_roster(path)
    assert [r.id for r in read.respondents] == ["R1", "R2"]
    assert sum("not a respondent; not counted" in w for w in read.warnings) == 4


def test_a_utf16_tab_separated_export_with_line_breaks_inside_a_note(tmp_path: Path) -> None:
    text = ("No.\tCode\tGroup\tSex\r\n1\tNT-1\tGov\tM\r\n2\tNT-2\tNGO\tF\t\"first line\n(second line)\"\r\n"
            "3\tNT-3\tExpert\tF\r\n")
    path = tmp_path / "respondents.csv"
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(RosterError, match="the row has 5 values"):   # the note has no column name
        load_roster(path)
    text = text.replace("Sex\r\n", "Sex\tNote\r\n")
    path.write_bytes(text.encode("utf-16"))
    assert [r.id for r in load_roster(path).respondents] == ["NT-1", "NT-2", "NT-3"]


def test_group_codes_keyed_in_the_column_name_and_sex_ticked_in_two_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, ("รหัส,กลุ่ม (1=รัฐ 2=NGO 3=ผู้เชี่ยวชาญ 4=ผู้เสียหาย),ชาย,หญิง,อายุ\n"
                             "N1,2,,✓,65\nG1,1,✓,,28\nE1,3,,,53\nV1,4,,✓,15\n,,,,\nLast updated: 14/03/2024 16:02:11,,,,\n"))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"]) for r in read.respondents] == [
        ("N1", "ngo", "female"), ("G1", "government", "male"), ("E1", "expert", None), ("V1", "victim", "female")]
    assert any("the sex read from the ticks in columns 'หญิง' and 'ชาย'" in w for w in read.warnings)
    assert any("'1' read as 'government' (the roster's note defines it as 'รัฐ')" in w for w in read.warnings)


def test_experience_from_the_year_work_began_and_provinces_with_their_region(tmp_path: Path) -> None:
    path = _write(tmp_path, ("ทะเบียนผู้ให้ข้อมูล (เก็บข้อมูลภาคสนาม พ.ศ. 2566)\n"
                             "รหัส,กลุ่ม,จังหวัด,ปีที่เริ่มทำงาน\nT1,ภาครัฐ,ภาคเหนือ-เชียงราย,พ.ศ. 2554\n"
                             "T2,ผู้ เชี่ยวชาญ อาวุโส,ภาคเหนือ – แพร่,เริ่มงานปี 2565\nT3,เด็กผู้เสียหาย,เชียงใหม่,-\n"))
    read = load_roster(path)
    assert [(r.group, r.attributes["province"], r.attributes["years_experience"]) for r in read.respondents] == [
        ("government", "Chiang Rai", 12), ("expert", "Phrae", 1), ("victim", "Chiang Mai", None)]
    assert any("years of experience computed as 2566" in w for w in read.warnings)


def test_two_columns_naming_the_same_thing_are_told_apart_by_their_values(tmp_path: Path) -> None:
    path = _write(tmp_path, ("Code,Category,Type,อายุ,ที่มาของอายุ\nK1,Govt,KII,40,คำนวณ: 2566 - ปีเกิด\n"
                             "K2,NGO,FGD,35,คำนวณ: 2566 - ปีเกิด\n"))
    read = load_roster(path)
    assert [(r.group, r.attributes["method"], r.attributes["age"]) for r in read.respondents] == [
        ("government", "interview", 40), ("ngo", "focus_group", 35)]
    assert any("'Category' and 'Type' both name group" in w and "read as method" in w for w in read.warnings)


def test_a_roster_on_a_sheet_per_province_is_read_whole_with_the_sheet_as_province(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for index, title in enumerate(("เชียงใหม่", "แพร่", "ไม่ระบุจังหวัด")):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        for row in (["รหัส", "กลุ่ม", "เพศ"], [f"P{index}", "NGO", "ญ"], [f"Q{index}", "ผชช.", "ช"]):
            sheet.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["province"]) for r in read.respondents] == [
        ("P0", "ngo", "Chiang Mai"), ("Q0", "expert", "Chiang Mai"), ("P1", "ngo", "Phrae"), ("Q1", "expert", "Phrae"),
        ("P2", "ngo", None), ("Q2", "expert", None)]
    assert any("on 3 sheets with the same columns" in w and "gives the province" in w for w in read.warnings)


def test_a_roster_on_a_sheet_per_group_names_each_row_by_its_sheet(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for index, title in enumerate(("ภาครัฐ", "ผู้เสียหาย")):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        for row in (["รหัส", "เพศ", "อายุ"], [f"R{index}", "ญ", "200" if index else "40"]):
            sheet.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    with pytest.raises(RosterError) as info:
        load_roster(path)
    assert "row 2 of sheet 'ผู้เสียหาย'" in str(info.value)


def test_an_opendocument_roster_is_read_and_an_old_excel_one_is_refused_with_what_to_do(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame([["Respondent register 2567", None, None], ["รหัส", "กลุ่ม", "อายุ"], ["G1", "ภาครัฐ", 40],
                          ["N1", "NGO", 35.0]])
    path = tmp_path / "respondents.ods"
    frame.to_excel(path, engine="odf", header=False, index=False)
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["age"]) for r in read.respondents] == [("G1", "government", 40),
                                                                               ("N1", "ngo", 35)]
    old = tmp_path / "respondents.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(RosterError, match=r"\.xls\) is not read"):
        load_roster(old)
    with pytest.raises(RosterError, match="found respondents.ods, respondents.xls"):
        load_roster(tmp_path / "respondents.csv")


def test_a_report_table_with_its_column_names_on_two_rows_and_a_signature_under_it(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "บัญชีรายชื่อผู้ให้ข้อมูลสำคัญ,,,,\n,,,,\n"
        "รหัสผู้ให้ข้อมูลสำคัญ,ประเภทผู้ให้ข้อมูลสำคัญ,ข้อมูลส่วนบุคคล,,ระยะเวลาการปฏิบัติงาน\n"
        ",,เพศ,อายุ (ปี),\n"
        "ภร-01,เจ้าหน้าที่ภาครัฐ,หญิง,51,5 ปี 6 เดือน\nภร-02,ผู้เสียหาย,ชาย,15,-\n"
        "รวมทั้งสิ้น,,2 ราย,,\n,,,,\n,,(ลงชื่อ) .................... ผู้จัดทำ,,\n,,ตำแหน่ง นักพัฒนาสังคม,,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["age"], r.attributes["years_experience"])
            for r in read.respondents] == [("ภร-01", "government", "female", 51, 5.5), ("ภร-02", "victim", "male", 15, None)]
    assert any("rows 3 and 4: the column names, on two rows" in w for w in read.warnings)


def test_sections_with_column_names_of_their_own(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "Respondent list - fieldwork (compiled by consultant, v3)\n\nA. Government officials\n"
        "ID;Sex;Age;Experience (years);Method\nA01;female;60;11;focus group 9\nA02;male;43;0,25;interview\n"
        "Subtotal A;2\n\nD. Minor victims\nID;Sex;Age;Method;Care setting\nD01;female;15;interview;shelter\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["age"], r.attributes.get("years_experience"), r.attributes["method"])
            for r in read.respondents] == [("A01", "government", 60, 11, "focus_group"),
                                           ("A02", "government", 43, 0.25, "interview"), ("D01", "victim", 15, None, "interview")]
    assert any("the column names of the rows under it" in w for w in read.warnings)


def test_a_column_named_otherwise_is_read_by_its_values_and_footnote_marks_are_left_out(tmp_path: Path) -> None:
    path = _write(tmp_path, ("รหัส,กลุ่ม,จังหวัด,อายุงาน,รูปแบบ\nG1,ภาครัฐ,แพร่**,๒***,สัมภาษณ์\nG2,ภาครัฐ,น่าน,3,สนทนากลุ่ม\n"
                             "N1,NGO,ไม่ระบุ (N/A),4,สัมภาษณ์\nN2,NGO,น่าน,5,สัมภาษณ์\nE1,ประเภท: ผู้ทรงคุณวุฒิ — ที่ปรึกษามูลนิธิ,น่าน,6,"
                             "สัมภาษณ์\n"))
    read = load_roster(path)
    assert [(r.group, r.attributes["province"], r.attributes["years_experience"], r.attributes["method"])
            for r in read.respondents] == [("government", "Phrae", 2, "interview"), ("government", "Nan", 3, "focus_group"),
                                           ("ngo", None, 4, "interview"), ("ngo", "Nan", 5, "interview"),
                                           ("expert", "Nan", 6, "interview")]
    assert any("column 'รูปแบบ' holds method values" in w for w in read.warnings)
    assert any("'แพร่**' read as 'Phrae' (the footnote mark left out)" in w for w in read.warnings)


def test_ditto_marks_slash_glosses_and_experience_over_years_and_months_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, ("PID,Category,m/f,Age,Prov.,Years,Months,Mode\n"
                             "P1,Gov,Male / ชาย,40,PR,3,6,FGD\nP2,〃,f,35,CM,,9,〃\nP3,NGO,F,n.r.,CR,2,,IDI (Zoom)\n"
                             "P4,NGO,M,50,CR,4,0,IDI\nP5,Senior expert,F,61,CM,20,3,IDI\nP6,NGO,M,41,CM,1,,FGD\n,,,,,,,\n"
                             "Totals,,,,,,,\nALL,6,,,,,,\n"))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["province"], r.attributes["years_experience"],
             r.attributes["method"]) for r in read.respondents] == [
        ("P1", "government", "male", "Phrae", 3.5, "focus_group"), ("P2", "government", "female", "Chiang Mai", 0.75,
                                                                     "focus_group"),
        ("P3", "ngo", "female", "Chiang Rai", 2, "interview"), ("P4", "ngo", "male", "Chiang Rai", 4, "interview"),
        ("P5", "expert", "female", "Chiang Mai", 20.25, "interview"), ("P6", "ngo", "male", "Chiang Mai", 1, "focus_group")]
    assert any("a ditto mark, read as the value above" in w for w in read.warnings)


def test_a_summary_table_beside_the_roster_is_left_out_and_trailing_empty_columns_are_not_a_table(
        tmp_path: Path) -> None:
    rows = [["No", "Code", "Group", "Sex", "", "Summary", ""], ["1", "G1", "Government", "F", "", "Group", "n"],
            ["2", "G2", "Government", "M", "", "Government", "3"], ["3", "G3", "Government", "F", "", "NGO", "3"]]
    rows += [[str(4 + i), f"N{i}", "NGO", "F", "", "", ""] for i in range(9)]
    path = _write(tmp_path, "\n".join(",".join(r) for r in rows) + "\n")
    read = load_roster(path)
    assert [r.group for r in read.respondents] == ["government"] * 3 + ["ngo"] * 9
    assert any("hold a table beside the roster" in w for w in read.warnings)
    plain = _write(tmp_path, "id,group,,\nG1,government,,\nN1,ngo,,\n")
    assert not any("a table beside the roster" in w for w in load_roster(plain).warnings)


def test_a_victims_sheet_with_columns_of_its_own_is_read_by_name_and_a_legend_sheet_is_named_not_read(
        tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    staff = book.active
    staff.title = "Practitioners"
    for row in (["Code", "Category", "Gender", "Age", "Province"], ["G1", "Govt", "F", 44, "Phrae"],
                ["N1", "NGO", "M", 38, "Chiang Rai"]):
        staff.append(row)
    victims = book.create_sheet("เด็กผู้เสียหาย")
    for row in (["ลำดับ", "รหัส", "อายุ", "เพศ", "จังหวัด"], [1, "ด-01", 15, "หญิง", "เชียงใหม่"]):
        victims.append(row)
    legend = book.create_sheet("Codes")
    for row in (["Code", "Category"], ["G", "Government official"]):
        legend.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["age"], r.attributes["sex"], r.attributes["province"])
            for r in read.respondents] == [("G1", "government", 44, "female", "Phrae"),
                                           ("N1", "ngo", 38, "male", "Chiang Rai"),
                                           ("ด-01", "victim", 15, "female", "Chiang Mai")]
    assert any("sheet 'เด็กผู้เสียหาย' names its own columns" in w and "gives their group" in w for w in read.warnings)
    assert any("sheet 'Codes' not read" in w for w in read.warnings)


def test_a_hidden_column_that_names_what_a_shown_one_names_is_left_out(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["รหัส", "กลุ่ม", "อายุ", "อายุ (รอบนำร่อง)"], ["G1", "ภาครัฐ", 41, 40], ["V1", "ผู้เสียหาย", 15, 14]):
        sheet.append(row)
    sheet.column_dimensions["D"].hidden = True
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [r.attributes["age"] for r in read.respondents] == [41, 15]
    assert any("'อายุ (รอบนำร่อง)' hidden in the workbook" in w for w in read.warnings)
    sheet.column_dimensions["D"].hidden = False   # both shown: which one is the age is the user's to say
    book.save(path)
    with pytest.raises(RosterError, match="both read as 'age'"):
        load_roster(path)


def test_a_forms_export_with_questions_for_column_names(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "Timestamp,1. รหัสผู้ให้ข้อมูล (Respondent code),2. ผู้ให้ข้อมูลอยู่ในกลุ่มใด / Which respondent group?,"
        "3. เพศ / Sex,4. อายุ (ปีเต็ม) ณ วันที่ให้ข้อมูล / Age in completed years on the day of the interview,"
        "5. ระยะเวลาที่ปฏิบัติงานด้านการค้ามนุษย์ (ปี) / How many years has the respondent worked on it?,"
        "6. วันที่สัมภาษณ์ / Interview date\n"
        "2019/06/10 2:02:41 PM GMT+7,GOV-13,เจ้าหน้าที่ภาครัฐ / Government official,หญิง / Female,57,34ปี,10/6/2562\n"
    ))
    read = load_roster(path)
    [respondent] = read.respondents
    assert (respondent.attributes["age"], respondent.attributes["years_experience"]) == (57, 34)
    assert respondent.attributes["6._วันที่สัมภาษณ์_/_interview_date"] == "10/6/2562"   # a date stays a date


def test_ages_from_dates_of_birth_at_the_interview_date_or_during_the_stated_fieldwork(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "ทะเบียนผู้ให้ข้อมูล เก็บข้อมูลภาคสนาม 1 มิ.ย. – 31 ส.ค. 2562,,,,\n"
        "รหัส,กลุ่ม,วัน/เดือน/ปีเกิด,วันที่สัมภาษณ์,เพศ\n"
        "G1,ภาครัฐ,21 ก.พ. 2510,,ชาย\n"            # no interview date: 52 all through the fieldwork
        "G2,ภาครัฐ,13/01/2529,4 ส.ค. 62,หญิง\n"    # 33 on the day
        "G3,ภาครัฐ,1962-09-22,2019-06-05,หญิง\n"   # 56 on the day (turns 57 after the fieldwork)
        "V1,ผู้เสียหาย,ไม่ทราบ,,หญิง\n"
    ))
    read = load_roster(path)
    assert [r.attributes["age"] for r in read.respondents] == [52, 33, 56, None]
    assert any("dates of birth; each age computed in completed years at the interview date" in w for w in read.warnings)
    path.write_text(path.read_text(encoding="utf-8").replace("21 ก.พ. 2510", "15 ก.ค. 2510"), encoding="utf-8")
    with pytest.raises(RosterError, match=r"row 3.*born 1967-07-15: aged 51 to 52 during the fieldwork"):
        load_roster(path)


def test_role_codes_a_legend_sheet_explains_give_the_groups_and_a_code_it_lacks_is_an_error(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    roster = book.active
    for row in (["รหัส", "รหัสบทบาท", "เพศ", "อายุ"], ["R001", "POL", "ชาย", 41], ["R002", "NLAW", "หญิง", 35],
                ["R003", "POL", "หญิง", 38], ["R004", "VIC", "หญิง", 15]):
        roster.append(row)
    legend = book.create_sheet("คำอธิบายรหัส")
    for row in (["รหัสบทบาท", "คำอธิบาย", "กลุ่มผู้ให้ข้อมูล"], ["POL", "พนักงานสอบสวน", "เจ้าหน้าที่ภาครัฐ"],
                ["NLAW", "ทนายความมูลนิธิ", "NGO"], ["VIC", "เด็กผู้เสียหาย", "ผู้เสียหาย"]):
        legend.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group) for r in read.respondents] == [("R001", "government"), ("R002", "ngo"),
                                                           ("R003", "government"), ("R004", "victim")]
    assert any("both name a code; each row has its own in the first" in w for w in read.warnings)
    assert any("each row's group is what sheet 'คำอธิบายรหัส'" in w for w in read.warnings)
    legend.delete_rows(4)   # the legend no longer lists VIC: R004's group is unknown, an error naming its row
    legend.append(["ACAD", "นักวิชาการ", "ผู้เชี่ยวชาญ"])
    legend.append(["SW", "นักสังคมสงเคราะห์", "ภาครัฐ"])
    book.save(path)
    with pytest.raises(RosterError, match="row 5"):
        load_roster(path)


def test_rows_of_a_roster_over_sheets_are_named_by_sheet() -> None:
    from fivep.ingest.roster_checks import rows_named
    from fivep.ingest.roster_files import SheetRow

    rows = [SheetRow(1, "Practitioners", n) for n in (2, 3, 4, 9)] + [SheetRow(2, "เด็ก", 6)]
    numbered = [int(r) for r in rows]
    assert len(set(numbered)) == len(numbered)
    assert rows_named(rows) == "rows 2–4, 9 of sheet 'Practitioners', row 6 of sheet 'เด็ก'"
    assert rows_named([3, 4, 5, 8]) == "rows 3–5, 8"


def test_an_opendocument_roster_over_two_sheets_is_read_whole(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "respondents.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame([["Code", "Category", "Age"], ["G1", "Govt", 44]]).to_excel(
            writer, sheet_name="Practitioners", header=False, index=False)
        pd.DataFrame([["รหัส", "อายุ", "เพศ", "จังหวัด"], ["ด-01", 15, "หญิง", "แพร่"]]).to_excel(
            writer, sheet_name="ผู้เสียหาย", header=False, index=False)
        pd.DataFrame([["Notes"], ["fieldwork 2567"]]).to_excel(writer, sheet_name="Notes", header=False, index=False)
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["age"]) for r in read.respondents] == [("G1", "government", 44),
                                                                               ("ด-01", "victim", 15)]
    assert any("sheet 'Notes' not read as respondents" in w for w in read.warnings)


def test_misspelt_groups_bilingual_cells_and_section_headings_beside_a_group_column(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "ลำดับ,รหัส,ประเภทผู้ให้ข้อมูล,เพศ,จังหวัด\n"
        "ส่วนที่ 1 ผู้ปฏิบัติงาน (เจ้าหน้าที่รัฐ / NGO / ผู้เชี่ยวชาญ),,,,\n"
        "1,E1,Senior expet,หญิง/F,เชียงราย Chiang Rai\n"
        "2,E2,ผู้เชียวชาญ,Male ชาย,Phrae / แพร่\n"
        "3,G1,สภ.เมืองเชียงราย,ช,ชร.\n"
        "ส่วนที่ 2 เด็กผู้เสียหาย (n = 1),,,,\n"
        "1,V1,ผู้เสียหาย,ญ,เชียงใหม่\n"
        "4,X1,Donor,ญ,เชียงใหม่\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["province"]) for r in read.respondents] == [
        ("E1", "expert", "female", "Chiang Rai"), ("E2", "expert", "male", "Phrae"),
        ("G1", "government", "male", "Chiang Rai"), ("V1", "victim", "female", "Chiang Mai"),
        ("X1", "donor", "female", "Chiang Mai")]
    assert any("'Senior expet' read as 'expert' (a misspelling of" in w for w in read.warnings)
    assert any("row 2: a section heading" in w for w in read.warnings)
    assert any("row 6: a section heading" in w for w in read.warnings)
    assert any("'Donor' is not one of" in w for w in read.warnings)   # no known group near it: its own


def test_sheets_naming_the_same_columns_in_another_order_are_joined_by_name(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "ภาครัฐ"
    for row in (["รหัส", "กลุ่ม", "เพศ", "อายุ"], ["G1", "ภาครัฐ", "ญ", 40]):
        first.append(row)
    second = book.create_sheet("ผู้เสียหาย")
    for row in (["รหัส", "อายุ", "เพศ", "กลุ่ม"], ["V1", 15, "ช", "ผู้เสียหาย"]):
        second.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["age"]) for r in read.respondents] == [
        ("G1", "government", "female", 40), ("V1", "victim", "male", 15)]
    second["E1"] = "อายุ"   # a sheet naming one thing twice cannot be joined by name
    second["E2"] = 16
    book.save(path)
    with pytest.raises(RosterError, match="names 'age' in two columns"):
        load_roster(path)


def test_experience_given_as_the_year_work_began_is_counted_to_the_year_the_column_names(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "รหัส,กลุ่ม,เพศ,อายุ,อายุงาน (นับถึงปี พ.ศ. ๒๕๖๗),จังหวัด\n"
        "G1,เจ้าหน้าที่รัฐ,ญ,40,ตั้งแต่ปี ๒๕๖๐,เชียงราย\n"
        "G2,เจ้าหน้าที่รัฐ,ช,45,๑๑ ปี,เชียงราย\n"
        "N1,NGO,ญ,35,since 2012,เชียงใหม่\n"
    ))
    read = load_roster(path)
    assert [r.attributes["years_experience"] for r in read.respondents] == [7, 11, 2567 - 2555]
    assert any("rows 2, 4" in w and "up to 2567 (the year the column's name gives)" in w for w in read.warnings)
    undated = _write(tmp_path, "ID,Group,Sex,Experience\nG1,Government,F,since 2012\nG2,Government,M,5\n")
    with pytest.raises(RosterError, match="year work began"):
        load_roster(undated)


def test_withdrawn_respondents_are_named_and_not_counted(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "ID,Group,Sex,Age,Status,Remarks\n"
        "G1,Government,F,40,done,\n"
        "G2,Government,M,45,ถอนตัว,\n"
        "N1,NGO,F,35,done,withdrew consent to audio recording\n"
        "N2,NGO,M,50,Withdrawn (2 May),\n"
    ))
    read = load_roster(path)
    assert [r.id for r in read.respondents] == ["G1", "N1"]
    assert any("rows 3, 5: marked as withdrawn" in w and "not counted" in w for w in read.warnings)


def test_the_sex_is_read_from_titles_when_the_roster_has_no_sex_column(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "รหัส,ผู้ให้ข้อมูล (นามแฝง),กลุ่ม,อายุ\n"
        "K1,นาย ก.,เจ้าหน้าที่รัฐ,40\nK2,นางสาว ข.,เจ้าหน้าที่รัฐ,33\nK3,ร.ต.อ.หญิง ค.,เจ้าหน้าที่รัฐ,38\n"
        "K4,ด.ต. ง.,เจ้าหน้าที่รัฐ,50\nK5,ดร. จ.,ผู้เชี่ยวชาญ,61\nK6,ด.ญ. ฉ.,เด็กผู้เสียหาย,14\n"
    ))
    read = load_roster(path)
    assert [r.attributes.get("sex") for r in read.respondents] == ["male", "female", "female", "male", None, "female"]
    assert any("no sex column; the sex read from the titles" in w for w in read.warnings)


def test_a_district_of_the_study_provinces_tells_the_province_and_page_furniture_is_left_out(tmp_path: Path) -> None:
    assert normalize_province("อ.สันกำแพง") == "Chiang Mai"
    assert normalize_province("Mae Sai District") == "Chiang Rai"
    assert normalize_province("อ.ลอง") == "Phrae"
    assert normalize_province("ลอง") is None and normalize_province("Song") is None   # ordinary words alone
    assert normalize_province("PRH") == "Phrae"
    path = _write(tmp_path, (
        "Stakeholder list,,,\n"
        "ID,Group,Sex,Location\n"
        "G1,Government,F,อ.แม่สาย\n"
        ",,,\n"
        "CONFIDENTIAL,,Page 1 of 2,\n"
        "Stakeholder list,,,\n"
        "ID,Group,Sex,Location\n"
        "N1,NGO,M,CNX\n"
        "CONFIDENTIAL,,Page 2 of 2,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.attributes["province"]) for r in read.respondents] == [("G1", "Chiang Rai"), ("N1", "Chiang Mai")]
    assert any("rows 5, 6, 9: a page's title or footer" in w for w in read.warnings)


def test_a_roster_laid_out_sideways_is_read_turned_round(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "Respondent code,R-001,R-002,R-003,TOTAL\n"
        "Stakeholder group,Government official,NGO staff,Minor victim,3 respondents\n"
        "Gender,F,M,F,F 2 / M 1\n"
        "Age,45 yrs,38,15,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["age"]) for r in read.respondents] == [
        ("R-001", "government", "female", 45), ("R-002", "ngo", "male", 38), ("R-003", "victim", "female", 15)]
    assert any("one respondent a column and one attribute a row" in w for w in read.warnings)
    assert any("row 5: a totals row" in w for w in read.warnings)


def test_each_column_reads_its_own_codes(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "resp_id\tinclude (1=main study 0=pilot, exclude)\tgrp (1=Government official 2=NGO staff)\t"
        "sex (1=Male 2=Female 9=Missing)\tyrs_exp (88=Not applicable 99=Missing)\n"
        "P1\t0\t1\t2\t8\n"
        "1001\t1\t2\t1\t9\n"
        "1002\t1\t1\t9\t99\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["sex"], r.attributes["years_experience"]) for r in read.respondents] == [
        ("1001", "ngo", "male", 9), ("1002", "government", None, None)]   # 9 years: the sex's 9 is not the experience's
    assert any("row 2: marked as withdrawn ('0 = pilot, exclude'); not counted" in w for w in read.warnings)


def test_a_group_tick_and_province_headings_over_an_agency_column(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "รหัส,หน่วยงาน/สังกัด,ผู้ทรงคุณวุฒิ,เพศ,อายุ\n"
        "จังหวัดเชียงใหม่,,,,\n"
        "A1,สภ.ฝาง,,ชาย,40\n"
        "A2,พมจ.เชียงใหม่,✓,หญิง,61\n"
        "A3,เครือข่ายต่อต้านการค้ามนุษย์ภาคเหนือ,,หญิง,35\n"
        "รวมจังหวัดเชียงใหม่,3 คน,,,\n"
        "ไม่ระบุจังหวัด,,,,\n"
        "A4,มูลนิธิเพื่อเด็ก,,ชาย,50\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes.get("province")) for r in read.respondents] == [
        ("A1", "government", "Chiang Mai"), ("A2", "expert", "Chiang Mai"), ("A3", "ngo", "Chiang Mai"),
        ("A4", "ngo", None)]
    assert any("row 4: group 'ผู้ทรงคุณวุฒิ', from the tick in column 'ผู้ทรงคุณวุฒิ'" in w for w in read.warnings)
    assert any("rows 3–5: province from the section heading on row 2" in w for w in read.warnings)


def test_codes_in_the_ids_and_people_listed_again_on_a_later_sheet(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    key = ("ID key: PROVINCE-GROUP##-METHOD.  Province CM = Chiang Mai, CR = Chiang Rai.  Group G = government "
           "official, N = NGO staff, V = minor victim.  Method I = interview, F1/F2 = focus group no.")
    trip = book.active
    trip.title = "Trip1"
    for row in ([key], ["Experience in years as of 2024 ('since 2015' = 9 years)"], [],
                ["Respondent ID", "Gender", "Age", "Experience"],
                ["CM-G01-F1", "woman", "45 y/o", "since 2014"], ["CR-N02-I", "man", "38", "6 yrs"],
                ["CM-V03-I", "woman", "15", ""], [], ["Total respondents this trip", 3]):
        trip.append(row)
    later = book.create_sheet("Follow-up")
    for row in (["Follow-up calls: the same respondents"], [], ["Respondent ID", "Gender", "Age", "Experience"],
                ["CR-N02-I", "man", "38", "6 yrs"]):
        later.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["province"], r.attributes["years_experience"]) for r in read.respondents] == [
        ("CM-G01-F1", "government", "Chiang Mai", 10), ("CR-N02-I", "ngo", "Chiang Rai", 6),
        ("CM-V03-I", "victim", "Chiang Mai", None)]
    assert any("read from the codes in the id" in w for w in read.warnings)
    assert any("row 4 of sheet 'Follow-up': respondents listed on an earlier sheet" in w and "counted once" in w
               for w in read.warnings)
    assert any("up to 2024 (the year the rows above the column names count to)" in w for w in read.warnings)
    assert normalize_method("individual in-depth interview") == "interview"
    assert normalize_method("focus group no.") == "focus_group" and normalize_method("interviewer") is None


def test_words_that_only_look_like_withdrawals_or_titles_change_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "รหัส,กลุ่ม,ตำแหน่ง,การศึกษา,อายุ\n"
        "G1,เจ้าหน้าที่รัฐ,นายอำเภอ,ปริญญาโท,50\nG2,เจ้าหน้าที่รัฐ,นางพยาบาล,ปริญญาตรี,41\n"
        "G3,เจ้าหน้าที่รัฐ,นายอำเภอ,ปริญญาตรี,45\nV1,เด็กผู้เสียหาย,-,dropped out,15\n"
        "V2,เด็กผู้เสียหาย,-,dropped out,14\nV3,เด็กผู้เสียหาย,-,ม.2,13\n"
    ))
    read = load_roster(path)
    assert [r.id for r in read.respondents] == ["G1", "G2", "G3", "V1", "V2", "V3"]   # schooling is no status
    assert all(r.attributes.get("sex") is None for r in read.respondents)            # a post is no title


def test_a_codebook_sheet_gives_each_column_its_codes_and_names_unknown_columns(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    data = book.active
    data.title = "data"
    for row in (["resp_id", "grp", "sex", "age", "exp_yr"], [1001, 1, 1, 33, 9], [1002, 1, 2, 99, 99],
                [1003, 4, 9, 15, None]):
        data.append(row)
    codes = book.create_sheet("codebook")
    for row in (["variable", "label", "code", "meaning"], ["grp", "Respondent group", 1, "Government official"],
                [None, None, 4, "Minor victim"], ["sex", "Sex / เพศ", 1, "Male / ชาย"], [None, None, 2, "Female / หญิง"],
                [None, None, 9, "Unknown / ไม่ทราบ"], ["age", "Age in years", 99, "Unknown / ไม่ทราบ"],
                ["exp_yr", "Years of work experience / อายุงาน (ปี)", 99, "Unknown / ไม่ทราบ"]):
        codes.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.group, r.attributes["sex"], r.attributes["age"], r.attributes["years_experience"])
            for r in read.respondents] == [("government", "male", 33, 9), ("government", "female", None, None),
                                           ("victim", None, 15, None)]   # the sex's 9 is unknown, nine years stay nine
    assert any("column 'exp_yr' read as years_experience, as the codebook labels it" in w for w in read.warnings)


def test_a_liaisons_list_with_short_headers_and_an_end_line(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "Liaison desk contact list. Blank or 'unk' = unknown.\n"
        "Ref,Type,Gender,Age,Service,Area,Interview type\n"
        "LIA/G-01,GOV official,F,51y,23 years service,C. Mai,group disc.\n"
        "LIA/N-02,CBO,M,40,5 yrs,Chiang Rai,in-depth\n"
        "LIA/V-03,Child victim,F,15,,Prae,interview\n"
        "END OF LIST,,,,,,\n"
    ))
    read = load_roster(path)
    assert [(r.id, r.group, r.attributes["years_experience"], r.attributes["province"], r.attributes["method"])
            for r in read.respondents] == [("LIA/G-01", "government", 23, "Chiang Mai", "focus_group"),
                                           ("LIA/N-02", "ngo", 5, "Chiang Rai", "interview"),
                                           ("LIA/V-03", "victim", None, "Phrae", "interview")]
    assert any("row 6: a page's title or footer" in w for w in read.warnings)


def test_one_sheet_per_group_with_columns_of_its_own(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheets = {"Govt": (["resp_id", "sex", "age"], [["G1", "F", 40], ["G2", "M", 45]]),
              "NGO": (["resp_id", "age", "sex", "org_type"], [["N1", 33, "F", "NGO"], ["N2", 38, "M", "CBO"]]),
              "Survivors": (["resp_id", "sex", "age"], [["V1", "F", 15]])}
    book.remove(book.active)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    read = load_roster(path)
    assert [(r.id, r.group) for r in read.respondents] == [("G1", "government"), ("G2", "government"),
                                                          ("N1", "ngo"), ("N2", "ngo"), ("V1", "victim")]

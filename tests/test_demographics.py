from __future__ import annotations

import json
from pathlib import Path

import pytest

from fivep.analysis.demographics import demographics, describe, parse_combine
from fivep.errors import InputError
from fivep.ingest.roster import read_roster

MESSY = DATA_MESSY = Path(__file__).parent / "data" / "rosters"


@pytest.fixture(scope="module")
def sample_result(sample_dir: Path) -> dict:
    return demographics(read_roster(sample_dir / "respondents.csv"), {"practitioners": ["government", "ngo"]})


def test_sample_reproduces_the_study(sample_result: dict) -> None:
    g = sample_result["groups"]
    assert sample_result["total"] == 68
    assert {k: g[k]["n"] for k in ("government", "ngo", "expert", "victim")} == {
        "government": 32, "ngo": 12, "expert": 9, "victim": 15}
    p = g["practitioners"]
    assert p["n"] == 44
    assert p["sex"]["female"] == {"n": 26, "pct": 59.09}
    assert p["sector"]["government"]["pct"] == 72.73 and p["sector"]["ngo"]["pct"] == 27.27
    assert (p["years_experience"]["min"], p["years_experience"]["max"]) == (1, 37)
    assert round(p["years_experience"]["mean"], 1) == 12.6
    e = g["expert"]
    assert e["sex"]["female"]["n"] == 7 and e["sex"]["male"]["n"] == 2
    assert (e["age"]["min"], e["age"]["max"]) == (48, 67)
    assert e["sector"]["government"]["pct"] == 66.67 and e["sector"]["ngo"]["pct"] == 33.33
    assert 18.66 <= e["years_experience"]["mean"] <= 18.67
    v = g["victim"]
    assert (v["age"]["min"], v["age"]["max"]) == (15, 18)
    assert v["age"]["mean"] == pytest.approx(16.6)
    assert v["province"] == {"Chiang Rai": {"n": 6, "pct": 40.0}, "Chiang Mai": {"n": 6, "pct": 40.0},
                             "Phrae": {"n": 3, "pct": 20.0}}


def test_messy_twin_gives_the_same_figures(sample_dir: Path, tmp_path: Path) -> None:
    """BOM, F/M/หญิง/ชาย, Thai-script provinces, "16 ปี", Thai digits, trailing spaces, Thai headers."""
    import csv

    with open(sample_dir / "respondents.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    th_province = {"Chiang Mai": "จ.เชียงใหม่", "Chiang Rai": "เชียงราย ", "Phrae": "จังหวัดแพร่"}
    sex_forms = {"F": ["หญิง", "female", "ญ", " F "], "M": ["ชาย", "Male", "ช", "m"]}
    digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    lines = ["รหัส,กลุ่ม ,sector,เพศ,อายุ,จังหวัด,ประสบการณ์,method,session_id"]
    for i, r in enumerate(rows):
        age = r["age"]
        age = [age, f"{age} ปี", age.translate(digits), f"{age.translate(digits)} ปี "][i % 4]
        yrs = r["years_experience"]
        if yrs:
            yrs = [yrs, f"{yrs} ปี", yrs.translate(digits), f"{yrs} years"][i % 4]
        province = th_province[r["province"]] if i % 2 else f" {r['province'].upper()} "
        sex = sex_forms[r["sex"]][i % 4]
        group = {"government": "เจ้าหน้าที่รัฐ", "ngo": "NGO", "expert": "Expert", "victim": "ผู้เสียหาย"}[r["group"]]
        lines.append(",".join([f" {r['respondent_id']} ", group, r["sector"] or "-", sex, age, province, yrs,
                               "FGD" if r["method"] == "focus_group" else "in-depth interview", r["session_id"]]))
    messy = tmp_path / "respondents.csv"
    messy.write_bytes("\n".join(lines).encode("utf-8-sig"))
    sets = {"practitioners": ["government", "ngo"]}
    clean = demographics(read_roster(sample_dir / "respondents.csv"), sets)
    assert demographics(read_roster(messy), sets) == clean


def test_combine_parses_and_rejects() -> None:
    assert parse_combine(["a=government, ngo"]) == {"a": ["government", "ngo"]}
    with pytest.raises(InputError, match="NAME=group1,group2"):
        parse_combine(["practitioners"])


def test_unknown_group_in_set_is_an_error_when_it_cannot_be_a_warning(sample_dir: Path) -> None:
    with pytest.raises(InputError, match="'volunteers', not in the roster") as info:
        demographics(read_roster(sample_dir / "respondents.csv"), {"x": ["government", "volunteers"]},
                     where={"x": "study.toml, line 3"})
    assert str(info.value).startswith("study.toml, line 3: group set 'x'") and "remove 'volunteers'" in str(info.value)


def test_a_set_naming_a_group_the_roster_lacks_is_counted_from_the_groups_present(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    (tmp_path / "respondents.csv").write_text("respondent_id,group,sex\nG1,government,F\nG2,government,M\nV1,victim,F\n",
                                              encoding="utf-8")
    (tmp_path / "study.toml").write_text('title = "t"\n\n[group_sets]\npractitioners = ["government", "ngo"]\n'
                                         'adults = ["เจ้าหน้าที่รัฐ", "Senior experts"]\n', encoding="utf-8")
    notes: list[str] = []
    result = demographics(read_roster(tmp_path / "respondents.csv"), {"practitioners": ["government", "ngo"]},
                          warnings=notes)
    assert result["groups"]["practitioners"]["n"] == 2 and result["groups"]["practitioners"]["members"] == ["government"]
    assert "group set 'practitioners' names 'ngo', not in the roster" in notes[0]
    out = CliRunner().invoke(app, ["demographics", str(tmp_path), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert f"{tmp_path / 'study.toml'}, line 4: group set 'practitioners' names 'ngo'" in out.output
    # the set's groups are spelt as the roster spells them: เจ้าหน้าที่รัฐ is government, Senior experts expert
    assert f"{tmp_path / 'study.toml'}, line 5: group set 'adults' names 'expert'" in out.output
    assert '"members": [\n        "government"\n      ]' in out.output


def test_min_cell_suppresses_small_cells(sample_dir: Path) -> None:
    result = demographics(read_roster(sample_dir / "respondents.csv"), {}, min_cell=5)
    phrae = result["groups"]["victim"]["province"]["Phrae"]
    assert phrae == {"n": None, "pct": None, "suppressed": True, "shown": "<5"}
    # Phrae (3) = 15 - Chiang Mai (6) - Chiang Rai (6): one of the others is hidden too
    victims = result["groups"]["victim"]["province"]
    assert [c.get("shown") for c in victims.values()].count("*") == 1
    assert sum(1 for c in victims.values() if c["n"] is not None) == 1
    assert result["min_cell"] == 5
    text = describe(result, "en")
    assert "<5" in text and "6 from Chiang Mai" not in text and "3 from Phrae" not in text


@pytest.mark.parametrize("lang,expected", [
    ("en", ["68 respondents", "26 (59.09%) were female", "72.73% government officials", "12.6 years",
            "aged 48–67", "6 from Chiang Rai (40%)"]),
    ("th", ["ทั้งหมด 68 คน", "ร้อยละ 59.09", "12.6 ปี", "จากเชียงราย 6 คน (ร้อยละ 40)"]),
])
def test_paragraph_in_the_style_of_the_study(sample_result: dict, lang: str, expected: list[str]) -> None:
    text = describe(sample_result, lang)
    for phrase in expected:
        assert phrase in text


def test_json_is_serialisable(sample_result: dict) -> None:
    again = json.loads(json.dumps(sample_result))
    assert again["groups"]["practitioners"]["members"] == ["government", "ngo"]


def _people(group: str, n: int, **attributes: object) -> list:
    from fivep.model import Respondent

    return [Respondent(f"{group}-{i}", group, dict(attributes)) for i in range(n)]


def test_percentages_and_printed_means_round_half_up_as_excel_and_spss() -> None:
    from fivep.report.tables import demographics_csv, demographics_rows

    roster = _people("expert", 1, province="Lamphun") + _people("expert", 5, province="Mae Hong Son") \
        + _people("expert", 26, province="Nan")
    result = demographics(roster)
    shares = {k: v["pct"] for k, v in result["groups"]["expert"]["province"].items()}
    assert shares == {"Nan": 81.25, "Mae Hong Son": 15.63, "Lamphun": 3.13}  # 15.625, 3.125: not 15.62, 3.12
    assert "Lamphun 1 (3.13%)" in demographics_rows(result)[0]["province"]
    assert "expert,province,Lamphun,1,3.13" in demographics_csv(result)
    # means: 38.25 and 9.95 print as 38.3 and 10.0, in both languages (the binary float gave 38.2 and 9.9)
    ages = _people("ngo", 2, age=38) + _people("ngo", 2, age=38.5)
    experience = [*_people("expert", 1, years_experience=9.5), *_people("expert", 1, years_experience=10.4)]
    for lang in ("en", "th"):
        assert "38.3" in describe(demographics(ages), lang) and "38.2" not in describe(demographics(ages), lang)
        assert "10.0" in describe(demographics(experience), lang)


def test_the_sample_studys_published_figures_still_come_out(sample_result: dict) -> None:
    g = sample_result["groups"]
    assert (g["practitioners"]["sex"]["female"]["pct"], g["expert"]["sector"]["government"]["pct"],
            g["expert"]["sector"]["ngo"]["pct"], g["victim"]["province"]["Phrae"]["pct"]) == (59.09, 66.67, 33.33, 20.0)
    text = describe(sample_result)
    assert "(59.09%)" in text and "72.73%" in text and "27.27%" in text and "average work experience 12.6" in text


def test_missing_sex_age_and_experience_are_counted_and_shown(tmp_path: Path) -> None:
    from fivep.report.tables import demographics_csv, demographics_rows

    path = tmp_path / "respondents.csv"
    path.write_text("respondent_id,group,sex,age,years_experience\nG1,government,F,40,10\nG2,government,M,50,\n"
                    "G3,government,,,20\nN1,ngo,F,30,5\n", encoding="utf-8")
    result = demographics(read_roster(path), {"practitioners": ["government", "ngo"]})
    g = result["groups"]["government"]
    assert g["sex"] == {"female": {"n": 1, "pct": 33.33}, "male": {"n": 1, "pct": 33.33},
                        "unknown": {"n": 1, "pct": 33.33}}  # shares of all 3: they add up to 100
    assert (g["age"]["n"], g["age"]["unknown"], g["age"]["mean"]) == (2, 1, 45)
    assert (g["years_experience"]["n"], g["years_experience"]["unknown"]) == (2, 1)
    assert "unknown" not in result["groups"]["ngo"]["sex"] and result["groups"]["ngo"]["age"]["unknown"] == 0
    row = demographics_rows(result)[0]
    assert row["sex_unknown"] == "1 (33.33%)" and row["age"].endswith(", 1 unknown")
    assert "government,sex,unknown,1,33.33" in demographics_csv(result)
    en, th = describe(result, "en"), describe(result, "th")
    assert "3 government officials (1 female, 1 male and 1 whose sex is not recorded)" in en
    assert "average 45.0 years, of the 2 whose age is recorded" in en
    assert "ไม่ระบุเพศ 1 คน" in th and "จาก 2 คนที่ระบุอายุ" in th


def test_narrative_has_no_slugs_and_no_doubled_parentheses() -> None:
    roster = _people("volunteer", 2, sex="female") + _people("community_leader", 2, sex="male")
    text = describe(demographics(roster, {"helpers": ["volunteer", "community_leader"]}))
    assert "community_leader" not in text and "community leader" in text
    assert ") (" not in text
    assert "There were 4 helpers (volunteer and community leader; 2 female and 2 male)" in text
    custom = describe(demographics(roster), labels={"community_leader": {"en": "community leaders"}})
    assert "2 community leaders" in custom


def test_combine_replacing_a_study_set_says_so(sample_dir: Path) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    out = CliRunner().invoke(app, ["demographics", str(sample_dir), "--combine", "practitioners=victim", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert "--combine practitioners=victim replaces study.toml's practitioners = ['government', 'ngo']" in out.output


def test_a_missing_province_or_method_is_counted_not_dropped(tmp_path: Path) -> None:
    """A victim (no years of experience) with no province recorded: the provinces still add up to the group."""
    path = tmp_path / "respondents.csv"
    path.write_text("respondent_id,group,sex,age,province,method\nV1,victim,F,15,Nan,IDI\nV2,victim,F,16,n/a,\n"
                    "V3,victim,F,14,Chiang Rai,FGD\n", encoding="utf-8")
    result = demographics(read_roster(path))
    v = result["groups"]["victim"]
    assert v["province"] == {"Nan": {"n": 1, "pct": 33.33}, "Chiang Rai": {"n": 1, "pct": 33.33},
                             "unknown": {"n": 1, "pct": 33.33}}
    assert list(v["method"]) == ["interview", "focus_group", "unknown"]
    en, th = describe(result, "en"), describe(result, "th")
    assert "1 from Nan (33.33%)" in en and "(province not recorded for 1)" in en and "1 from unknown" not in en
    assert "ไม่ระบุจังหวัด 1 คน" in th and "unknown" not in th

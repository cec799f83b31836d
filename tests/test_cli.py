from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fivep.cli import app

runner = CliRunner()


def test_demographics_json(sample_dir: Path) -> None:
    result = runner.invoke(app, ["demographics", str(sample_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == 68 and data["groups"]["practitioners"]["n"] == 44


def test_demographics_table_and_csv(sample_dir: Path) -> None:
    table = runner.invoke(app, ["demographics", str(sample_dir)])
    assert table.exit_code == 0
    assert "59.09" in table.stdout and "ร้อยละ 59.09" in table.stdout
    combined = runner.invoke(app, ["demographics", str(sample_dir), "-f", "csv", "--combine", "adults=government,ngo,expert"])
    assert combined.exit_code == 0
    assert "adults,total,,53," in combined.stdout


def test_ingest_reports_every_respondent(sample_copy: Path) -> None:
    result = runner.invoke(app, ["ingest", str(sample_copy)])
    assert result.exit_code == 0, result.output
    assert "68 of 68 respondents speak" in result.stdout


@pytest.mark.parametrize("roster,message", [
    ("respondent_id,group\nR1,ngo\nR1,ngo\n", "row 3"),
    ("respondent_id,sex\nR1,F\n", "required column 'group'"),
])
def test_user_errors_exit_1_with_one_line(tmp_path: Path, roster: str, message: str) -> None:
    (tmp_path / "respondents.csv").write_text(roster, encoding="utf-8")
    result = runner.invoke(app, ["demographics", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


def test_missing_study_and_bad_option(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["demographics", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "study folder not found" in missing.stderr
    usage = runner.invoke(app, ["demographics", str(tmp_path), "--format", "xml"])
    assert usage.exit_code == 2


HEAVY = ["spacy", "pythainlp", "sklearn", "matplotlib", "docx", "bertopic", "torch", "pandas"]


def test_import_and_help_stay_light() -> None:
    code = (
        "import sys, fivep, fivep.cli\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(fivep.cli.app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name,content,message", [
    ("zz.txt", "nobody is named on any line\n", "no speaker turns found"),
    ("zz.docx", "PK\x03\x04 truncated", "damaged or truncated"),
    ("zz.txt", "", "the file is empty"),
])
def test_ingest_bad_transcript_exits_1_with_one_line(sample_copy: Path, name: str, content: str, message: str) -> None:
    (sample_copy / "transcripts" / name).write_bytes(content.encode("latin-1"))
    result = runner.invoke(app, ["ingest", str(sample_copy)])
    assert result.exit_code == 1
    assert message in result.stderr and name in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_ingest_format_override(sample_copy: Path) -> None:
    for path in (sample_copy / "transcripts").iterdir():
        if path.suffix != ".txt":
            path.unlink()
        else:
            path.rename(path.with_suffix(".transcript"))
    (sample_copy / "study.toml").write_text('title = "t"\n', encoding="utf-8")
    shutil.rmtree(sample_copy / "codings")   # they name transcripts this test removes
    detected = runner.invoke(app, ["ingest", str(sample_copy)])
    assert detected.exit_code == 1 and "no transcripts found" in detected.stderr
    for path in (sample_copy / "transcripts").iterdir():
        path.rename(path.with_suffix(".txt"))
    forced = runner.invoke(app, ["ingest", str(sample_copy), "--format", "md"])
    assert forced.exit_code == 0, forced.output
    assert "12 documents" in forced.stdout
    bad = runner.invoke(app, ["ingest", str(sample_copy), "--format", "xls"])
    assert bad.exit_code == 1 and "unknown format 'xls'" in bad.stderr

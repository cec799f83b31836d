"""The CLI as a new user meets it: version, full-width tables, evidence, hints naming real options."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fivep.cli import app

runner = CliRunner()


def test_version() -> None:
    from fivep import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"fivep {__version__}"


def test_piped_tables_are_not_cut_at_80_columns(sample_dir: Path) -> None:
    result = runner.invoke(app, ["demographics", str(sample_dir), "--min-cell", "0"])
    assert result.exit_code == 0
    assert "18 (56.25%)" in result.stdout and "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) > 80


def test_tag_table_shows_english_evidence() -> None:
    result = runner.invoke(app, ["tag", "-f", "table"], input="The police lack [interpreters] at the shelter.\n")
    assert result.exit_code == 0, result.output
    assert "protection.interpreters" in result.stdout and "[interpreters]" in result.stdout
    assert "The police lack [interpreters] at the shelter." in result.stdout


def test_codebook_check_and_list_know_the_builtin_name() -> None:
    check = runner.invoke(app, ["codebook", "check", "5p"])
    assert check.exit_code == 0 and ": ok: 60 codes" in check.stdout
    missing = runner.invoke(app, ["codebook", "check", "6p"])
    assert missing.exit_code == 1 and "built-in: 5p" in missing.stderr
    listed = runner.invoke(app, ["codebook", "list", "-f", "json"])
    rows = json.loads(listed.stdout)
    assert len(rows) == 60 and rows[1]["id"] == "policy.case_indicators" and rows[1]["parent"] == "policy"
    table = runner.invoke(app, ["codebook", "list", "--lang", "th"])
    assert "protection.interpreters" in table.stdout and "ล่าม" in table.stdout


def test_narrative_counts_one_in_the_singular(tmp_path: Path) -> None:
    from fivep.analysis.demographics import demographics, describe
    from fivep.ingest.roster import read_roster
    from fivep.messages import message

    path = tmp_path / "respondents.csv"
    path.write_text("respondent_id,group,sex\nE1,expert,F\nG1,government,M\nG2,government,F\n", encoding="utf-8")
    text = describe(demographics(read_roster(path)), "en")
    assert "There was 1 senior expert" in text and "There were 2 government officials" in text
    assert "This study heard 3 respondents: 1 senior expert and 2 government officials." in text
    methods = message("en", "report.methods_text", interviews=1, groups=1, documents=2, segments=1, codes=60,
                      human=1, respondents=3)
    assert "1 in-depth interview and 1 focus group discussion with 3 respondents (2 transcripts)" in methods
    assert "(1 statement)" in methods
    assert message("en", "report.voiced_by", n=1, groups="x") == "voiced by 1 respondent (x)"
    assert "ผู้ให้ข้อมูล" in message("th", "report.voiced_by", n=1, groups="x")


def test_suggest_hint_names_an_option_that_exists() -> None:
    from fivep.coding.suggest import CodeSuggester
    from fivep.errors import InputError

    with pytest.raises(InputError) as info:
        CodeSuggester(min_support=50).fit(["a b", "c d", "e f", "g h"], [{"x"}, set(), set(), set()])
    assert "--min-support" in str(info.value)
    assert "--min-support" in runner.invoke(app, ["suggest", "--help"]).stdout


def test_agreement_without_human_coders_does_not_suggest_vs_machine(sample_copy: Path) -> None:
    shutil.rmtree(sample_copy / "codings")
    result = runner.invoke(app, ["agreement", str(sample_copy), "--vs-machine"])
    assert result.exit_code == 1
    assert "no human codings to compare with the rule tagger" in result.stderr
    assert "add --vs-machine" not in result.stderr


def test_evaluate_prints_one_table_without_a_holdout(ingested_sample: Path, tmp_path: Path) -> None:
    study = tmp_path / "study"
    shutil.copytree(ingested_sample, study)
    config = study / "study.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("[evaluation]")[0], encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(study), "-f", "json"])
    assert result.exit_code == 0, result.output
    sets = [(r["set"], r["coder"]) for r in json.loads(result.stdout)]
    assert len(sets) == len({c for _, c in sets}) and {s for s, _ in sets} == {"all"}


def test_english_topic_words_hold_no_contraction_pieces() -> None:
    from fivep.coding.suggest import ThaiWords
    from fivep.coding.topics import stop_words

    words = ThaiWords("newmm", stop_words())("We don't have staff, it's the police's job. I'm tired; they've gone")
    assert words == ["staff", "police", "job", "tired", "gone"]


def test_unknown_unit_is_a_usage_error_without_traceback(sample_dir: Path) -> None:
    result = runner.invoke(app, ["ingest", str(sample_dir), "--unit", "paragraph"])
    assert result.exit_code == 2 and "unknown unit 'paragraph'" in result.output + result.stderr
    assert not isinstance(result.exception, ValueError)

"""study.toml: every problem reported at once, with its line and a fix; the docs list every key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from fivep.errors import ConfigError
from fivep.schema import MAPS, TABLES, TOP, check_config
from fivep.study import Study

DOCS = Path(__file__).resolve().parents[1] / "docs" / "study.md"

BAD = """title = "x"
languages = ["th", "fr"]
codebok = "5p"

[groupsets]
practitioners = ["government", "ngo"]

[privacy]
min_cell = "three"
mincell = 3

[group_labels]
government = { en = "gov", de = "x" }
ngo = "NGO staff"
"""


def _open(tmp_path: Path, text: str) -> Study:
    (tmp_path / "study.toml").write_text(text, encoding="utf-8")
    return Study.open(tmp_path)


def test_every_problem_at_once_with_line_and_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _open(tmp_path, BAD)
    found = [(p.line, p.message) for p in info.value.problems]
    assert found == [
        (2, "'languages' must be a list of \"th\" and \"en\", not [\"th\", \"fr\"]"),
        (3, "unknown key 'codebok'"),
        (5, "unknown table [groupsets]"),
        (9, "'min_cell' in [privacy] must be a whole number of respondents, 0 or more, not the string \"three\""),
        (10, "unknown key 'mincell' in [privacy]"),
        (13, "unknown key 'de' in [group_labels] government"),
        (14, "'ngo' in [group_labels] must be a table of en and th labels, not the string \"NGO staff\""),
    ]
    text = str(info.value)
    assert "7 problems" in text
    assert "did you mean [group_sets]?" in text and "did you mean 'codebook'?" in text
    assert "did you mean 'min_cell'?" in text and "write min_cell = 5" in text


@pytest.mark.parametrize("text,line,message", [
    ('[privacy]\nmin_cell = "three"\n', 2, "must be a whole number"),
    ("[privacy]\nmin_cell = -1\n", 2, "must be a whole number"),
    ("[privacy]\nmin_cell = true\n", 2, "not the boolean true"),
    ("privacy.min_cell = 2.5\n", 1, "must be a whole number"),
    ('title = 3\n', 1, "'title' must be a string"),
    ('[evaluation]\nholdout = "FG-1"\n', 2, "must be a list of document ids"),
    ('[speakers]\nP1 = 1\n', 2, "'P1' in [speakers] must be a respondent id"),
    ("group_sets = 3\n", 1, "'group_sets' must be a table"),
])
def test_one_problem_is_one_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _open(tmp_path, text)
    assert info.value.line == line and message in str(info.value)
    assert str(tmp_path / "study.toml") in str(info.value) and "\n" not in str(info.value)


def test_cli_reports_config_problems_without_traceback(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    (tmp_path / "study.toml").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(app, ["demographics", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output + result.stderr
    assert "line 5: unknown table [groupsets]" in result.stderr


def test_sample_study_toml_is_valid(sample_dir: Path) -> None:
    text = (sample_dir / "study.toml").read_text(encoding="utf-8")
    assert check_config(tomllib.loads(text), text) == []


def test_docs_list_every_key_and_their_example_is_valid() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `\[?([a-z_]+)\]?` \|", docs, flags=re.MULTILINE))
    assert documented == set(TOP) | set(TABLES) | set(MAPS)
    for table, keys in TABLES.items():
        for key in keys:
            assert re.search(rf"^\| `\[{table}\]` \| `{key}` \|", docs, flags=re.MULTILINE), (table, key)
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    assert check_config(tomllib.loads(example), example) == []

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fivep.cli import app
from fivep.coding.codebook import check_codebook, load_codebook
from fivep.errors import CodebookError

ROOT = Path(__file__).resolve().parents[1]
GOOD = """name: t
version: "2"
codes:
  - id: protection
    dimension: protection
    label_en: Protection
    label_th: การคุ้มครอง
  - id: protection.interpreters
    parent: protection
    dimension: protection
    label_en: Interpreters
    label_th: ล่าม
    keywords_th: [ล่าม]
    keywords_en: [interpreter]
"""


def test_shipped_codebook_is_valid_and_rich() -> None:
    problems = check_codebook(ROOT / "codebooks" / "5p.yaml")
    assert [p for p in problems if p.severity == "error"] == []
    codebook = load_codebook("5p")
    subs = [c for c in codebook.codes if c.parent and c.dimension != "actor"]
    assert 25 <= len(subs) <= 40
    assert {c.dimension for c in subs} == {"policy", "prosecution", "protection", "prevention", "partnership"}
    actors = {c.id for c in codebook.codes if c.dimension == "actor"}
    assert {"actor.government", "actor.msdhs", "actor.pocht", "actor.police", "actor.justice", "actor.mdt",
            "actor.ngo", "actor.school", "actor.family", "actor.international"} <= actors
    for code in subs:
        assert code.label_th and code.label_en and code.definition and code.include and code.exclude
        assert code.keywords_th and code.keywords_en


@pytest.mark.parametrize("extra,line,message", [
    (("  - id: protection.interpreters\n    parent: protection\n    label_en: x\n    label_th: y\n"
     "    keywords_th: [คนแปล]\n"), 15, "duplicate id 'protection.interpreters' (first on line 8)"),
    (("  - id: protection.other\n    parent: protektion\n    label_en: x\n    label_th: y\n"
     "    keywords_en: [other]\n"), 15, "unknown parent 'protektion'"),
    (("  - id: protection.empty\n    parent: protection\n    label_en: x\n    label_th: y\n"
     "    keywords_th: []\n"), 15, "has no keywords"),
    (("  - id: protection.translation\n    parent: protection\n    label_en: x\n    label_th: y\n"
     "    keywords_th: [แปลภาษา]\n    keywords_en: [Interpreter]\n"), 20,
     "keyword 'Interpreter' of 'protection.translation' is also a keyword of 'protection.interpreters' (line 14)"),
    ("  - id: policy.x\n    dimension: politics\n    label_en: x\n    label_th: y\n    keywords_en: [x]\n", 15,
     "unknown dimension 'politics'"),
])
def test_broken_codebooks_name_the_line(tmp_path: Path, extra: str, line: int, message: str) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(GOOD + extra, encoding="utf-8")
    problems = [p for p in check_codebook(path) if p.severity == "error"]
    assert any(p.line == line and message in p.message for p in problems), problems
    with pytest.raises(CodebookError):
        load_codebook(path)
    result = CliRunner().invoke(app, ["codebook", "check", str(path)])
    assert result.exit_code == 1
    assert f"line {line}" in result.stderr


def test_cli_check_passes_on_shipped_codebook() -> None:
    result = CliRunner().invoke(app, ["codebook", "check", str(ROOT / "codebooks" / "5p.yaml")])
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout


@pytest.mark.parametrize("text,message", [("codes: [unclosed", "not valid YAML"), ("- a\n- b\n", "a mapping")])
def test_unreadable_codebooks(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=message):
        load_codebook(path)

"""Every notebook runs top to bottom through the public API, on the sample study and on a second, small
study made here (other groups, coders, documents and size), and leaves the study it was given untouched."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAMPLE = ROOT / "data" / "sample"


def test_notebooks_are_committed_without_outputs() -> None:
    assert len(NOTEBOOKS) >= 5
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


def test_notebooks_use_no_internals() -> None:
    """Notebooks teach the public API: no store, no private names, no figures asserted."""
    for path in NOTEBOOKS:
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        assert ".store" not in code and "._" not in code, path.name
        assert "assert " not in code, f"{path.name}: checks on a study's figures belong in the tests"


@pytest.fixture(scope="module")
def small_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three short interviews with six respondents in two groups other than the sample's, coded by two
    people named otherwise; statements are built from the codebook's own examples."""
    from fivep.coding.codebook import load_codebook

    root = tmp_path_factory.mktemp("small") / "small-study"
    (root / "transcripts").mkdir(parents=True)
    (root / "codings").mkdir()
    (root / "study.toml").write_text(
        'title = "A small study"\nlanguages = ["en", "th"]\n\n[group_labels]\n'
        'monks = { en = "monks", th = "พระสงฆ์" }\ndrivers = { en = "drivers", th = "คนขับรถ" }\n',
        encoding="utf-8")
    roster = ["respondent_id,group,sex,age,province"]
    roster += [f"{g[0].upper()}0{i},{g},{'FM'[i % 2]},{30 + 3 * i},Chiang Rai" for g in ("monks", "drivers")
               for i in (1, 2, 3)]
    (root / "respondents.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    examples = [e for c in load_codebook("5p").codes if c.parent for e in c.examples]
    speakers = ["M01", "D01", "M02", "D02", "M03", "D03"]
    codings = ["doc_id,segment_id,code_id,kind"]
    for d in range(3):
        lines = [f"---\nid: D{d + 1}\nlanguage: en\n---", "Interviewer: Thank you for taking the time today."]
        for t in range(9):
            text = " ".join(examples[(d * 9 + t) * 2 % len(examples):][:2])
            lines.append(f"{speakers[(d + t) % 6]}: {text}")
        (root / "transcripts" / f"D{d + 1}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    book = [c.id for c in load_codebook("5p").codes if c.parent]
    for t in range(1, 10):
        codings.append(f"D1,D1#{t},{book[t * 3]},{'obstacle' if t % 2 else 'recommendation'}")
    (root / "codings" / "ann.csv").write_text("\n".join(codings) + "\n", encoding="utf-8")
    other = [row if i % 3 else row.replace("obstacle", "other") for i, row in enumerate(codings)]
    (root / "codings" / "ben.csv").write_text("\n".join(other) + "\n", encoding="utf-8")
    return root


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file of a study folder but its store, with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".fivep" not in p.parts}


def _execute(path: Path, study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("FIVEP_STUDY", str(study))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_on_the_sample_and_leaves_it_as_it_was(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(SAMPLE)
    _execute(path, SAMPLE, monkeypatch)
    assert _snapshot(SAMPLE) == before


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_on_another_study(path: Path, small_study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(small_study)
    _execute(path, small_study, monkeypatch)
    assert _snapshot(small_study) == before


def test_the_sample_is_clean_and_its_agreement_works_after_the_notebooks() -> None:
    """Runs after the notebooks (file order): git sees no change in data/sample, and the two coders'
    agreement is computed as shipped (no coder a notebook made has joined them)."""
    from typer.testing import CliRunner

    from fivep.cli import app

    if (ROOT / ".git").exists():
        status = subprocess.run(["git", "status", "--porcelain", "data/sample"], cwd=ROOT, capture_output=True,
                                text=True, check=True)
        assert status.stdout == ""
    result = CliRunner().invoke(app, ["agreement", str(SAMPLE), "--format", "json", "--boot", "50"])
    assert result.exit_code == 0, result.output
    assert {row["coders"] for row in json.loads(result.output)} == {"coder_a+coder_b"}

"""A count below min_cell never appears as a number, in any output format; exports say when they hold
identifiable text; private files never go into an output folder."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fivep import Study
from fivep.cli import app
from fivep.errors import InputError

runner = CliRunner()
K = 5


@pytest.fixture(scope="module")
def study_dir(ingested_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("outputs") / "sample"
    shutil.copytree(ingested_sample, target)
    study = Study.open(target)
    study.code()
    study.close()
    return target


def _roster_counts(study_dir: Path) -> dict[tuple[str, str, str], int]:
    roster = Study.open(study_dir).read_roster()
    counts: Counter[tuple[str, str, str]] = Counter()
    for r in roster:
        for measure in ("sex", "province", "method", "sector"):
            if r.get(measure):
                counts[(r.group, measure, str(r.get(measure)))] += 1
    return counts


def test_sample_sets_a_real_min_cell(sample_dir: Path) -> None:
    from fivep.privacy.cells import min_cell

    study = Study.open(sample_dir)
    assert min_cell(study) == K
    counts = _roster_counts(sample_dir)
    assert counts[("victim", "sex", "male")] == 3 and counts[("victim", "province", "Phrae")] == 3


def test_json_and_csv_demographics_never_show_a_small_cell(study_dir: Path) -> None:
    small = {key: n for key, n in _roster_counts(study_dir).items() if 0 < n < K}
    assert small
    data = json.loads(runner.invoke(app, ["demographics", str(study_dir), "-f", "json"]).stdout)
    for group, measure, value in small:
        cell = data["groups"][group][measure][value]
        assert cell["n"] is None and cell["pct"] is None and cell["shown"] == f"<{K}"
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["demographics", str(study_dir), "-f", "csv"]).stdout)))
    for group, measure, value in small:
        row = next(r for r in rows if (r["group"], r["measure"], r["value"]) == (group, measure, value))
        assert row["n"] == f"<{K}" and row["pct"] == ""


def _raw_table(study_dir: Path) -> Any:
    from fivep.analysis.frequencies import frequencies, study_frame

    study = Study.open(study_dir)
    table = frequencies(study_frame(study), level="actor", respondents=study.read_roster(),
                        group_sets=study.config.group_sets)
    study.close()
    return table


def test_json_and_csv_frequencies_never_show_a_small_cell(study_dir: Path) -> None:
    raw = _raw_table(study_dir)
    small = [(r, c) for r in raw.index for c in raw.columns if 0 < raw.loc[r, c] < K]
    assert small
    data = json.loads(runner.invoke(app, ["frequencies", str(study_dir), "--level", "actor", "-f", "json"]).stdout)
    assert all(data["counts"][r][c] == f"<{K}" for r, c in small)
    rows = {row["actor"]: row for row in csv.DictReader(io.StringIO(
        runner.invoke(app, ["frequencies", str(study_dir), "--level", "actor", "-f", "csv"]).stdout))}
    assert all(rows[r][c] == f"<{K}" for r, c in small)


def test_xlsx_never_holds_a_small_cell(study_dir: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from fivep.analysis.frequencies import suppress_small_cells, write_counts_xlsx

    raw = _raw_table(study_dir)
    path = write_counts_xlsx({"actors": suppress_small_cells(raw, K)}, tmp_path / "counts.xlsx")
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] not in raw.index:
            continue
        for column, value in zip(header[1:], row[1:], strict=True):
            n = int(raw.loc[row[0], column])
            if 0 < n < K:
                assert value == f"<{K}"
            else:
                assert value in (n, "*")


def test_chart_draws_no_bar_and_no_number_for_a_small_cell(study_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from fivep.analysis.frequencies import suppress_small_cells
    from fivep.report.charts import dimensions_by_group

    raw = _raw_table(study_dir)
    groups = ["government", "ngo", "expert", "victim"]
    ax = dimensions_by_group(suppress_small_cells(raw, K), groups=groups)
    labels = [t.get_text() for t in ax.texts]
    widths = [p.get_width() for p in ax.patches]
    for i, group in enumerate(groups):
        for j, row in enumerate(raw.index):
            n = int(raw.loc[row, group])
            index = i * len(raw) + j
            if 0 < n < K:
                assert labels[index].startswith(f"<{K}/") and widths[index] == 0


def test_report_table_and_narrative_hide_small_cells(study_dir: Path, tmp_path: Path) -> None:
    from docx import Document

    from fivep.report.build import write_study_report

    study = Study.open(study_dir)
    path, _ = write_study_report(study, tmp_path / "report.docx", lang="en", figures_dir=tmp_path / "fig")
    study.close()
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "3 from Phrae" not in text and "3 male" not in text
    # the respondents table has a column per group, a row per measure (n, female, male, ...)
    table = next(t for t in document.tables if any(c.text.lower().startswith("minor victims") for c in t.rows[0].cells))
    header = [c.text.lower() for c in table.rows[0].cells]
    column = next(i for i, h in enumerate(header) if h.startswith("minor victims"))
    victims = [row.cells[column].text for row in table.rows[1:]]
    assert f"<{K}" in victims and "0" not in victims[1:3]


def test_min_cell_survives_qdpx_export_and_import(study_dir: Path, tmp_path: Path) -> None:
    from fivep.exchange import export_study, import_qdpx
    from fivep.privacy.cells import configured_min_cell

    copy = tmp_path / "s"
    shutil.copytree(study_dir, copy)
    toml = copy / "study.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("min_cell = 5", "min_cell = 7"), encoding="utf-8")
    study = Study.open(copy)
    export_study(study, tmp_path / "s.qdpx")
    study.close()
    import_qdpx(tmp_path / "s.qdpx", tmp_path / "imported")
    assert configured_min_cell(Study.open(tmp_path / "imported").config) == 7


def test_export_warns_about_identifiable_text_and_offers_the_deidentified_one(study_dir: Path,
                                                                               tmp_path: Path) -> None:
    copy = tmp_path / "s"
    shutil.copytree(study_dir, copy)
    plain = runner.invoke(app, ["export", str(copy), "--out", str(tmp_path / "plain.qdpx")])
    assert plain.exit_code == 0, plain.output
    assert "warning" in plain.stderr and "--deidentified" in plain.stderr
    planted = [row["text"] for row in csv.DictReader(
        (Path(__file__).parent / "data" / "planted" / "pr.csv").open(encoding="utf-8")) if row["type"] == "phone"]
    assert planted and any(p in _qdpx_text(tmp_path / "plain.qdpx") for p in planted)
    clean = runner.invoke(app, ["export", str(copy), "--out", str(tmp_path / "clean.qdpx"), "--deidentified"])
    assert clean.exit_code == 0, clean.output
    assert "warning" not in clean.stderr
    assert not any(p in _qdpx_text(tmp_path / "clean.qdpx") for p in planted)


def _qdpx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_run_never_writes_into_the_private_folder(study_dir: Path) -> None:
    from fivep.pipeline import run_study

    for out in (study_dir, study_dir / ".fivep" / "private", study_dir / ".fivep" / "private" / "x"):
        with pytest.raises(InputError, match="private"):
            run_study(study_dir, out, topics=False)


def test_shared_tables_hold_back_minors_statements_until_approved(study_dir: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from fivep.pipeline import run_study
    from fivep.privacy.quotes import Approval, checksum, write_approvals

    copy = tmp_path / "s"
    shutil.copytree(study_dir, copy)
    study = Study.open(copy)
    from fivep.analysis.frequencies import study_frame
    from fivep.model import DIMENSIONS
    from fivep.privacy import detect

    frame = study_frame(study)
    coded = set(frame.loc[frame["dimension"].isin(DIMENSIONS), "segment_id"])  # in the framework matrix
    minor = next(s for s in study.segments() if s.respondent_id == "YP-PR-03" and s.id in coded
                 and len(s.text) > 60 and not detect(s.text))
    words = max(minor.text.split(), key=len)  # a piece without spaces (cells may space text differently)
    study.close()

    def framework(out: Path) -> str:
        run_study(copy, out, topics=False)
        sheet = load_workbook(out / "framework_matrix.xlsx", read_only=True).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)

    before = framework(tmp_path / "out1")
    assert words not in before and "respondent under 18" in before
    write_approvals(copy, [Approval(minor.id, "approve", reviewer="NK", checksum=checksum(minor.text))])
    assert words in framework(tmp_path / "out2")


def test_a_hidden_group_cannot_be_worked_out_through_a_group_set(tmp_path: Path) -> None:
    """Total 20, practitioners (government + NGO) 11, victims 5 would give the hidden experts away as 4."""
    from fivep.analysis.demographics import demographics
    from fivep.ingest.roster import read_roster

    rows = ["respondent_id,group,sex,age"]
    rows += [f"G{i},government,F,40" for i in range(6)] + [f"N{i},ngo,M,35" for i in range(5)]
    rows += [f"V{i},victim,F,16" for i in range(5)] + [f"E{i},expert,F,60" for i in range(4)]
    path = tmp_path / "respondents.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = demographics(read_roster(path), {"practitioners": ["government", "ngo"]}, min_cell=5)
    groups = result["groups"]
    shown = {name: groups[name]["n"] for name in ("government", "ngo", "victim", "expert", "practitioners")}
    assert shown["expert"] is None
    # total - practitioners - victims would be the experts: one of the two must be hidden too
    assert shown["practitioners"] is None or shown["victim"] is None, shown

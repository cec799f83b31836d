from __future__ import annotations

from pathlib import Path

import pytest

from fivep import Study
from fivep.analysis.frequencies import (
    coded_frame,
    cooccurrence,
    framework_matrix,
    frequencies,
    kinds_by_dimension,
    recommendation_actors,
    study_frame,
    with_denominators,
    write_framework_xlsx,
)
from fivep.coding.codebook import load_codebook
from fivep.model import Coding, Respondent, Segment

CODEBOOK = load_codebook("5p")
PEOPLE = [Respondent("G1", "government", {"province": "Chiang Mai", "method": "interview", "sector": "government"}),
          Respondent("G2", "government", {"province": "Phrae", "method": "focus_group", "sector": "government"}),
          Respondent("N1", "ngo", {"province": "Chiang Mai", "method": "focus_group", "sector": "ngo"}),
          Respondent("V1", "victim", {"province": "Phrae", "method": "interview"})]
SEGMENTS = [Segment("A#0", "A", 0, 0, 10, "ล่ามไม่พอ", "G1"), Segment("A#1", "A", 1, 10, 20, "ควรมีล่าม", "G1"),
            Segment("B#0", "B", 0, 0, 10, "shelter full", "G2"), Segment("B#1", "B", 1, 10, 20, "police should", "N1")]


def _c(segment: str, code: str) -> Coding:
    s = next(x for x in SEGMENTS if x.id == segment)
    return Coding(s.doc_id, s.id, s.start, s.end, code, "h")


CODINGS = [_c("A#0", "protection.interpreters"), _c("A#1", "protection.interpreters"),
           _c("A#1", "actor.msdhs"), _c("B#0", "protection.government_shelters"), _c("B#0", "policy.volunteers"),
           _c("B#1", "prosecution.law_enforcement_knowledge"), _c("B#1", "actor.police"),
           Coding("B", None, 12, 15, "protection.care_plan", "h")]   # a span inside B#1
KINDS = {"A#0": "obstacle", "A#1": "recommendation", "B#0": "obstacle", "B#1": "recommendation"}


@pytest.fixture()
def frame():  # type: ignore[no-untyped-def]
    return coded_frame(CODINGS, SEGMENTS, PEOPLE, CODEBOOK, KINDS)


def test_coded_frame_maps_spans_to_segments_and_speakers(frame) -> None:  # type: ignore[no-untyped-def]
    assert len(frame) == 8
    care = frame[frame["code_id"] == "protection.care_plan"].iloc[0]
    assert (care["segment_id"], care["respondent_id"], care["group"], care["kind"]) == ("B#1", "N1", "ngo",
                                                                                        "recommendation")


@pytest.mark.parametrize("measure,government,total", [
    ("respondents", 2, 3),   # G1 (twice, counted once) and G2; plus N1
    ("segments", 3, 4),      # A#0, A#1, B#0; plus B#1
    ("documents", 2, 2),     # A and B
])
def test_protection_by_group_counts_each_measure(frame, measure: str, government: int, total: int) -> None:  # type: ignore[no-untyped-def]
    table = frequencies(frame, measure=measure, respondents=PEOPLE, segments=SEGMENTS,
                        group_sets={"practitioners": ["government", "ngo"]})
    assert list(table.columns) == ["government", "ngo", "victim", "practitioners", "total"]
    assert table.loc["protection", "government"] == government
    assert table.loc["protection", "total"] == total
    assert table.loc["protection", "victim"] == 0


def test_respondent_denominators_come_from_the_roster(frame) -> None:  # type: ignore[no-untyped-def]
    table = frequencies(frame, respondents=PEOPLE, group_sets={"practitioners": ["government", "ngo"]})
    assert table.attrs["of"] == {"government": 2, "ngo": 1, "victim": 1, "practitioners": 3, "total": 4}
    assert with_denominators(table).loc["policy", "government"] == "1 of 2"


def test_by_province_and_code_level(frame) -> None:  # type: ignore[no-untyped-def]
    table = frequencies(frame, by="province", level="code", measure="segments")
    assert table.loc["protection.interpreters", "Chiang Mai"] == 2
    assert "actor.police" not in table.index and "protection" not in table.index
    with pytest.raises(ValueError, match="measure"):
        frequencies(frame, measure="words")


def test_cooccurrence_is_symmetric_with_segment_counts_on_the_diagonal(frame) -> None:  # type: ignore[no-untyped-def]
    dims = cooccurrence(frame, level="dimension")
    assert dims.loc["protection", "protection"] == 4
    assert dims.loc["policy", "protection"] == dims.loc["protection", "policy"] == 1
    assert dims.loc["prosecution", "protection"] == 1          # B#1: a coding by segment id and one by span
    assert (dims.to_numpy() == dims.to_numpy().T).all()


def test_kinds_and_recommendation_actors(frame) -> None:  # type: ignore[no-untyped-def]
    kinds = kinds_by_dimension(frame)
    assert kinds.loc[("protection", "obstacle"), "government"] == 2
    assert kinds.loc[("protection", "recommendation"), "total"] == 2
    actors = recommendation_actors(frame)
    assert set(actors.index) == {"actor.msdhs", "actor.police"}
    assert actors.loc["actor.police", "ngo"] == 1 and actors.loc["actor.msdhs", "ngo"] == 0


def test_framework_matrix_holds_the_coded_text_and_writes_xlsx(frame, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    matrix = framework_matrix(frame, PEOPLE)
    assert matrix.shape == (4, 5)
    cell = matrix.loc[("G1", "government"), "protection"]
    assert cell == "[A#0] ล่ามไม่พอ\n\n[A#1] ควรมีล่าม"
    assert matrix.loc[("V1", "victim")].eq("").all()
    path = write_framework_xlsx(matrix, tmp_path / "fw.xlsx", labels={"protection": "การคุ้มครอง"})
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert header[:2] == ["respondent_id", "group"] and "การคุ้มครอง" in header
    assert ws.cell(row=2, column=header.index("การคุ้มครอง") + 1).value == cell


def test_sample_dimensions_by_group_as_respondents(ingested_sample: Path) -> None:
    study = Study.open(ingested_sample)
    if not any(c.startswith("rules@") for c in study.store.coders()):
        study.code()
    table = frequencies(study_frame(study), respondents=study.read_roster(), segments=study.segments(),
                        group_sets=study.config.group_sets)
    human = frequencies(study_frame(study, "coder_a"), respondents=study.read_roster())
    study.close()
    assert table.attrs["of"]["government"] == 32 and table.attrs["of"]["practitioners"] == 44
    assert (table["total"] <= 68).all() and table.loc["protection", "total"] > 40
    assert (table["practitioners"] == table["government"] + table["ngo"]).all()
    assert table.loc["partnership", "victim"] <= 2            # young victims hardly speak of partnerships
    assert (human["total"] <= table["total"]).all()           # coder_a coded 10 of the 20 transcripts


def test_frequencies_cli_table_json_chart_and_framework(ingested_sample: Path, tmp_path: Path) -> None:
    import json

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from fivep.cli import app

    runner = CliRunner()
    table = runner.invoke(app, ["frequencies", str(ingested_sample), "--chart", str(tmp_path / "dims"),
                                "--framework", str(tmp_path / "fw.xlsx")])
    assert table.exit_code == 0, table.output
    assert "of 32" in table.stdout and "of 44" in table.stdout
    assert (tmp_path / "dims.png").stat().st_size > 10_000
    assert load_workbook(tmp_path / "fw.xlsx").active.max_row == 69            # header + 68 respondents
    data = json.loads(runner.invoke(app, ["frequencies", str(ingested_sample), "--by", "province", "--measure",
                                          "documents", "-f", "json"]).stdout)
    assert data["by"] == "province" and set(data["counts"]["protection"]) >= {"Chiang Mai", "Chiang Rai", "Phrae"}
    assert runner.invoke(app, ["frequencies", str(ingested_sample), "--measure", "words"]).exit_code == 2


def test_small_cells_are_hidden_in_crosstabs(ingested_sample) -> None:
    from fivep import Study
    from fivep.analysis.frequencies import frequencies, study_frame, suppress_small_cells

    study = Study.open(ingested_sample)
    study.code()
    table = frequencies(study_frame(study), by="group", level="dimension", measure="respondents",
                        respondents=study.read_roster())
    # the smallest threshold from 5 up that has cells to hide in the sample (which ones depends on the tagger)
    k = max(5, int(min(v for v in table.to_numpy().ravel() if v > 0)) + 1)
    hidden = suppress_small_cells(table, k)
    small = [(r, c) for r in table.index for c in table.columns if 0 < table.loc[r, c] < k]
    assert small, "the sample has small cells to hide"
    assert all(hidden.loc[r, c] == f"<{k}" for r, c in small)
    assert all(hidden.loc[r, c] in (table.loc[r, c], "*") for r in table.index for c in table.columns
               if not 0 < table.loc[r, c] < k)
    # no row total gives a single hidden count away: a row hides none of its cells or at least two
    for r in table.index:
        assert [isinstance(hidden.loc[r, c], str) for c in table.columns].count(True) != 1
    assert suppress_small_cells(table, 0) is table
    study.close()

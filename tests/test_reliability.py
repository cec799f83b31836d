from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fivep import Study
from fivep.coding.codebook import load_codebook
from fivep.coding.reliability import (
    _alpha_of,
    _coincidences,
    _encode,
    agreement,
    alpha_interval,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    reliability_data,
    study_agreement,
)
from fivep.model import Coding, Segment

nan = float("nan")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers (rows there,
# columns here), 12 units, missing values; nominal alpha = 0.743.
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]).T

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1: 30 patients, 6
# psychiatrists each, 5 diagnoses (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis,
# 5 other); kappa = 0.430.
FLEISS_1971 = np.array([
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
])

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, counts per category 1..5; kappa 0.210.
WIKIPEDIA_FLEISS_COUNTS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def _from_counts(counts: list[list[int]]) -> list[list[int]]:
    """Counts per category to a units x raters table (Fleiss' raters are exchangeable)."""
    return [[cat + 1 for cat, n in enumerate(row) for _ in range(n)] for row in counts]


def _two_coders(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> list[tuple[str, str]]:
    return ([("yes", "yes")] * yes_yes + [("yes", "no")] * yes_no + [("no", "yes")] * no_yes
            + [("no", "no")] * no_no)


def test_krippendorff_2011_nominal_alpha_with_missing_values() -> None:
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_takes_strings_and_none_as_missing() -> None:
    letters = [[None if math.isnan(x) else "abcde"[int(x) - 1] for x in row] for row in KRIPPENDORFF_2011]
    assert krippendorff_alpha(letters) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(pd.DataFrame(letters, columns=list("ABCD"))) == pytest.approx(0.743, abs=5e-4)


def test_fleiss_1971_psychiatric_diagnoses() -> None:
    assert fleiss_kappa(FLEISS_1971) == pytest.approx(0.430, abs=5e-4)


def test_wikipedia_fleiss_example() -> None:
    assert fleiss_kappa(_from_counts(WIKIPEDIA_FLEISS_COUNTS)) == pytest.approx(0.210, abs=5e-4)


@pytest.mark.parametrize("cells,kappa", [
    ((20, 5, 10, 15), 0.40),      # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals
    ((45, 15, 25, 15), 0.1304),   # Wikipedia, same percentages, different numbers: first table
    ((25, 35, 5, 35), 0.2593),    # ... second table
])
def test_cohen_kappa_textbook_examples(cells: tuple[int, int, int, int], kappa: float) -> None:
    assert cohen_kappa(_two_coders(*cells)) == pytest.approx(kappa, abs=5e-5)


def test_cohen_kappa_needs_two_coders_and_skips_missing() -> None:
    with pytest.raises(ValueError, match="two coders"):
        cohen_kappa(KRIPPENDORFF_2011)
    table = [*_two_coders(20, 5, 10, 15), (None, "yes"), ("no", None)]
    assert cohen_kappa(table) == pytest.approx(0.40)


def test_percent_agreement_counts_agreeing_pairs() -> None:
    assert percent_agreement([[1, 1], [2, 2], [1, 2], [None, 1]]) == pytest.approx(2 / 3)
    # a unit coded 1,1,2 by three coders: one of three pairs agrees
    assert percent_agreement([[1, 1, 2]]) == pytest.approx(1 / 3)


def test_undefined_coefficients_are_nan() -> None:
    same = [[1, 1], [1, 1]]
    assert math.isnan(krippendorff_alpha(same)) and math.isnan(cohen_kappa(same)) and math.isnan(fleiss_kappa(same))
    assert percent_agreement(same) == 1.0


def test_bootstrap_formula_matches_the_krippendorff_package() -> None:
    rng = np.random.default_rng(3)
    table = rng.integers(0, 3, size=(60, 3)).astype(float)
    table[rng.random(table.shape) < 0.2] = nan
    codes, categories = _encode(table)
    o = _coincidences(codes, len(categories), np.arange(len(codes)) % 7).sum(axis=0)
    assert float(_alpha_of(o)) == pytest.approx(krippendorff_alpha(table))


def test_alpha_interval_brackets_alpha_and_is_reproducible() -> None:
    low, high = alpha_interval(FLEISS_1971, n_boot=500, seed=1)
    assert low < krippendorff_alpha(FLEISS_1971) < high
    assert (low, high) == alpha_interval(FLEISS_1971, n_boot=500, seed=1)
    # every unit copied three times: resampling units pretends to 90 independent units and narrows the
    # interval; resampling the clusters (the copies of one unit) gives back the interval of the 30
    tripled = np.repeat(FLEISS_1971, 3, axis=0)
    t_low, t_high = alpha_interval(tripled, n_boot=500, seed=1)
    c_low, c_high = alpha_interval(tripled, clusters=np.repeat(np.arange(30), 3), n_boot=500, seed=1)
    assert t_high - t_low < 0.75 * (high - low)
    assert c_high - c_low == pytest.approx(high - low, rel=0.25)


# --- reliability data from spans -----------------------------------------------------------------

CODEBOOK = load_codebook("5p")
SEGMENTS = [Segment("D#0", "D", 0, 0, 10, "a" * 10, "R1"), Segment("D#1", "D", 1, 12, 20, "b" * 8, "R1"),
            Segment("E#0", "E", 0, 0, 6, "c" * 6, "R2")]


def _c(doc: str, start: int, end: int, code: str, coder: str, segment: str | None = None) -> Coding:
    return Coding(doc, segment, start, end, code, coder)


def test_segment_units_from_spans_and_missing_documents() -> None:
    codings = {
        "a": [_c("D", 0, 10, "protection.interpreters", "a", "D#0"), _c("D", 14, 16, "policy.volunteers", "a"),
              _c("E", 0, 6, "protection.care_plan", "a", "E#0")],
        "b": [_c("D", 2, 5, "protection.care_plan", "b")],
    }
    data = reliability_data(codings, SEGMENTS, CODEBOOK, unit="segment", level="dimension")
    assert data.labels == ["policy", "protection"]
    protection = data.table("protection")
    assert protection.loc["D#0"].tolist() == [1.0, 1.0]          # a by segment id, b by an inner span
    assert protection.loc["E#0", "a"] == 1.0 and math.isnan(protection.loc["E#0", "b"])   # b never coded E
    assert data.table("policy").loc["D#1"].tolist() == [1.0, 0.0]
    codes = reliability_data(codings, SEGMENTS, CODEBOOK, level="code")
    assert codes.labels == ["policy.volunteers", "protection.interpreters", "protection.care_plan"]


def test_character_units_mark_exactly_the_coded_code_points() -> None:
    codings = {"a": [_c("D", 3, 15, "protection.interpreters", "a")], "b": [_c("D", 5, 8, "protection.interpreters", "b")]}
    data = reliability_data(codings, SEGMENTS, CODEBOOK, unit="character")
    table = data.table("protection")
    assert len(table) == 18                                      # 10 + 8 code points of D's segments; E is uncovered
    assert table["a"].sum() == 7 + 3                              # 3..10 and 12..15; 10..12 is between segments
    assert table["b"].sum() == 3
    assert set(data.units["segment_id"]) == {"D#0", "D#1"}


def test_document_units_and_pooled_rows() -> None:
    codings = {"a": [_c("D", 0, 2, "policy.volunteers", "a"), _c("E", 0, 2, "prevention.schools", "a")],
               "b": [_c("D", 4, 6, "policy.volunteers", "b"), _c("E", 0, 2, "policy.volunteers", "b")]}
    data = reliability_data(codings, SEGMENTS, CODEBOOK, unit="document")
    assert data.table("policy").to_numpy().tolist() == [[1, 1], [0, 1]]
    result = agreement(data, n_boot=50)
    pooled = result[result["label"] == "pooled"].iloc[0]
    assert pooled["units"] == 4 and pooled["percent"] == pytest.approx(0.5)


def test_unknown_unit_is_an_error() -> None:
    with pytest.raises(ValueError, match="segment, sentence, character, document"):
        reliability_data({"a": []}, SEGMENTS, CODEBOOK, unit="word")


# --- the sample study ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def coded_sample(ingested_sample: Path) -> Path:
    study = Study.open(ingested_sample)
    if not study.store.codings("rules@1.0"):
        study.code()
    study.close()
    return ingested_sample


def test_sample_agreement_humans_agree_more_with_each_other_than_with_the_machine(coded_sample: Path) -> None:
    study = Study.open(coded_sample)
    humans = study_agreement(study, ["coder_a", "coder_b"], levels=("dimension",), n_boot=200)
    machine = study_agreement(study, ["coder_a", "rules@1.0"], levels=("dimension",), n_boot=200)
    study.close()
    assert set(humans["label"]) == {"policy", "prosecution", "protection", "prevention", "partnership", "pooled"}
    assert (humans["units"] == [236] * 5 + [1180]).all()          # the 236 segments of the 10 double-coded transcripts
    h = humans.set_index("label")
    m = machine.set_index("label")
    assert h.loc["pooled", "alpha"] > 0.9 and h.loc["pooled", "alpha"] > m.loc["pooled", "alpha"] > 0.6
    assert (h["alpha_low"] <= h["alpha"]).all() and (h["alpha"] <= h["alpha_high"]).all()
    # with two coders and binary data, Cohen, Fleiss (Scott's pi) and alpha nearly coincide
    assert h["cohen"].sub(h["alpha"]).abs().max() < 0.01


def test_agreement_cli_compares_the_coders_and_each_with_the_machine(coded_sample: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from fivep.cli import app

    result = CliRunner().invoke(app, ["agreement", str(coded_sample), "--vs-machine", "--boot", "50", "-f", "json",
                                      "--chart", str(tmp_path / "alpha")])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["coders"] for r in rows} == {"coder_a+coder_b", "coder_a+rules@1.0", "coder_b+rules@1.0"}
    pooled = {r["coders"]: r for r in rows if r["label"] == "pooled"}
    assert pooled["coder_a+coder_b"]["alpha"] > pooled["coder_a+rules@1.0"]["alpha"]
    assert all(r["alpha_low"] <= r["alpha"] <= r["alpha_high"] for r in rows)
    assert (tmp_path / "alpha.png").exists() and (tmp_path / "alpha.svg").exists()
    table = CliRunner().invoke(app, ["agreement", str(coded_sample), "--boot", "20", "--unit", "document"])
    assert table.exit_code == 0 and "coder_a+coder_b, per document" in table.stdout
    assert CliRunner().invoke(app, ["agreement", str(coded_sample), "--unit", "word"]).exit_code == 2
    lonely = CliRunner().invoke(app, ["agreement", str(coded_sample), "--coders", "coder_a"])
    assert lonely.exit_code == 1 and "nothing to compare" in lonely.stderr

"""Quotes that cannot point at a person: codes, k-anonymity, approvals of minors' quotes, small cells."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path
from typing import ClassVar

import pytest

from fivep import Study
from fivep.errors import InputError
from fivep.model import Respondent
from fivep.privacy import cells, codes
from fivep.privacy.quotes import APPROVALS_NAME, QuoteGate, read_approvals, write_approvals


def _person(rid: str, group: str, sex: str, province: str, age: int) -> Respondent:
    return Respondent(rid, group, {"sex": sex, "province": province, "age": age})


ROSTER = [
    *[_person(f"V-{i}", "victim", "female", "Chiang Mai", 16) for i in range(1, 6)],
    _person("V-6", "victim", "male", "Phrae", 17),  # the only boy, the only one from Phrae
    *[_person(f"G-{i}", "government", "female" if i % 2 else "male", "Chiang Rai", 40) for i in range(1, 8)],
]


def test_k_anonymity_finds_the_unique_respondent_and_generalises() -> None:
    assert codes.unique_respondents(ROSTER, 5) == ["V-6", *[f"G-{i}" for i in range(1, 8)]]
    assert codes.unique_respondents(ROSTER, 5, ("group", "sex", "province", "age_band"))[0] == "V-6"
    assert codes.attribution(ROSTER, "V-1", 5) == codes.QUASI_IDENTIFIERS       # 5 girls of 16 from Chiang Mai
    assert codes.attribution(ROSTER, "V-6", 5) == ("group",)                     # only "a minor victim"
    assert codes.attribution(ROSTER, "V-6", 7) is None                          # 6 victims < 7: withhold
    assert codes.class_size(ROSTER, ROSTER[5]) == 1


def test_age_bands() -> None:
    assert [codes.age_band(a) for a in (12, 15, 17, 18, 24, 25, 34, 35, 54, 55, None, "x")] == \
        ["<15", "15-17", "15-17", "18-24", "18-24", "25-34", "25-34", "35-44", "45-54", "55+", "", ""]


@pytest.fixture()
def study(ingested_sample: Path, tmp_path: Path) -> Study:
    target = tmp_path / "s"
    shutil.copytree(ingested_sample, target)
    shutil.rmtree(target / ".fivep" / "private", ignore_errors=True)
    opened = Study.open(target)
    yield opened
    opened.close()


def test_codes_carry_no_quasi_identifier_and_stay_private(study: Study) -> None:
    mapping = codes.respondent_codes(study)
    roster = study.read_roster()
    assert set(mapping) == {r.id for r in roster}
    assert len(set(mapping.values())) == len(mapping)
    for r in roster:
        code = mapping[r.id]
        assert code.startswith("R-") and code[2:].isdigit()
        assert str(r.get("province"))[:2].upper() not in code and r.group[:2].upper() not in code
    # not numbered in roster order (which sorts by group and province)
    assert [mapping[r.id] for r in roster] != sorted(mapping.values())
    path = codes.codes_path(study.root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert codes.respondent_codes(study) == mapping  # drawn once, then kept


def test_minor_quotes_need_approval_of_that_very_text(study: Study) -> None:
    gate = QuoteGate(study)
    minor = next(s for s in study.segments() if s.respondent_id == "YP-PR-03" and "โรงเรียน" in s.text)
    adult = next(s for s in study.segments() if s.respondent_id == "GOV-CM-01")
    allowed, reason = gate.status(adult.id)
    assert allowed and reason == ""
    assert gate.status(adult.id).code == codes.respondent_codes(study)["GOV-CM-01"]
    allowed, reason = gate.status(minor.id)
    assert not allowed and "approval" in reason and "a school" in reason
    assert gate.request([minor.id, adult.id]) == [minor.id]  # adults need no approval
    path = study.root / APPROVALS_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    row = read_approvals(study.root)[minor.id]
    assert row.decision == "pending" and "a school" in row.flagged and row.code.startswith("R-")
    assert "YP-PR-03" not in path.read_text(encoding="utf-8-sig")
    write_approvals(study.root, [row.__class__(**{**row.__dict__, "decision": "approve", "reviewer": "NK"})])
    assert tuple(gate.status(minor.id)) == (True, "approved by NK")
    write_approvals(study.root, [row.__class__(**{**row.__dict__, "decision": "approve", "checksum": "0" * 16})])
    assert "changed" in gate.status(minor.id).reason
    write_approvals(study.root, [row.__class__(**{**row.__dict__, "decision": "withhold"})])
    assert not gate.status(minor.id).allowed
    path.write_text("segment_id,decision\nX,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_approvals(study.root)


def test_the_decision_without_its_explanation_is_the_same(study: Study) -> None:
    """``explain=False`` (the shared tables' held-back statements) skips the flags, never the decision."""
    gate = QuoteGate(study)
    minors = [s for s in study.segments() if s.respondent_id in gate.minors]
    assert len(minors) > 20
    some = minors[0]
    row = gate.request([some.id]) and read_approvals(study.root)[some.id]
    write_approvals(study.root, [row.__class__(**{**row.__dict__, "decision": "approve", "reviewer": "NK"})])
    full = [gate.status(s.id) for s in minors]
    quick = [gate.status(s.id, explain=False) for s in minors]
    assert [q.allowed for q in quick] == [f.allowed for f in full]
    assert any(q.allowed for q in quick) and not all(q.allowed for q in quick)
    assert any(f.flags for f in full) and not any(q.flags for q in quick)


def test_small_groups_are_not_quoted(study: Study) -> None:
    (study.root / "study.toml").write_text(
        (study.root / "study.toml").read_text(encoding="utf-8").replace("min_cell = 5", "min_cell = 10"),
        encoding="utf-8")
    reopened = Study.open(study.root)
    try:
        gate = QuoteGate(reopened)
        expert = next(s for s in reopened.segments() if s.respondent_id == "EXP-01")
        allowed, reason = gate.status(expert.id)
        assert not allowed and "fewer than 10" in reason  # 9 senior experts
    finally:
        reopened.close()


def test_suppress_hides_small_cells_and_their_complements() -> None:
    s = cells.suppress({"f": 9, "m": 3, "all": 12}, 5, [("all", ["f", "m"])])
    assert (s.shown("m"), s.shown("f"), s.shown("all")) == ("<5", "*", "12")
    assert s.value("m") == "<5" and s.value("all") == 12 and s.share("f", "all") is None
    # a zero hides nothing and is never chosen as the complement; then the total is hidden
    s = cells.suppress({"a": 0, "b": 2, "t": 2}, 5, [("t", ["a", "b"])])
    assert s.shown("a") == "0" and s.is_hidden("b") and s.is_hidden("t")
    # two small cells protect each other
    s = cells.suppress({"a": 2, "b": 3, "c": 20, "t": 25}, 5, [("t", ["a", "b", "c"])])
    assert not s.complementary
    assert cells.show_count(0, 5) == "0" and cells.show_count(4, 5) == "<5" and cells.show_count(4, 0) == "4"
    assert cells.share(4, 20, 5) is None and cells.share(5, 20, 5) == 25.0 and cells.share(3, 3, 5) is None


def test_min_cell_defaults_to_five_with_minors(tmp_path: Path) -> None:
    class Config:
        raw: ClassVar[dict] = {}

    class FakeStudy:
        config = Config()

        def read_roster(self) -> list[Respondent]:
            return ROSTER

    assert cells.min_cell(FakeStudy()) == 5
    assert cells.min_cell(FakeStudy(), ROSTER[6:]) == 0
    Config.raw = {"privacy": {"min_cell": 3}}
    assert cells.min_cell(FakeStudy()) == 3


def test_rejecting_a_detection_in_the_review_changes_quotes(tmp_path: Path) -> None:
    from fivep.privacy.quotes import review_filter

    text = "Interpreters said Somchai Jaidee phoned the shelter"
    plain = review_filter(tmp_path)(text)
    assert "Somchai" not in plain
    review = tmp_path / ".fivep" / "private" / "deid-review.csv"
    review.parent.mkdir(parents=True)
    review.write_text("id,doc_id,start,end,type,text,before,after,rule,pseudonym,decision,replacement\n"
                      "a,D,0,12,PERSON,Interpreters,,,,,reject,\n"
                      "b,D,18,32,PERSON,Somchai Jaidee,,,,,edit,Mr S.\n"
                      "c,*,0,0,LOCATION,the shelter,,,,,add,\n".replace("LOCATION", "ADDRESS"), encoding="utf-8")
    reviewed = review_filter(tmp_path)(text)
    assert reviewed.startswith("Interpreters said Mr S. phoned ") and "shelter" not in reviewed


def test_suppress_frame_protects_through_group_sets() -> None:
    import pandas as pd

    # practitioners = gov + ngo is shown, so total - practitioners - victim would give the experts away
    table = pd.DataFrame({"gov": [9], "ngo": [3], "expert": [4], "victim": [9], "practitioners": [12],
                          "total": [25]}, index=["school"])
    table.attrs["of"] = {"gov": 32, "ngo": 12, "expert": 3, "victim": 15, "practitioners": 44, "total": 62}
    hidden = cells.suppress_frame(table, 5, sets={"practitioners": ["gov", "ngo"]})
    row = hidden.loc["school"]
    assert row["ngo"] == "<5" and row["expert"] == "<5"
    for relation in (["total", "gov", "ngo", "expert", "victim"], ["practitioners", "gov", "ngo"],
                     ["total", "practitioners", "expert", "victim"]):
        assert [isinstance(row[c], str) for c in relation].count(True) != 1, relation
    assert hidden.attrs["of"]["expert"] == "<5"  # a group of 3: its size is not printed
    sizes = hidden.attrs["of"]
    assert [isinstance(sizes[c], str) for c in ("total", "gov", "ngo", "expert", "victim")].count(True) >= 2


def test_public_ids_hide_transcript_and_respondent_ids(study: Study) -> None:
    ids = codes.PublicIds(study)
    segment = next(s for s in study.segments() if s.respondent_id == "YP-PR-03")
    public = ids.segment(segment.id)
    assert public.startswith("T-") and public.endswith("#" + segment.id.rpartition("#")[2])
    assert "PR" not in public and ids.respondent("YP-PR-03").startswith("R-")
    assert len(set(ids.documents.values())) == len(study.documents())
    private = study.root / ".fivep" / "private" / codes.DOCUMENT_CODES_NAME
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert codes.PublicIds(study).documents == ids.documents  # kept, not drawn again


def test_quotes_command_lists_minors_quotes_awaiting_approval(study: Study) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    study.code()
    result = CliRunner().invoke(app, ["quotes", str(study.root), "--request-all"])
    assert result.exit_code == 0, result.output
    rows = read_approvals(study.root)
    minors = {s.id for s in study.segments() if s.respondent_id and s.respondent_id.startswith("YP-")}
    assert rows and set(rows) <= minors
    assert f"{len(rows)} pending" in result.stdout and "approved" in result.stdout
    assert all(not r.approved for r in rows.values())

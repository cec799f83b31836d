from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fivep import Study
from fivep.cli import app
from fivep.model import Coding, Evidence
from fivep.privacy.deidentify import deidentify_study
from fivep.privacy.review import ReviewError

PLANTED = Path(__file__).parent / "data" / "planted"


def planted() -> list[tuple[str, str, str]]:
    """Every identifier written into the sample transcripts: (transcript_id, text, type)."""
    rows = []
    for path in sorted(PLANTED.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows.extend((r["transcript_id"], r["text"], r["type"]) for r in csv.DictReader(handle))
    return rows


def _add_codings(study: Study) -> dict[str, int]:
    """Codings by a test coder: every segment whole, and pieces that start, end or sit inside identifiers."""
    from fivep.privacy import detect

    codings = []
    for doc in study.store.documents():
        for span in detect(doc.text)[:6]:
            codings.append(Coding(doc.id, None, max(0, span.start - 10), span.end, "protection", "tester"))
            codings.append(Coding(doc.id, None, span.start + 1, min(len(doc.text), span.end + 7), "policy",
                                  "tester", evidence=(Evidence(span.start, span.end, span.text),)))
            codings.append(Coding(doc.id, None, span.start, span.end, "prevention", "tester"))
    for segment in study.store.segments():
        codings.append(Coding(segment.doc_id, segment.id, segment.start, segment.end, "partnership", "tester"))
    study.store.replace_codings("tester", codings)
    return {c: len(study.store.codings(c)) for c in study.store.coders()}


@pytest.fixture(scope="module")
def deidentified(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("deid") / "sample"
    shutil.copytree(Path(__file__).parents[1] / "data" / "sample", root, ignore=shutil.ignore_patterns(".fivep"))
    study = Study.open(root)
    study.ingest()
    counts = _add_codings(study)
    before = {d.id: d for d in study.store.documents()}
    codings = {c: study.store.codings(c) for c in study.store.coders()}
    result = deidentify_study(study)
    from fivep.privacy.codes import PublicIds

    ids = PublicIds(study)   # the codes the copy used, kept in the private folder
    study.close()
    return {"root": root, "result": result, "counts": counts, "before": before, "codings": codings,
            "doc_codes": ids.documents, "ids": ids}


def test_no_planted_identifier_survives(deidentified: dict) -> None:
    result = deidentified["result"]
    rows = planted()
    assert len(rows) >= 40
    outputs = {p.stem: p.read_text(encoding="utf-8") for p in (result.out / "transcripts").glob("*.txt")}
    store = Study.open(result.out)
    texts = {d.id: d.text for d in store.store.documents()}
    everything = "\n".join(p.read_text(encoding="utf-8") for p in result.out.rglob("*") if p.suffix in (".txt", ".csv", ".toml"))
    leaks = []
    codes = deidentified["doc_codes"]
    for doc_id, text, kind in rows:
        assert text in deidentified["before"][doc_id].text, f"{doc_id}: planted {text!r} is not in the sample"
        if text in outputs[codes[doc_id]] or text in texts[codes[doc_id]] or text in everything:
            leaks.append((doc_id, kind, text))
    store.close()
    assert leaks == []


def test_every_coding_survives_with_remapped_offsets(deidentified: dict) -> None:
    result = deidentified["result"]
    study = Study.open(result.out)
    after = {d.id: d.text for d in study.store.documents()}
    before = deidentified["before"]
    assert {c: len(study.store.codings(c)) for c in study.store.coders()} == deidentified["counts"]
    assert result.codings == sum(deidentified["counts"].values())
    changed = 0
    codes, ids = deidentified["doc_codes"], deidentified["ids"]
    for coder, old_codings in deidentified["codings"].items():
        new_codings = study.store.codings(coder)
        old_sorted = sorted(old_codings, key=lambda c: (codes[c.doc_id], c.code_id,
                                                        ids.segment(c.segment_id), c.start, c.end))
        new_sorted = sorted(new_codings, key=lambda c: (c.doc_id, c.code_id, c.segment_id or "", c.start, c.end))
        for old, new in zip(old_sorted, new_sorted, strict=True):
            assert (codes[old.doc_id], old.code_id, old.segment_id and ids.segment(old.segment_id), old.coder) == \
                (new.doc_id, new.code_id, new.segment_id, new.coder)
            assert 0 <= new.start < new.end <= len(after[new.doc_id])
            old_text, new_text = before[old.doc_id].text[old.start:old.end], after[new.doc_id][new.start:new.end]
            if old_text != new_text:
                changed += 1
                assert "[" in new_text  # the coded passage now holds a pseudonym
            for e in new.evidence:
                assert e.text == after[new.doc_id][e.start:e.end]
    assert changed > 50
    # segments and turns index the new text too
    segments = {s.id: s for s in study.store.segments()}
    for coding in study.store.codings("tester"):
        if coding.segment_id:
            segment = segments[coding.segment_id]
            assert (coding.start, coding.end) == (segment.start, segment.end)
            assert segment.text == after[coding.doc_id][segment.start:segment.end]
    study.close()


def test_respondents_appear_under_the_codes_reports_print(deidentified: dict) -> None:
    import re

    from fivep.privacy.codes import respondent_codes

    result, root = deidentified["result"], deidentified["root"]
    source = Study.open(root)
    roster = source.read_roster()
    codes = respondent_codes(source)
    source.close()
    written = "\n".join(p.read_text(encoding="utf-8") for p in result.out.rglob("*") if p.suffix in (".txt", ".csv", ".toml"))
    assert [r.id for r in roster if re.search(rf"(?<![\w-]){re.escape(r.id)}(?![\w-])", written)] == []
    study = Study.open(result.out)
    copied = {r.id: r for r in study.read_roster()}
    assert sorted(copied) == sorted(codes[r.id] for r in roster)
    from fivep.privacy.codes import age_band

    for r in roster:   # the same person under a code: group travels with it, the rest generalised or left empty
        twin = copied[codes[r.id]]
        assert twin.group == r.group and twin.get("age") is None
        assert twin.get("age_band") in (age_band(r.get("age")), None) and twin.get("sex") in (r.get("sex"), None)
    assert {s.respondent_id for s in study.store.segments()} <= set(codes.values())
    assert {t.respondent_id for d in study.store.documents() for t in d.turns if t.respondent_id} <= set(codes.values())
    # transcripts under their codes too: ids such as FG-CM-GOV-A name a province and a group
    doc_codes = deidentified["doc_codes"]
    assert {d.id for d in study.store.documents()} == set(doc_codes.values())
    assert {p.stem for p in (result.out / "transcripts").glob("*.txt")} == set(doc_codes.values())
    assert [i for i in doc_codes if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", written)] == []
    assert {s.doc_id for s in study.store.segments()} <= set(doc_codes.values())
    sessions = {r.get("session_id") for r in study.read_roster()} - {None, ""}
    assert sessions and sessions <= set(doc_codes.values())   # roster and transcripts still link up
    study.close()


def test_output_is_a_study_that_reads_back_the_same(deidentified: dict, tmp_path: Path) -> None:
    out = deidentified["result"].out
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns(".fivep"))
    study = Study.open(copy)
    study.ingest()
    tester = Study.open(out).store.codings("tester")      # the codings travel as files, not only in .fivep/
    assert {(c.doc_id, c.start, c.end, c.code_id) for c in study.store.codings("tester")} == {
        (c.doc_id, c.start, c.end, c.code_id) for c in tester}
    original = {d.id: d for d in Study.open(out).store.documents()}
    again = {d.id: d for d in study.store.documents()}
    assert original.keys() == again.keys()
    for doc_id, doc in original.items():
        assert again[doc_id].text == doc.text
        assert [(t.respondent_id, t.start, t.end) for t in again[doc_id].turns] == \
            [(t.respondent_id, t.start, t.end) for t in doc.turns]
    study.close()


def test_key_and_review_stay_outside_the_output(deidentified: dict) -> None:
    result, root = deidentified["result"], deidentified["root"]
    assert result.key == root / ".fivep" / "private" / "deid-key.csv"
    assert not result.key.resolve().is_relative_to(result.out.resolve())
    assert not result.review.resolve().is_relative_to(result.out.resolve())
    key = result.key.read_text(encoding="utf-8-sig")
    assert "น้องฝ้าย"[4:] in key and "[ชื่อ-" in key
    assert result.key.stat().st_mode & 0o077 == 0


def test_review_decisions_are_applied(deidentified: dict, tmp_path: Path) -> None:
    root, result = deidentified["root"], deidentified["result"]
    rows = list(csv.DictReader(result.review.read_text(encoding="utf-8-sig").splitlines()))
    assert {r["decision"] for r in rows} == {"accept"} and all(r["before"] or r["after"] for r in rows)
    first_phone = next(r for r in rows if r["type"] == "PHONE")
    first_name = next(r for r in rows if r["type"] == "PERSON")
    first_phone["decision"] = "reject"
    first_name["decision"] = "edit"
    first_name["replacement"] = "เด็กคนหนึ่ง"
    rows.append({"doc_id": "*", "text": "ข้าวซอย", "type": "PERSON", "decision": "add", "start": "", "end": ""})
    edited = tmp_path / "review.csv"
    with edited.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    again = deidentify_study(root, tmp_path / "out", review=edited)
    codes = deidentified["doc_codes"]   # the review file names documents by their ids (it stays private)
    text = (again.out / "transcripts" / f"{codes[first_phone['doc_id']]}.txt").read_text(encoding="utf-8")
    assert first_phone["text"] in text
    named = (again.out / "transcripts" / f"{codes[first_name['doc_id']]}.txt").read_text(encoding="utf-8")
    assert "เด็กคนหนึ่ง" in named
    assert "ข้าวซอย" not in (again.out / "transcripts" / f"{codes['FG-CM-GOV-A']}.txt").read_text(encoding="utf-8")
    assert again.detections > len(rows) - 1  # every occurrence of the added text became a detection


@pytest.mark.parametrize("change,message", [
    ({"decision": "maybe"}, "unknown decision 'maybe'"),
    ({"text": "ไม่ใช่ข้อความนี้"}, "is not"),
    ({"decision": "edit", "replacement": ""}, "needs a replacement"),
    ({"doc_id": "NOPE"}, "unknown document 'NOPE'"),
])
def test_bad_review_rows_name_the_row(deidentified: dict, tmp_path: Path, change: dict, message: str) -> None:
    result = deidentified["result"]
    rows = list(csv.DictReader(result.review.read_text(encoding="utf-8-sig").splitlines()))
    rows[2].update(change)
    edited = tmp_path / "review.csv"
    with edited.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ReviewError, match=message) as info:
        deidentify_study(deidentified["root"], tmp_path / "out", review=edited)
    assert info.value.row == 4 and str(edited) in str(info.value)


def test_cli_warns_about_the_key_and_refuses_an_output_holding_it(deidentified: dict, tmp_path: Path) -> None:
    root = deidentified["root"]
    runner = CliRunner()
    result = runner.invoke(app, ["deidentify", str(root), "--out", str(tmp_path / "cli"), "--style", "names"])
    assert result.exit_code == 0, result.output
    assert "Store it securely" in result.stderr and "deid-key.csv" in result.stderr
    name = f"{deidentified['doc_codes']['FG-CM-GOV-A']}.txt"
    assert "[ชื่อ-" not in (tmp_path / "cli" / "transcripts" / name).read_text(encoding="utf-8")
    refused = runner.invoke(app, ["deidentify", str(root), "--out", str(root / ".fivep")])
    assert refused.exit_code == 1 and "would contain the key file" in refused.stderr
    bad = runner.invoke(app, ["deidentify", str(root), "--style", "stars"])
    assert bad.exit_code == 2


def test_a_roster_id_is_recoded_only_as_a_token_of_its_own() -> None:
    from fivep.privacy.deidentify import _recode

    codes = {"YP-CM-05": "R-11", "A": "R-12", "GOV-1": "R-13"}
    assert _recode("(YP-CM-05) YP-CM-055 xYP-CM-05 A GOV-1. GOV-1-2 น้องGOV-1เล่า", codes) == \
        "(R-11) YP-CM-055 xYP-CM-05 A R-13. GOV-1-2 น้องR-13เล่า"   # "A": too short to find in running text


def test_the_copys_roster_singles_no_one_out(deidentified: dict) -> None:
    """Age as a band, no free text, and no combination of group, sex, province and age band that fewer than
    k respondents share (k = 5: the sample holds minors); what was generalised is said."""
    from collections import Counter

    result = deidentified["result"]
    study = Study.open(result.out)
    roster = study.read_roster()
    study.close()
    header = (result.out / "respondents.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "age" not in header and "role" not in header and "years_experience" not in header and "age_band" in header
    fields = ("sex", "province", "age_band")
    for field_ in fields:   # each field alone, and the whole combination, is shared by 5 or more
        counts = Counter((r.group, r.get(field_)) for r in roster if r.get(field_))
        assert min(counts.values()) >= 5, (field_, counts)
    combined = Counter((r.group, *(r.get(f) for f in fields)) for r in roster if all(r.get(f) for f in fields))
    assert not combined or min(combined.values()) >= 5
    assert any("age bands" in n for n in result.notes) and any("role" in n for n in result.notes)
    assert any("left empty" in n for n in result.notes)

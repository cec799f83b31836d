"""Human work through the library: written at once to the study's files, found back after the store is deleted,
following its text when a transcript is edited, never moved or lost."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from fivep import Study
from fivep.errors import InputError
from fivep.ingest.anchor import anchor_of, place

LINES = [
    "I: สวัสดีค่ะ วันนี้ขอถามเรื่องการคุ้มครองผู้เสียหายนะคะ",
    "R1: บ้านพักเต็มตลอด เด็กต้องรอหลายวันกว่าจะได้ที่พัก",
    "R2: ไม่มีล่ามภาษาพม่าตอนสอบปากคำ ต้องรอล่ามสองวัน",
    "I: แล้วควรแก้อย่างไรคะ",
    "R1: ควรเพิ่มงบประมาณให้บ้านพักในจังหวัด",
    "R2: ครับ",
    "R1: ครับ",
    "R2: ตำรวจควรได้รับการอบรมเรื่องการสัมภาษณ์เด็ก",
]


def make_study(root: Path, lines: list[str] = LINES) -> Path:
    (root / "transcripts").mkdir(parents=True)
    (root / "respondents.csv").write_text("respondent_id,group\nR1,ngo\nR2,government\n", encoding="utf-8")
    write_transcript(root, lines)
    return root


def write_transcript(root: Path, lines: list[str]) -> None:
    (root / "transcripts" / "T1.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def statement(study: Study, words: str) -> str:
    return next(s.id for s in study.segments() if words in s.text)


def snapshot(study: Study) -> set[tuple[str, str, str, str]]:
    """Every human decision as (coder, statement text, code, kind), independent of positions."""
    texts = {s.id: s.text for s in study.segments()}
    kinds = {(c, sid): k for c in study.human_coders() for sid, k in study.store.segment_kinds(c).items()}
    docs = {d.id: d.text for d in study.documents()}
    out = {(c.coder, docs[c.doc_id][c.start:c.end], c.code_id, "") for c in study.store.codings() if c.source == "human"}
    out |= {(c, texts[sid], "", k) for (c, sid), k in kinds.items()}
    return out


@pytest.fixture()
def study(tmp_path: Path) -> Study:
    s = Study.open(make_study(tmp_path / "study"))
    s.ingest()
    return s


def test_hand_coding_is_written_at_once_and_survives_deleting_the_store(study: Study) -> None:
    shelter = statement(study, "บ้านพักเต็ม")
    interp = statement(study, "ล่ามภาษาพม่า")
    seg = study.segment(interp)
    span = (seg.start + seg.text.index("ล่าม"), seg.start + seg.text.index("ล่าม") + len("ล่ามภาษาพม่า"))
    study.add_coding(shelter, "protection.government_shelters", "ann", kind="obstacle", memo="full all year")
    coding = study.add_coding(interp, "protection.interpreters", "ann", start=span[0], end=span[1])
    assert coding.quote == "ล่ามภาษาพม่า" and (coding.start, coding.end) == span
    study.set_kind(interp, "obstacle", "ann")
    memo = study.add_memo("statement", shelter, "ask about the waiting list", "ann")
    study.add_memo("code", "protection.government_shelters", "includes temporary shelters", "ben")
    rows = read_rows(study.codings_dir / "ann.csv")
    assert {(r["code_id"], r["quote"], r["kind"]) for r in rows} >= {
        ("protection.government_shelters", seg_text(study, shelter), ""), ("", seg_text(study, shelter), "obstacle"),
        ("protection.interpreters", "ล่ามภาษาพม่า", "")}
    before, memos = snapshot(study), study.memos()
    study.close()

    shutil.rmtree(study.root / ".fivep")
    again = Study.open(study.root)
    again.ingest()
    assert snapshot(again) == before and len(before) == 4
    assert again.memos()[["memo_id", "text", "target_id"]].equals(memos[["memo_id", "text", "target_id"]])
    assert again.memos(target_kind="statement").loc[0, "memo_id"] == memo
    frame = again.codings("ann")
    assert list(frame.columns[:15]) == ["text", "doc_id", "segment_id", "respondent_id", "group", "dimension",
                                        "code_id", "kind", "coder", "source", "origin", "score", "evidence", "start",
                                        "end"]
    row = frame[frame["code_id"] == "protection.government_shelters"].iloc[0]
    assert (row["group"], row["respondent_id"], row["dimension"], row["kind"], row["memo"], row["origin"]) == (
        "ngo", "R1", "protection", "obstacle", "full all year", "hand")


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seg_text(study: Study, segment_id: str) -> str:
    return study.segment(segment_id).text


def test_remove_recode_and_errors(study: Study) -> None:
    shelter = statement(study, "บ้านพักเต็ม")
    study.add_coding(shelter, "protection.government_shelters", "ann")
    study.add_coding(shelter, "protection.government_shelters", "ann")            # twice is once
    study.add_coding(shelter, "protection.interpreters", "ann")
    assert len(study.codings("ann")) == 2
    assert study.remove_coding(shelter, "protection.interpreters", "ann") == 1
    assert list(study.codings("ann")["code_id"]) == ["protection.government_shelters"]
    with pytest.raises(InputError, match="no coding 'protection.interpreters'"):
        study.remove_coding(shelter, "protection.interpreters", "ann")
    with pytest.raises(InputError, match="unknown code"):
        study.add_coding(shelter, "protection.nonsense", "ann")
    with pytest.raises(InputError, match="not inside statement"):
        study.add_coding(shelter, "protection.government_shelters", "ann", start=0, end=3)
    with pytest.raises(InputError, match="no statement"):
        study.add_coding("T1#99", "protection.government_shelters", "ann")
    study.add_coding(shelter, "protection.interpreters", "ben")
    study.add_coding(shelter, "protection.government_shelters", "ben")
    study.add_memo("code", "protection.interpreters", "merge into shelters?", "ben")
    changed = study.recode("protection.interpreters", "protection.government_shelters")     # a merge
    assert changed == {"codings/ben.csv": 1, "memos.csv": 1}
    memo = study.memos(target_kind="code").iloc[0]
    assert (memo["target_id"], memo["status"]) == ("protection.government_shelters", "anchored")
    assert list(study.codings("ben")["code_id"]) == ["protection.government_shelters"]
    study.close()


def test_suggestion_decisions_land_in_files(study: Study) -> None:
    from fivep.model import Coding

    segs = study.segments()
    study.store.add_suggestions([Coding(s.doc_id, s.id, s.start, s.end, "protection.government_shelters", "suggest@1", "model",
                                        0.9) for s in segs[:3]], "suggest@1")
    first, second, third = study.store.suggestions(status="pending")
    pending = study.suggestions()
    assert list(pending["id"]) == [first.id, second.id, third.id]
    assert pending.loc[0, "text"] == segs[0].text and pending.loc[0, "dimension"] == "protection"
    study.decide_suggestions([first.id, third.id], "accepted", "kim")
    study.decide_suggestions([second.id], "rejected", "kim")
    study.decide_suggestions([third.id], "rejected", "kim")          # changing one's mind removes the coding
    assert [c.segment_id for c in study.store.codings("kim")] == [first.segment_id]
    assert list(study.suggestions(status="accepted")["reviewer"]) == ["kim"]
    study.add_coding(segs[1].id, "prevention", "kim")                  # one by hand beside it
    frame = study.codings("kim").set_index("segment_id")
    assert frame.loc[first.segment_id, "origin"] == "suggestion" and frame.loc[segs[1].id, "origin"] == "hand"
    assert set(frame["source"]) == {"human"}
    study.remove_coding(segs[1].id, "prevention", "kim")
    rows = read_rows(study.root / "suggestions.csv")
    assert sorted(r["status"] for r in rows) == ["accepted", "rejected", "rejected"]
    study.close()
    shutil.rmtree(study.root / ".fivep")
    again = Study.open(study.root)
    again.ingest()
    decided = {(s.segment_id, s.status, s.reviewer) for s in again.store.suggestions()}
    assert decided == {(first.segment_id, "accepted", "kim"), (second.segment_id, "rejected", "kim"),
                       (third.segment_id, "rejected", "kim")}
    assert [c.segment_id for c in again.store.codings("kim")] == [first.segment_id]
    texts = {s.id: s.text for s in segs}
    write_transcript(again.root, ["I: เริ่มบันทึกค่ะ", *LINES])              # every statement moves down one turn
    again.ingest()
    moved = {s.id: s.text for s in again.segments()}
    decided = {(moved[s.segment_id], s.status) for s in again.store.suggestions()}
    assert decided == {(texts[first.segment_id], "accepted"), (texts[second.segment_id], "rejected"),
                       (texts[third.segment_id], "rejected")} and len(again.store.suggestions()) == 3
    rows = read_rows(again.root / "suggestions.csv")
    with open(again.root / "suggestions.csv", "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, list(rows[0])).writerow({**rows[0], "status": "maybe"})
    assert any("row 5: unknown status 'maybe'" in line for line in again.ingest().orphans)
    again.close()


@pytest.mark.parametrize("edit", ["insert", "delete", "change"])
def test_edited_transcript_codings_follow_their_text_or_are_orphaned(study: Study, edit: str) -> None:
    coded = {}
    for words, code in (("บ้านพักเต็ม", "protection.government_shelters"), ("ล่ามภาษาพม่า", "protection.interpreters"),
                        ("เพิ่มงบประมาณ", "protection.budget_integration"), ("ตำรวจควร", "prosecution.training_curricula")):
        sid = statement(study, words)
        coded[seg_text(study, sid)] = code
        study.add_coding(sid, code, "ann", kind="recommendation" if "ควร" in words else "obstacle")
    yes = next(s.id for s in study.segments() if s.text == "ครับ" and s.respondent_id == "R2")
    study.set_kind(yes, "other", "ann")
    study.add_memo("statement", statement(study, "ล่ามภาษาพม่า"), "which dialects?", "ann")
    lines = list(LINES)
    if edit == "insert":
        lines.insert(1, "R2: ขอเพิ่มเติมก่อนนะครับ")
        lines.insert(5, "I: ขอบคุณค่ะ")
    elif edit == "delete":
        del lines[1]                                  # the shelter statement is gone
    else:
        lines[2] = "R2: ไม่มีล่ามภาษากะเหรี่ยงตอนสอบปากคำ"   # the interpreter statement was corrected
    write_transcript(study.root, lines)
    report = study.ingest()
    texts = {s.id: s.text for s in study.segments()}
    placed = {(texts[c.segment_id], c.code_id) for c in study.store.codings("ann")}
    orphaned = {(o.coding.quote, o.coding.code_id) for o in study.orphans("ann") if o.coding.code_id}
    orphaned_kinds = {o.coding.quote for o in study.orphans("ann") if not o.coding.code_id}
    assert orphaned_kinds == {q for q, _ in orphaned}          # the statement's kind went with its codes
    # none moved: every placed coding is on the text it was made on
    assert placed <= set(coded.items())
    # none lost: each coding is placed or orphaned, and orphans are reported by file and row
    assert placed | orphaned == set(coded.items()) and not placed & orphaned
    expected_orphans = {"insert": 0, "delete": 1, "change": 1}[edit]
    assert len(orphaned) == expected_orphans
    assert sum("orphaned" in line and "ann.csv row" in line for line in report.orphans) >= expected_orphans
    kinds = study.store.segment_kinds("ann")
    assert all(texts[sid] in coded or texts[sid] == "ครับ" for sid in kinds)
    # the orphans stay in the file for the researcher, and in the codings frame
    frame = study.codings("ann")
    assert (frame["status"] == "orphaned").sum() == expected_orphans
    rows = read_rows(study.codings_dir / "ann.csv")
    assert len([r for r in rows if r["code_id"]]) == 4
    if edit == "change":      # the researcher is told where the changed statement is now
        hint = f"closest statement now is {statement(study, 'ภาษากะเหรี่ยง')}"
        assert all(hint in o.reason for o in study.orphans("ann")) and any(hint in line for line in report.orphans)
    memo = study.memos().iloc[0]
    assert memo["status"] == ("orphaned" if edit == "change" else "anchored")
    if memo["status"] == "anchored":
        assert texts[memo["target_id"]].startswith("ไม่มีล่ามภาษาพม่า")
    # a second ingest changes nothing more
    assert study.ingest().human_notes == []
    # the researcher places or drops them
    for o in study.orphans("ann"):
        if edit == "change":
            study.place_orphan(o, statement(study, "ภาษากะเหรี่ยง"))
        else:
            study.drop_orphan(o)
    assert study.orphans() == []
    placed_now = {(texts[c.segment_id], c.code_id) for c in study.store.codings("ann")}
    if edit == "change":
        assert ("ไม่มีล่ามภาษากะเหรี่ยงตอนสอบปากคำ", "protection.interpreters") in placed_now
        assert study.kinds("ann").set_index("segment_id").loc[statement(study, "ภาษากะเหรี่ยง"), "kind"] == "obstacle"
    assert len(placed_now) == 4 - (edit == "delete")
    assert [line for line in study.ingest().orphans if "memos.csv" not in line] == []
    study.close()


def test_old_format_files_follow_an_edit_made_after_the_last_ingest(tmp_path: Path) -> None:
    root = make_study(tmp_path / "old")
    s = Study.open(root)
    s.ingest()
    sid = statement(s, "ล่ามภาษาพม่า")
    text = seg_text(s, sid)
    (root / "codings").mkdir()
    (root / "codings" / "old.csv").write_text(f"doc_id,segment_id,code_id,kind\nT1,{sid},protection.interpreters,"
                                               "obstacle\n", encoding="utf-8")
    lines = list(LINES)
    lines.insert(0, "I: เริ่มบันทึกค่ะ")
    write_transcript(root, lines)
    report = s.ingest()                      # the file was written against the previous text
    (coding,) = s.store.codings("old")
    assert coding.quote == text and coding.segment_id != sid
    assert any("old.csv" in note and "quoted text" in note for note in report.human_notes)
    row = read_rows(root / "codings" / "old.csv")[0]
    assert row["quote"] == text and row["segment_id"] == coding.segment_id and row["kind"] == "obstacle"
    s.close()


def test_a_file_with_two_coders_does_not_grow_on_reingest(study: Study) -> None:
    sid = study.segments()[0].id
    (study.codings_dir).mkdir(exist_ok=True)
    (study.codings_dir / "team.csv").write_text(
        f"doc_id,segment_id,code_id,coder\nT1,{sid},protection.government_shelters,ann\nT1,{sid},protection.government_shelters,ben\n",
        encoding="utf-8")
    counts = [len(study.store.codings()) for _ in range(3) if study.ingest()]
    assert counts == [2, 2, 2]
    assert {c.coder for c in study.store.codings()} == {"ann", "ben"}
    study.close()


def test_a_bad_row_stops_ingest_before_anything_is_written(study: Study) -> None:
    study.add_coding(study.segments()[0].id, "protection.government_shelters", "ann")
    before = (study.codings_dir / "ann.csv").read_bytes()
    (study.codings_dir / "zed.csv").write_text("doc_id,segment_id,code_id\nT1,T1#1,protection.nonsense\n",
                                               encoding="utf-8")
    lines = list(LINES)
    lines.insert(0, "I: เริ่มบันทึกค่ะ")
    write_transcript(study.root, lines)
    with pytest.raises(InputError, match=r"zed.csv, row 2.*unknown code"):
        study.ingest()
    assert (study.codings_dir / "ann.csv").read_bytes() == before       # nothing half-written
    assert "เริ่มบันทึก" not in study.documents()[0].text                 # nor committed
    study.close()


def test_retrieve_and_disagreements(study: Study) -> None:
    shelter, interp = statement(study, "บ้านพักเต็ม"), statement(study, "ล่ามภาษาพม่า")
    study.add_coding(shelter, "protection.government_shelters", "ann")
    study.add_coding(interp, "protection.interpreters", "ann")
    study.add_coding(shelter, "protection.government_shelters", "ben")
    found = study.retrieve(code="protection", group="ngo")
    assert list(found["segment_id"]) == [shelter, shelter] and set(found["coder"]) == {"ann", "ben"}
    assert found.loc[0, "before"].startswith("I: สวัสดีค่ะ") and found.loc[0, "after"].startswith("R2: ไม่มีล่าม")
    assert len(study.retrieve(dimension="protection", coder="ann", context=0)) == 2
    diff = study.disagreements("ann", "ben")
    assert list(diff["segment_id"]) == [interp] and diff.loc[0, "only_a"] == ["protection.interpreters"]
    assert "2 statements" not in repr(study) and "human coders: ann, ben" in repr(study)
    study.close()


def test_place_never_guesses() -> None:
    text = "R1: ครับ\nR2: ครับ\nR1: ยาวกว่านี้\n"
    first = anchor_of(text, 4, 8)
    edited = "I: เริ่ม\n" + text
    assert place(edited, first.quote, first.prefix, first.suffix, first.start).start == 4 + len("I: เริ่ม\n")
    assert not place(edited, "ครับ", "", "", None).placed                 # two places, no context: orphaned
    assert not place(edited, "ยาวกว่านี้", "", "", 999).placed              # short, no context: orphaned
    assert place(edited, "ยาวกว่านี้", "R1: ", "", 999).how == "context"
    longer = "I: ข้อความยาวพอที่จะหาได้แม้ไม่มีบริบท\n"
    assert place(longer + edited, longer[3:-1], "R9: ", "", None).how == "unique"
    assert not place(edited, "หายไปแล้ว").placed


def test_cli_lists_orphans_and_agreement_says_it_leaves_them_out(study: Study) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    for sid in [s.id for s in study.segments()][:4]:
        study.add_coding(sid, "protection.interpreters", "ann")
        study.add_coding(sid, "protection.interpreters", "ben")
    lines = list(LINES)
    lines[2] = "R2: แก้ข้อความนี้แล้ว"
    write_transcript(study.root, lines)
    study.close()
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(study.root)])
    assert ingested.exit_code == 0 and "ann.csv row" in ingested.output and "orphaned" in ingested.output
    listed = runner.invoke(app, ["orphans", str(study.root)])
    assert listed.exit_code == 0 and "2 orphaned coding(s)" in listed.output and "ไม่มีล่ามภาษาพม่า" in listed.output
    agreed = runner.invoke(app, ["agreement", str(study.root), "--coders", "ann,ben", "--boot", "20"])
    assert agreed.exit_code == 0, agreed.output
    assert "1 coding(s) of ann are orphaned" in agreed.output and "left out of the agreement" in agreed.output


def test_inputs_changed_since_ingest_are_named(study: Study) -> None:
    sid = statement(study, "บ้านพักเต็ม")
    study.add_coding(sid, "protection.government_shelters", "ann")       # fivep's own write: the store knows it
    assert study.changed_since_ingest() == []
    with open(study.codings_dir / "ann.csv", "a", encoding="utf-8") as handle:
        handle.write(f"T1,{sid},,,,,,protection.interpreters,,ann,hand,,\n")
    write_transcript(study.root, [*LINES, "R1: อีกเรื่องหนึ่งค่ะ"])
    assert study.changed_since_ingest() == ["codings/ann.csv", "transcripts/T1.txt"]
    study.ingest()
    assert study.changed_since_ingest() == []
    assert set(study.codings("ann")["code_id"]) == {"protection.government_shelters", "protection.interpreters"}
    study.close()


def test_editing_a_coded_sample_transcript_moves_and_loses_nothing(sample_copy: Path) -> None:
    study = Study.open(sample_copy)
    study.ingest()
    doc = "FG-CM-GOV-A"
    before = {c: {(x.quote, x.code_id) for x in study.store.codings(c) if x.doc_id == doc} for c in ("coder_a", "coder_b")}
    turns = {s.id: s.text for s in study.segments() if s.doc_id == doc}
    path = sample_copy / "transcripts" / f"{doc}.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    body = [n for n, text in enumerate(lines) if text.startswith("ผู้ให้ข้อมูล")]
    coded = [n for n in body if any(q in lines[n] for q, _ in before["coder_a"])]
    deleted, changed = lines[coded[1]], lines[coded[3]]
    lines[coded[3]] = changed.split(":")[0] + ": ข้อความนี้ถูกแก้ไขใหม่ทั้งหมด"
    del lines[coded[1]]
    lines.insert(body[0], "ผู้ให้ข้อมูล 5: ขอเสริมนิดหนึ่งครับ")          # earlier than every coded statement
    path.write_text("\n".join(lines), encoding="utf-8")
    report = study.ingest()
    gone = {t for t in turns.values() if t in deleted or t in changed}
    texts = {d.id: d.text for d in study.documents()}
    for coder, had in before.items():
        placed = {(x.quote, x.code_id) for x in study.store.codings(coder) if x.doc_id == doc}
        orphaned = {(o.coding.quote, o.coding.code_id) for o in study.orphans(coder) if o.coding.code_id}
        assert all(texts[x.doc_id][x.start:x.end] == x.quote for x in study.store.codings(coder))   # none moved
        assert placed | orphaned == had and not placed & orphaned                                   # none lost
        assert {q for q, _ in orphaned} <= gone and orphaned                   # orphans: only the edited statements
    assert any("followed their text" in note for note in report.human_notes)
    assert all(f"{doc}" in line or "codings/" in line for line in report.orphans)
    study.close()


def test_work_an_older_fivep_kept_only_in_the_store_is_written_to_files(study: Study) -> None:
    from fivep.model import Coding

    segs = study.segments()
    study.store.replace_codings("old_hand", [Coding("T1", segs[0].id, segs[0].start, segs[0].end,
                                                     "protection.government_shelters", "old_hand")], {segs[1].id: "obstacle"})
    study.store.add_suggestions([Coding(s.doc_id, s.id, s.start, s.end, "protection.interpreters", "m", "model", 0.7)
                                 for s in segs[:2]], "suggest@1")
    first, second = study.store.suggestions()
    study.store.decide_suggestions([first.id], "accepted", "rev")            # the old way: the store only
    study.store.decide_suggestions([second.id], "rejected", "rev")
    before = snapshot(study)
    report = study.ingest()
    assert sum("only in .fivep/" in note for note in report.human_notes) == 3
    assert read_rows(study.codings_dir / "rev.csv")[0]["source"] == "suggestion"
    study.close()
    shutil.rmtree(study.root / ".fivep")
    again = Study.open(study.root)
    again.ingest()
    assert snapshot(again) == before
    assert {(s.segment_id, s.status) for s in again.store.suggestions()} == {(first.segment_id, "accepted"),
                                                                             (second.segment_id, "rejected")}
    again.close()


def test_issue_11_old_coder_files_and_a_line_inserted_earlier(sample_copy: Path) -> None:
    """The attack as reported: position-only coder files, a line inserted near the top, `fivep ingest` twice."""
    from typer.testing import CliRunner

    from fivep.cli import app

    for path in (sample_copy / "codings").glob("*.csv"):           # back to doc_id, segment_id, code_id, kind
        rows = read_rows(path)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, ["doc_id", "segment_id", "code_id", "kind"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(sample_copy)]).exit_code == 0
    study = Study.open(sample_copy)
    texts = {s.id: s.text for s in study.segments()}
    before = sorted((c.coder, texts[c.segment_id], c.code_id) for c in study.store.codings() if c.source == "human")
    study.close()
    path = sample_copy / "transcripts" / "FG-CM-GOV-A.txt"
    head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    path.write_text(f"{head}{sep}ผู้ดำเนินการ: ขอเริ่มบันทึกใหม่นะคะ\n\n{body}", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(sample_copy)])
    assert result.exit_code == 0, result.output
    assert "followed their text" in result.output and "orphaned" not in result.output
    study = Study.open(sample_copy)
    texts = {s.id: s.text for s in study.segments()}
    after = sorted((c.coder, texts[c.segment_id], c.code_id) for c in study.store.codings() if c.source == "human")
    assert after == before and len(after) > 1700
    study.close()

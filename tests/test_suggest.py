from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from fivep import Study
from fivep.coding.suggest import CodeSuggester, ThaiWords, evaluate_model, suggest_for_study, training_data
from fivep.errors import InputError, NotFittedError
from fivep.model import Coding, Segment
from fivep.store import Store

INTERPRETER = ["ไม่มีล่ามภาษาพม่าตอนสอบปากคำเด็ก", "ล่ามมาช้ามาก ต้องรอล่ามสองวัน", "we had no interpreter for the girl",
               "หาล่ามภาษาไทใหญ่ยากมาก", "the interpreter did not speak her dialect", "ล่ามอาสาสมัครไม่ได้รับค่าตอบแทน"]
SCHOOL = ["ครูที่โรงเรียนควรสอนเรื่องการค้ามนุษย์", "โรงเรียนไม่มีหลักสูตรป้องกัน", "teachers at school should warn children",
          "ควรจัดอบรมครูในโรงเรียนชายแดน", "the school counsellor noticed first", "นักเรียนที่โรงเรียนเสี่ยงถูกชักชวน"]
OTHER = ["สวัสดีค่ะ", "ขอบคุณครับ", "yes, that is right", "ใช่ค่ะ", "I have worked here for ten years", "ครับ ถูกต้อง"]


def _corpus(copies: int = 3) -> tuple[list[str], list[set[str]]]:
    texts, codes = [], []
    for _ in range(copies):
        texts += INTERPRETER + SCHOOL + OTHER
        codes += [{"protection.interpreters"}] * 6 + [{"prevention.schools"}] * 6 + [set()] * 6
    return texts, codes


def test_thai_words_drop_whitespace_and_survive_pickling() -> None:
    words = ThaiWords()
    tokens = words("ไม่มีล่าม ภาษาพม่า Interpreter")
    assert "ล่าม" in tokens and "interpreter" in tokens and all(t.strip() for t in tokens)
    assert pickle.loads(pickle.dumps(words))("ล่าม") == ["ล่าม"]


def test_suggester_learns_codes_from_thai_and_english() -> None:
    texts, codes = _corpus()
    model = CodeSuggester(min_support=3).fit(texts, codes)
    assert model.classes_ == ["prevention.schools", "protection.interpreters"]
    found = model.predict(["เด็กไม่มีล่ามตอนให้ปากคำ", "ครูในโรงเรียนควรรู้เรื่องนี้"])
    assert found == [{"protection.interpreters"}, {"prevention.schools"}]
    proba = model.predict_proba(["ล่าม"])
    assert proba.shape == (1, 2) and 0 <= proba.min() and proba.max() <= 1


def test_suggest_returns_model_codings_with_scores() -> None:
    texts, codes = _corpus()
    model = CodeSuggester(min_support=3).fit(texts, codes)
    segment = Segment("D#1", "D", 1, 10, 40, "ไม่มีล่ามภาษาพม่าเลย", "R1")
    (suggestion, *_) = model.suggest([segment], model="suggest@t", min_score=0.0, top_k=1)
    assert (suggestion.code_id, suggestion.source, suggestion.coder) == ("protection.interpreters", "model", "suggest@t")
    assert (suggestion.start, suggestion.end) == (10, 40) and suggestion.score is not None and suggestion.score > 0.5


def test_suggester_errors() -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        CodeSuggester().predict(["x"])
    with pytest.raises(InputError, match="at least 5 segments"):
        CodeSuggester().fit(["a", "b", "c"], [{"policy.volunteers"}, set(), set()])


def _segment(i: int) -> Segment:
    return Segment(f"D#{i}", "D", i, i * 10, i * 10 + 5, "text", "R1")


def test_store_accepts_and_rejects_suggestions(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    rows = [Coding("D", f"D#{i}", i * 10, i * 10 + 5, code, "m", "model", 0.8)
            for i, code in ((1, "protection.interpreters"), (2, "prevention.schools"), (3, "policy.volunteers"))]
    assert store.add_suggestions(rows, "suggest@1") == 3
    first, second, third = store.suggestions(status="pending")
    accepted = store.decide_suggestions([first.id], "accepted", "reviewer")
    assert accepted[0].status == "accepted" and accepted[0].reviewer == "reviewer" and accepted[0].decided_at
    store.decide_suggestions([second.id], "rejected", "reviewer")
    coded = store.codings("reviewer")
    assert [(c.segment_id, c.code_id, c.source) for c in coded] == [("D#1", "protection.interpreters", "human")]
    # a new run replaces what is pending and never re-suggests what was decided
    assert store.add_suggestions(rows, "suggest@1") == 1
    assert [s.segment_id for s in store.suggestions(status="pending")] == [third.segment_id]
    assert len(store.suggestions()) == 3
    # changing one's mind removes the coding that accepting had added
    store.decide_suggestions([first.id], "rejected", "reviewer")
    assert store.codings("reviewer") == []
    with pytest.raises(InputError, match="no suggestion with id 999"):
        store.decide_suggestions([999], "accepted", "reviewer")
    store.close()


@pytest.fixture(scope="module")
def coded_sample(ingested_sample: Path) -> Path:
    study = Study.open(ingested_sample)
    if not any(c.startswith("rules@") for c in study.store.coders()):
        study.code()
    study.close()
    return ingested_sample


def test_sample_suggestions_go_to_uncoded_transcripts(coded_sample: Path) -> None:
    study = Study.open(coded_sample)
    data = training_data(study)
    assert data.coders == ["coder_a", "coder_b"] and len(data.segments) == 236
    model, stored, suggester = suggest_for_study(study)
    pending = study.store.suggestions(status="pending", model=model)
    coded_docs = {s.doc_id for s in data.segments}
    study.close()
    assert stored == len(pending) > 50
    assert not {s.doc_id for s in pending} & coded_docs
    assert all(s.score >= 0.35 for s in pending) and len(suggester.classes_) >= 30


def test_sample_cross_validated_quality(coded_sample: Path) -> None:
    study = Study.open(coded_sample)
    result = evaluate_model(study, folds=3)
    study.close()
    assert result["folds"] == 3 and result["documents"] == 10
    model, rules, combined = (result[k] for k in ("model", "rules", "combined"))
    assert 0.3 < model["codes"]["f1"] < rules["codes"]["f1"]       # 236 segments teach less than the codebook
    assert model["dimensions"]["f1"] > model["codes"]["f1"]
    assert combined["codes"]["recall"] >= rules["codes"]["recall"]


def test_suggest_and_review_from_the_cli(sample_copy: Path) -> None:
    import json

    from typer.testing import CliRunner

    from fivep.cli import app

    runner = CliRunner()
    made = runner.invoke(app, ["suggest", str(sample_copy), "--min-score", "0.5"])
    assert made.exit_code == 0, made.output
    assert "suggest@1.0: learned" in made.stdout
    listed = json.loads(runner.invoke(app, ["suggestions", "list", str(sample_copy), "-f", "json"]).stdout)
    assert listed and all(r["status"] == "pending" and r["score"] >= 0.5 for r in listed)
    first, second = listed[0]["id"], listed[1]["id"]
    assert runner.invoke(app, ["suggestions", "accept", str(sample_copy), str(first), "--reviewer", "dr_k"]).exit_code == 0
    assert runner.invoke(app, ["suggestions", "reject", str(sample_copy), str(second), "--reviewer", "dr_k"]).exit_code == 0
    study = Study.open(sample_copy)
    coded = study.store.codings("dr_k")
    statuses = {s.id: s.status for s in study.store.suggestions()}
    # the reviewer coded one segment, not whole documents: training data and defaults stay with coder_a, coder_b
    assert training_data(study).coders == ["coder_a", "coder_b"]
    study.close()
    assert [(c.segment_id, c.code_id, c.source) for c in coded] == [(listed[0]["segment_id"], listed[0]["code_id"],
                                                                     "human")]
    assert statuses[first] == "accepted" and statuses[second] == "rejected"
    missing = runner.invoke(app, ["suggestions", "accept", str(sample_copy), "999999"])
    assert missing.exit_code == 1 and "no suggestion with id 999999" in missing.stderr


def test_learning_curve_grows_with_the_coded_documents(coded_sample: Path) -> None:
    from fivep.coding.suggest import learning_curve

    study = Study.open(coded_sample)
    data = training_data(study, reviewed=False)
    machine = study.machine_coder(code=False)
    rules: dict[str, set[str]] = {}
    for c in study.store.codings(machine):
        rules.setdefault(c.segment_id, set()).add(c.code_id)
    study.close()
    curve = learning_curve(data.segments, data.codes, study.codebook(), rules=rules, folds=2, fractions=(0.2, 1.0))
    assert [row["fraction"] for row in curve] == [0.2, 1.0]
    assert curve[0]["statements"] < curve[1]["statements"] <= len(data.segments)
    assert curve[0]["rules"] == curve[1]["rules"] > 0.5                # the tagger is scored on the same segments
    assert 0 <= curve[0]["model"] < curve[1]["model"] <= 1             # more coded documents teach more

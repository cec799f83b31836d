from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from fivep import Study
from fivep.errors import TranscriptError


def test_sample_every_respondent_speaks(ingested_sample: Path) -> None:
    study = Study.open(ingested_sample)
    documents = study.documents()
    roster = {r.id for r in study.read_roster()}
    speaking = {t.respondent_id for d in documents for t in d.turns if t.respondent_id}
    assert roster <= speaking, sorted(roster - speaking)
    assert speaking <= roster
    study.close()


def test_sample_shape(ingested_sample: Path) -> None:
    study = Study.open(ingested_sample)
    documents = study.documents()
    assert len(documents) >= 18
    assert all(len(d.turns) >= 25 for d in documents)
    thai = [d for d in documents if d.language == "th"]
    assert len(thai) / len(documents) >= 0.6
    formats = {d.meta["format"] for d in documents}
    assert {"txt", "docx", "vtt", "pdf"} <= formats
    study.close()


def test_offsets_are_code_points_into_the_text(ingested_sample: Path) -> None:
    study = Study.open(ingested_sample)
    for doc in study.documents():
        for turn in doc.turns:
            line_start = doc.text.rfind("\n", 0, turn.start) + 1
            assert doc.text[line_start:turn.start].rstrip().endswith(f"{turn.speaker}:")
    segments = study.segments()
    by_doc = {d.id: d.text for d in study.documents()}
    assert all(by_doc[s.doc_id][s.start:s.end] == s.text for s in segments)
    study.close()


def test_reingest_is_idempotent(sample_copy: Path) -> None:
    study = Study.open(sample_copy)
    first = study.ingest()
    ids = [s.id for s in study.segments()]
    second = study.ingest()
    assert [s.id for s in study.segments()] == ids
    assert (first.documents, first.turns, first.segments) == (second.documents, second.turns, second.segments)
    study.close()


def test_crash_halfway_keeps_previous_state(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = Study.open(sample_copy)
    study.ingest()
    before = len(study.segments())
    bad = sample_copy / "transcripts" / "zz-broken.txt"
    bad.write_text("a transcript without any speaker label\n", encoding="utf-8")
    with pytest.raises(TranscriptError):
        study.ingest()
    assert len(study.segments()) == before

    from fivep import store as store_module

    bad.unlink()
    original = store_module.Store.replace_corpus

    def explode(self, respondents, documents, segments, **kwargs):
        def failing():
            yield from list(segments)[:10]
            raise RuntimeError("power cut")
        return original(self, respondents, documents, failing(), **kwargs)

    monkeypatch.setattr(store_module.Store, "replace_corpus", explode)
    with pytest.raises(RuntimeError):
        study.ingest()
    assert len(study.segments()) == before
    study.close()


def test_sentence_segments(sample_copy: Path) -> None:
    study = Study.open(sample_copy)
    turns = study.ingest().segments
    sentences = study.ingest(unit="sentence").segments
    assert sentences > turns
    texts = {d.id: d.text for d in study.documents()}
    assert all(texts[s.doc_id][s.start:s.end] == s.text for s in study.segments())
    study.close()


def test_silent_roster_member_is_reported(sample_copy: Path) -> None:
    with open(sample_copy / "respondents.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(["GOV-XX-99", "government", "government", "F", "40", "Nan", "5", "interview",
                                "none", "silent"])
    study = Study.open(sample_copy)
    report = study.ingest()
    assert report.silent == ["GOV-XX-99"]
    assert any("GOV-XX-99" in w and "speaks in no transcript" in w for w in report.warnings)
    study.close()


def test_roster_only_folder_works_for_demographics(tmp_path: Path, sample_dir: Path) -> None:
    shutil.copy(sample_dir / "respondents.csv", tmp_path / "respondents.csv")
    study = Study.open(tmp_path)
    assert len(study.respondents()) == 68

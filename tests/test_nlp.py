from __future__ import annotations

import pytest

from fivep.coding.nlp import ENGINES, Analyzer, TermMatcher, ThaiTokenizer, available_engine, detect_language


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(custom_words=["ค้ามนุษย์", "ทีมสหวิชาชีพ"])


def found(analyzer: Analyzer, terms: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    matcher = TermMatcher(analyzer, terms)
    return [(h.label, text[h.start:h.end]) for h in matcher.find(analyzer.analyse(text))]


@pytest.mark.parametrize("text,expected", [
    ("การค้ามนุษย์เป็นปัญหาใหญ่", [("traffic", "ค้ามนุษย์")]),          # inside a larger token
    ("แม่ค้าขายของที่ตลาด", []),                                          # ค้า in ค้าขาย is trade
    ("ไปนั่งที่ศาลาวัด", []),                                              # ศาล in ศาลา
    ("วันนี้ศาลนัดสืบพยาน", [("court", "ศาล")]),
    ("ไม่มีล่ามเลยค่ะ", [("interpreter", "ล่าม")]),                        # negated, still found
    ("คนพม่าหลายคน", []),                                                 # พม inside พม่า
    ("ประสานกับ พม. แล้ว", [("msdhs", "พม")]),
    ("ทีมสหวิชาชีพลงพื้นที่", [("mdt", "ทีมสหวิชาชีพ")]),                  # longest wins, one hit
])
def test_thai_terms_on_word_boundaries(analyzer: Analyzer, text: str, expected: list[tuple[str, str]]) -> None:
    terms = [("ค้ามนุษย์", "traffic"), ("ค้า", "trade"), ("ศาล", "court"), ("ล่าม", "interpreter"),
             ("พม", "msdhs"), ("ทีมสหวิชาชีพ", "mdt"), ("สหวิชาชีพ", "mdt-short")]
    assert found(analyzer, terms, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("We need more interpreters.", [("interp", "interpreters")]),       # lemma
    ("The case managers followed it.", [("cm", "case managers")]),       # multi-word lemma
    ("the MDT met; an mdt is", [("mdt", "MDT")]),                        # acronym is case-sensitive
    ("police, station", []),                                             # punctuation breaks a phrase
    ("ประชุมกับ Case Manager ของ พม.", [("cm", "Case Manager")]),         # English inside Thai
])
def test_english_terms_on_lemmas(analyzer: Analyzer, text: str, expected: list[tuple[str, str]]) -> None:
    terms = [("interpreter", "interp"), ("case manager", "cm"), ("MDT", "mdt"), ("police station", "ps")]
    assert found(analyzer, terms, text) == expected


def test_tokenizer_merges_custom_words_and_keeps_text() -> None:
    text = "การค้ามนุษย์ ศปคม. ไม่มีล่าม"
    plain = ThaiTokenizer()
    custom = ThaiTokenizer(custom_words=["การค้ามนุษย์", "ศปคม."])
    assert "".join(custom.tokenize(text)) == text
    assert "การค้ามนุษย์" in custom.tokenize(text) and "การค้ามนุษย์" not in plain.tokenize(text)


def test_nlpo3_gives_newmm_output() -> None:
    text = "เจ้าหน้าที่ทีมสหวิชาชีพลงพื้นที่ติดตามเด็กกลุ่มเสี่ยงในชุมชนชายแดน"
    words = ["ทีมสหวิชาชีพ"]
    assert ThaiTokenizer(engine="nlpo3", custom_words=words).tokenize(text) == \
        ThaiTokenizer(engine="newmm", custom_words=words).tokenize(text)


def test_unknown_engine_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="nlpo3, newmm"):
        available_engine("deepcut")
    assert "nlpo3" in ENGINES


@pytest.mark.parametrize("text,lang", [("ไม่มีล่าม", "th"), ("no interpreter", "en"),
                                       ("ประชุม MDT กับ POCHT ทุกเดือนค่ะ", "th"), ("We met the พม. officer", "en")])
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_chunk_segmentation_agrees_with_whole_turn_segmentation(ingested_sample) -> None:
    """The matcher segments lazily, one whitespace-delimited chunk at a time; the word boundaries it
    sees agree with segmenting the whole turn (they differ only around a spaced ๆ and brackets)."""
    import re
    from itertools import accumulate

    from fivep import Study

    tokenizer = ThaiTokenizer(custom_words=["ทีมสหวิชาชีพ", "ค้ามนุษย์"])
    study = Study.open(ingested_sample)
    agree = total = 0
    for segment in study.segments():
        text = segment.text
        whole = set(accumulate(map(len, tokenizer.tokenize(text)), initial=0))
        for match in re.finditer(r"\S+", text):
            chunk = set(accumulate(map(len, tokenizer.tokenize(match.group())), initial=match.start()))
            total += len(chunk)
            agree += len(chunk & whole)
    study.close()
    assert total > 10_000
    assert agree / total >= 0.99


def test_normalize_terms_equals_normalising_each_term():
    from fivep.coding.codebook import load_codebook
    from fivep.coding.nlp import normalize_terms
    from fivep.ingest.thai import normalize_text

    codebook = load_codebook("5p")
    terms = [" ".join(k.split()) for c in codebook.codes for k in (*c.keywords_th, *c.keywords_en, *c.weak_keywords)]
    # terms that normalisation changes: a repeated vowel, a tone mark before its vowel, a zero-width space
    terms += ["การค้ามนุุษย์", "นํ้า", "ค\u200bดี", "  spaced   term ", ""]
    assert normalize_terms(terms) == [normalize_text(t) for t in terms]
    assert normalize_terms([]) == []

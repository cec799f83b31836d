"""Segments: the units that get coded.

A segment is a respondent turn (the default) or, with ``unit="sentence"``, a sentence of one
(PyThaiNLP's CRF sentence splitter for Thai, spaCy's rule-based sentencizer for English). Ids are
stable across runs: ``<doc_id>#<turn>`` and ``<doc_id>#<turn>.<sentence>``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from fivep.errors import InputError
from fivep.ingest.thai import thai_share
from fivep.model import Document, Segment

UNITS = ("turn", "sentence")


def segment_documents(documents: Iterable[Document], *, unit: str = "turn",
                      include_interviewer: bool = False) -> list[Segment]:
    if unit not in UNITS:
        raise InputError(f"unknown segment unit {unit!r}", hint=f"use --unit {' or --unit '.join(UNITS)}")
    out: list[Segment] = []
    for doc in documents:
        for turn in doc.turns:
            if turn.role != "respondent" and not include_interviewer:
                continue
            text = doc.text[turn.start : turn.end]
            if not text.strip():
                continue
            if unit == "turn":
                out.append(Segment(f"{doc.id}#{turn.index}", doc.id, turn.index, turn.start, turn.end, text,
                                   turn.respondent_id))
                continue
            for n, (start, end) in enumerate(sentence_spans(text)):
                out.append(Segment(f"{doc.id}#{turn.index}.{n}", doc.id, turn.index, turn.start + start,
                                   turn.start + end, text[start:end], turn.respondent_id))
    return out


_EN_NLP = None

# Thai words that end a sentence rather than begin one: a fragment made only of them joins the
# sentence before it ("ค่ะ"), every other fragment the sentence after it ("พี่อยู่", "พมจ.").
_THAI_END_PARTICLES = frozenset({"ค่ะ", "คะ", "ครับ", "นะ", "นะคะ", "นะครับ", "จ้ะ", "จ้า", "ค่า", "ฮะ", "เนอะ", "น่ะ", "แหละ",
                                 "เลย", "ด้วย", "ครับผม"})
MIN_THAI_WORDS = 3
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])[\u0e01-\u0e4e]{1,5}\.$")  # พมจ. / จ. / กทม.


def _thai_pieces(text: str) -> list[str]:
    """PyThaiNLP's CRF sentence splitter (crfcut, offline), its fragments joined to a neighbour.

    crfcut cuts at most spaces, so an abbreviation (``พมจ.``) or a short phrase before a space
    (``พี่อยู่``) comes out as a sentence of its own; such fragments (under :data:`MIN_THAI_WORDS`
    words, or ending in an abbreviation's dot) are joined to the next sentence, or, when they are
    only end particles (``ค่ะ``), to the previous one.
    """
    from pythainlp.tokenize import sent_tokenize, word_tokenize

    pieces = [str(p) for p in sent_tokenize(text, engine="crfcut") if str(p).strip()]
    out: list[str] = []
    carry = ""
    for piece in pieces:
        piece = carry + piece
        carry = ""
        words = [w for w in word_tokenize(piece, engine="newmm") if w.strip()]
        if words and all(w in _THAI_END_PARTICLES for w in words) and out:
            out[-1] += piece
        elif len(words) < MIN_THAI_WORDS or _ABBREVIATION_END.search(piece.rstrip()):
            carry = piece
        else:
            out.append(piece)
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Half-open sentence spans of ``text``, trimmed of surrounding spaces; together they hold every
    character of ``text`` but the spaces between sentences."""
    global _EN_NLP
    if thai_share(text) >= 0.5:
        pieces = _thai_pieces(text)
    else:
        if _EN_NLP is None:
            import spacy

            _EN_NLP = spacy.blank("en")
            _EN_NLP.add_pipe("sentencizer")
        pieces = [s.text for s in _EN_NLP(text).sents]
    cuts = [0]
    for piece in pieces:
        piece = piece.strip()
        found = text.find(piece, cuts[-1]) if piece else -1
        if found >= 0:
            cuts.append(found + len(piece))
    cuts[-1] = len(text)
    spans: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(cuts):
        chunk = text[start:end]
        if chunk.strip():
            left = start + len(chunk) - len(chunk.lstrip())
            spans.append((left, start + len(chunk.rstrip())))
    return spans or [(0, len(text))]

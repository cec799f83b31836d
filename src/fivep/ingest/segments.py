"""Segments: the units that get coded.

A segment is a respondent turn (the default) or, with ``unit="sentence"``, a sentence of one
(PyThaiNLP's CRF sentence splitter for Thai, spaCy's rule-based sentencizer for English). Ids are
stable across runs: ``<doc_id>#<turn>`` and ``<doc_id>#<turn>.<sentence>``.
"""

from __future__ import annotations

from collections.abc import Iterable

from fivep.ingest.thai import thai_share
from fivep.model import Document, Segment

UNITS = ("turn", "sentence")


def segment_documents(documents: Iterable[Document], *, unit: str = "turn",
                      include_interviewer: bool = False) -> list[Segment]:
    if unit not in UNITS:
        raise ValueError(f"unknown segment unit {unit!r}; use one of {', '.join(UNITS)}")
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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Half-open sentence spans of ``text``, trimmed of surrounding spaces."""
    global _EN_NLP
    if thai_share(text) >= 0.5:
        from pythainlp.tokenize import sent_tokenize

        pieces = [str(p) for p in sent_tokenize(text, engine="crfcut")]
    else:
        if _EN_NLP is None:
            import spacy

            _EN_NLP = spacy.blank("en")
            _EN_NLP.add_pipe("sentencizer")
        pieces = [s.text for s in _EN_NLP(text).sents]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:
            continue
        spans.append((start, start + len(piece)))
        cursor = start + len(piece)
    return spans or [(0, len(text))]

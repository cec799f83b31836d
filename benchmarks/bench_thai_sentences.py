"""Thai sentence boundaries: precision, recall and F1 of each splitter against hand-marked boundaries.

Run: PYTHONPATH=src PYTHAINLP_OFFLINE=1 python benchmarks/bench_thai_sentences.py
Gold: benchmarks/data_thai_sentences.txt (12 turns of the fictional sample, " | " between sentences).
A boundary is the offset where a sentence starts (after the first); spaces between sentences are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pythainlp.tokenize import sent_tokenize

from fivep.ingest.segments import sentence_spans

GOLD = Path(__file__).with_name("data_thai_sentences.txt")


def _starts(text: str, pieces: list[str]) -> set[int]:
    starts, cursor = set(), 0
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        found = text.find(piece, cursor)
        if found >= 0:
            starts.add(found)
            cursor = found + len(piece)
    return starts - {0}


SPLITTERS: dict[str, Callable[[str], list[str]]] = {
    "spaces (baseline)": str.split,
    "crfcut": lambda t: [str(p) for p in sent_tokenize(t, engine="crfcut")],
    "thaisum": lambda t: [str(p) for p in sent_tokenize(t, engine="thaisum")],
    "fivep (crfcut, fragments joined)": lambda t: [t[s:e] for s, e in sentence_spans(t)],
}


def main() -> None:
    turns = [line.split(" | ") for line in GOLD.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    for name, split in SPLITTERS.items():
        tp = fp = fn = 0
        for sentences in turns:
            text = " ".join(sentences)
            gold = _starts(text, sentences)
            found = _starts(text, split(text))
            tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
        p, r = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:34s} boundaries found {tp + fp:3d}  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  (gold {tp + fn})")


if __name__ == "__main__":
    main()

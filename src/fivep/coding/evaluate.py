"""Machine coding against a human coder, segment by segment.

For every segment the human coded (every respondent segment of the documents in the coder's file),
the machine's set of codes is compared with the human's: per sub-code and per dimension precision,
recall, F1 and Cohen's kappa (on presence/absence), with micro and macro averages, and the accuracy of
the segment's kind where the human gave one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fivep.model import DIMENSIONS, Codebook, Coding, Segment


@dataclass
class Scores:
    label: str
    support: int          # segments the human coded with it
    predicted: int        # segments the machine coded with it
    tp: int
    precision: float
    recall: float
    f1: float
    kappa: float | None


@dataclass
class Evaluation:
    coder: str
    machine: str
    segments: int
    dimensions: list[Scores]
    codes: list[Scores]
    micro: dict[str, float]
    macro: dict[str, float]
    dimension_micro: dict[str, float]
    dimension_macro: dict[str, float]
    kind_accuracy: float | None
    kind_n: int
    documents: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _kappa(truth: list[int], predicted: list[int]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if len(set(truth) | set(predicted)) < 2:
        return None
    return float(cohen_kappa_score(truth, predicted))


def _score(labels: Iterable[str], gold: Mapping[str, set[str]], pred: Mapping[str, set[str]],
           units: Sequence[str]) -> tuple[list[Scores], dict[str, float], dict[str, float]]:
    rows: list[Scores] = []
    total_tp = total_fp = total_fn = 0
    for label in labels:
        truth = [int(label in gold.get(u, set())) for u in units]
        guess = [int(label in pred.get(u, set())) for u in units]
        tp = sum(t and g for t, g in zip(truth, guess, strict=True))
        fp = sum(g and not t for t, g in zip(truth, guess, strict=True))
        fn = sum(t and not g for t, g in zip(truth, guess, strict=True))
        if tp + fp + fn == 0:
            continue
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        p, r, f = _prf(tp, fp, fn)
        rows.append(Scores(label, sum(truth), sum(guess), tp, p, r, f, _kappa(truth, guess)))
    p, r, f = _prf(total_tp, total_fp, total_fn)
    micro = {"precision": p, "recall": r, "f1": f}
    supported = [s for s in rows if s.support]
    macro = {"precision": sum(s.precision for s in supported) / len(supported) if supported else 0.0,
             "recall": sum(s.recall for s in supported) / len(supported) if supported else 0.0,
             "f1": sum(s.f1 for s in supported) / len(supported) if supported else 0.0}
    return rows, micro, macro


def evaluate(human: Sequence[Coding], machine: Sequence[Coding], segments: Sequence[Segment], codebook: Codebook,
             *, human_kinds: Mapping[str, str] | None = None, machine_kinds: Mapping[str, str] | None = None,
             documents: Iterable[str] | None = None) -> Evaluation:
    """Compare machine codings with a human coder's at segment level.

    Parameters
    ----------
    human, machine:
        Codings; each is mapped to its segment (``segment_id``, or the segment it overlaps most).
    segments:
        All segments of the study; only those of the documents the human coded are compared
        (or of ``documents`` when given).
    """
    coded_docs = set(documents) if documents is not None else {c.doc_id for c in human} | {
        s.split("#")[0] for s in (human_kinds or {})}
    units = [s.id for s in segments if s.doc_id in coded_docs]
    unit_set = set(units)
    gold: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    for codings, table in ((human, gold), (machine, pred)):
        for c in codings:
            if c.segment_id in unit_set and c.code_id in codebook:
                table.setdefault(c.segment_id, set()).add(c.code_id)
    sub_codes = [c.id for c in codebook.codes if c.parent and c.dimension in DIMENSIONS]
    codes, micro, macro = _score(sub_codes, gold, pred, units)

    def dims(table: dict[str, set[str]]) -> dict[str, set[str]]:
        return {u: {codebook[c].dimension for c in cs if codebook[c].dimension in DIMENSIONS}
                for u, cs in table.items()}

    dimensions, dmicro, dmacro = _score(DIMENSIONS, dims(gold), dims(pred), units)
    kind_accuracy = None
    kind_n = 0
    if human_kinds and machine_kinds:
        pairs = [(human_kinds[u], machine_kinds[u]) for u in units if u in human_kinds and u in machine_kinds]
        kind_n = len(pairs)
        kind_accuracy = sum(a == b for a, b in pairs) / kind_n if kind_n else None
    coder = next((c.coder for c in human), "human")
    machine_name = next((c.coder for c in machine), "machine")
    return Evaluation(coder, machine_name, len(units), dimensions, codes, micro, macro, dmicro, dmacro,
                      kind_accuracy, kind_n, sorted(coded_docs))

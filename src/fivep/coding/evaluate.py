"""Machine coding against a human coder, segment by segment.

For every segment the human coded (every respondent segment of the documents in the coder's file),
the machine's set of codes is compared with the human's: per sub-code and per dimension precision,
recall, F1 and Cohen's kappa (on presence/absence), with micro and macro averages, and the accuracy of
the segment's kind where the human gave one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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


# --- loose labelled statements (development, held-out and public sets) -------------------------


@dataclass(frozen=True)
class Statement:
    """One labelled statement of an evaluation set: its 5P dimensions and kind, by a person."""

    id: str
    lang: str
    text: str
    dimensions: frozenset[str]
    kind: str | None
    register: str = ""
    calibrate: bool = True   # may the tagger's combination be calibrated on it (were no keywords tuned on it)?


def read_statements(path: str | Path, codebook: Codebook | None = None) -> list[Statement]:
    """Read a JSON Lines set: ``text`` with ``dimensions`` (5P names) or ``codes`` (sub-codes of ``codebook``),
    and optionally ``id``, ``lang``, ``register``, ``kind``. Every problem names its line."""
    import json

    from fivep.coding.nlp import detect_language
    from fivep.errors import InputError

    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputError("evaluation set not found", path=path) from None
    out: list[Statement] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"not valid JSON: {error.msg}", path=path, line=number) from None
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise InputError("each line needs a non-empty 'text'", path=path, line=number)
        if "dimensions" in item:
            dims = set(item["dimensions"] or [])
        elif "codes" in item and codebook is not None:
            dims = {codebook[c].dimension for c in item["codes"] or []
                    if c in codebook and codebook[c].dimension in DIMENSIONS}
        else:
            raise InputError("each line needs 'dimensions' (or 'codes' with a codebook)", path=path, line=number)
        unknown = dims - set(DIMENSIONS)
        if unknown:
            raise InputError(f"unknown dimension(s) {', '.join(sorted(unknown))}", path=path, line=number,
                             hint=f"use {', '.join(DIMENSIONS)}")
        kind = item.get("kind")
        out.append(Statement(str(item.get("id", number)), str(item.get("lang") or detect_language(text)), text,
                             frozenset(dims & set(DIMENSIONS)), str(kind) if kind else None,
                             str(item.get("register", "")), bool(item.get("calibrate", True))))
    return out


def score_statements(statements: Sequence[Statement], dimensions: Sequence[Iterable[str]],
                     kinds: Sequence[str] | None = None) -> dict[str, Any]:
    """Micro precision, recall and F1 over the 5P, F1 per P and kind accuracy of predictions for
    ``statements`` (same order), for all statements and for each language."""
    def block(indices: list[int]) -> dict[str, Any]:
        gold = {str(i): set(statements[i].dimensions) for i in indices}
        pred = {str(i): set(dimensions[i]) & set(DIMENSIONS) for i in indices}
        rows, micro, _ = _score(DIMENSIONS, gold, pred, [str(i) for i in indices])
        result: dict[str, Any] = {"n": len(indices), **{k: round(v, 4) for k, v in micro.items()},
                                  "per_p": {r.label: round(r.f1, 4) for r in rows},
                                  "uncoded": round(sum(1 for i in indices if not pred[str(i)]) / max(1, len(indices)), 4)}
        pairs = [(statements[i].kind, kinds[i]) for i in indices if kinds is not None and statements[i].kind]
        result["kind_accuracy"] = round(sum(a == b for a, b in pairs) / len(pairs), 4) if pairs else None
        return result

    everything = list(range(len(statements)))
    out = {"all": block(everything)}
    for lang in sorted({s.lang for s in statements}):
        out[lang] = block([i for i in everything if statements[i].lang == lang])
    return out


# A naive matcher, as a baseline: about ten obvious words per P and language, found as substrings
# (English from the start of a word, so "prosecut" finds every form), and two cue lists for the kind.
NAIVE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "policy": ("policy", "policies", "law", "legislation", "government", "budget", "plan", "committee",
               "regulation", "ministry", "นโยบาย", "กฎหมาย", "รัฐบาล", "งบประมาณ", "แผน", "คณะกรรมการ", "ระเบียบ",
               "กระทรวง", "ยุทธศาสตร์", "มาตรการ"),
    "prosecution": ("prosecut", "court", "judge", "arrest", "investigat", "convict", "sentence", "police",
                    "case", "trial", "ดำเนินคดี", "ศาล", "อัยการ", "จับกุม", "สอบสวน", "ฟ้อง", "ตำรวจ", "คดี", "พยาน",
                    "ลงโทษ"),
    "protection": ("protect", "shelter", "victim", "assist", "care", "support", "rehabilitat", "counsel",
                   "rescue", "reintegrat", "คุ้มครอง", "บ้านพัก", "ผู้เสียหาย", "ช่วยเหลือ", "ดูแล", "ฟื้นฟู", "เยียวยา",
                   "ส่งกลับ", "ที่พัก", "จิตใจ"),
    "prevention": ("prevent", "awareness", "campaign", "risk", "educat", "school", "communit", "recruit",
                   "vulnerab", "warn", "ป้องกัน", "รณรงค์", "ความรู้", "เสี่ยง", "โรงเรียน", "ชุมชน", "เฝ้าระวัง",
                   "ประชาสัมพันธ์", "ล่อลวง", "ตระหนัก"),
    "partnership": ("partner", "cooperat", "collaborat", "network", "ngo", "international", "mou", "together",
                    "coordinat", "joint", "ความร่วมมือ", "ร่วมมือ", "เครือข่าย", "ภาคี", "ประสาน", "องค์กร",
                    "ระหว่างประเทศ", "บันทึกข้อตกลง", "ร่วมกัน", "เอ็นจีโอ"),
}
NAIVE_KINDS = {"recommendation": ("should", "recommend", "need to", "must", "ควร", "อยากให้", "ต้อง", "เสนอ"),
               "obstacle": ("problem", "lack", "not enough", "difficult", "no ", "ปัญหา", "ไม่มี", "ขาด", "ไม่พอ",
                            "ยาก")}


def naive_tag(text: str) -> tuple[set[str], str]:
    """The naive baseline: the Ps whose words occur in ``text``, and a kind from two cue lists."""
    import re

    low = text.lower()
    found = {dim for dim, words in NAIVE_KEYWORDS.items()
             if any(re.search(r"(?<![a-z])" + re.escape(w), low) if w.isascii() else w in low for w in words)}
    kind = "other"
    for name in ("recommendation", "obstacle"):
        if any(w in low for w in NAIVE_KINDS[name]):
            kind = name
            break
    return found, kind

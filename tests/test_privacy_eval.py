"""Recall and precision of identifier detection on the labelled sets (run with ``pytest -s`` to see them).

``tests/data/privacy/dev.jsonl``, ``dev2.jsonl``, ``heldout.jsonl`` and ``heldout2.jsonl`` tuned the rules
and are the training data of the learned name labeller (``tools/train_person_crf.py``): their figures say
nothing about unseen text. ``heldout3.jsonl`` was written by someone who never saw the rules or the data,
and is read only here: the target (recall >= 0.95) is checked on it. A gold identifier is found when a
detection overlaps it; a detection is correct when it overlaps a gold identifier. The figures are written
into ``docs/privacy.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from fivep.privacy import ENTITY_TYPES, detect

DATA = Path(__file__).parent / "data" / "privacy"
DOC = Path(__file__).parents[1] / "docs" / "privacy.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def evaluate(path: Path) -> dict:
    found, missed, right, wrong, typed = Counter(), Counter(), Counter(), Counter(), Counter()
    lines = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        lines += 1
        row = json.loads(line)
        spans = detect(row["text"])
        gold = row["entities"]
        for entity in gold:
            hits = [s for s in spans if s.start < entity["end"] and entity["start"] < s.end]
            (found if hits else missed)[entity["type"]] += 1
            typed[entity["type"]] += any(s.type == entity["type"] for s in hits)
        for span in spans:
            ok = any(span.start < e["end"] and e["start"] < span.end for e in gold)
            (right if ok else wrong)[span.type] += 1
    return {"lines": lines, "found": found, "missed": missed, "right": right, "wrong": wrong, "typed": typed}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "–"


def table(name: str, r: dict) -> str:
    gold = sum(r["found"].values()) + sum(r["missed"].values())
    detections = sum(r["right"].values()) + sum(r["wrong"].values())
    rows = [(f"**{name}**: {r['lines']} lines, {gold} identifiers, {detections} detections; "
            f"recall **{_ratio(sum(r['found'].values()), gold)}**, "
            f"precision **{_ratio(sum(r['right'].values()), detections)}**, "
            f"found with the right type {_ratio(sum(r['typed'].values()), gold)}"),
            "", "| type | identifiers | found | recall | detections | precision |", "|---|---:|---:|---:|---:|---:|"]
    for kind in ENTITY_TYPES:
        n = r["found"][kind] + r["missed"][kind]
        d = r["right"][kind] + r["wrong"][kind]
        if n or d:
            rows.append(f"| {kind} | {n} | {r['found'][kind]} | {_ratio(r['found'][kind], n)} | {d} | "
                        f"{_ratio(r['right'][kind], d)} |")
    return "\n".join(rows)


SETS = {
    "dev": "dev set (rule tuning; training data of the name model)",
    "dev2": "dev2 set (rule tuning; training data of the name model)",
    "heldout": "heldout set (training data of the name model)",
    "heldout2": "heldout2 set (training data of the name model)",
    "heldout3": "heldout3 set (test: kept apart from tuning and training)",
}


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return {name: evaluate(DATA / f"{name}.jsonl") for name in SETS}


def _recall(r: dict) -> float:
    return sum(r["found"].values()) / (sum(r["found"].values()) + sum(r["missed"].values()))


def test_recall_and_precision(results: dict[str, dict]) -> None:
    text = "\n\n".join(table(SETS[name], r) for name, r in results.items())
    print("\n" + text)
    if DOC.exists() and START in DOC.read_text(encoding="utf-8"):
        doc = DOC.read_text(encoding="utf-8")
        head, rest = doc.split(START, 1)
        updated = head + START + "\n" + text + "\n" + END + rest.split(END, 1)[1]
        if updated != doc:
            DOC.write_text(updated, encoding="utf-8")
    heldout = results["heldout3"]
    assert sum(heldout["found"].values()) + sum(heldout["missed"].values()) >= 150, \
        "the held-out set must hold at least 150 identifiers"
    assert _recall(results["dev"]) >= 0.95
    assert _recall(results["dev2"]) >= 0.95


def test_heldout_recall_reaches_the_target(results: dict[str, dict]) -> None:
    assert _recall(results["heldout3"]) >= 0.95


# --- both sides on sets written apart from the rules (issue 14) ---------------------------------------
# hidden_clean.jsonl: 200 statements (100 Thai, 100 English) without any identifier, dense with what looks
# like a name (agencies, role titles, school grades, peoples, months, "May", "Will", นายหน้า, 1300);
# hidden_ids.jsonl: 120 statements with 174 planted identifiers given as substrings. Both written by
# someone who never read this repository (/work/evaldata/README.md).

def _hidden(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_statements_without_identifiers_stay_untouched() -> None:
    from fivep.privacy import redact_text

    rows = _hidden("hidden_clean.jsonl")
    changed = [row["id"] for row in rows if redact_text(row["text"]) != row["text"]]
    print(f"\nhidden clean statements changed: {len(changed)} of {len(rows)} {changed}")
    assert len(rows) == 200
    assert len(changed) <= 0.02 * len(rows), changed


def test_planted_identifiers_are_found() -> None:
    import re

    rows = _hidden("hidden_ids.jsonl")
    found, missed = 0, []
    for row in rows:
        spans = detect(row["text"])
        for entity in row["identifiers"]:
            starts = [m.start() for m in re.finditer(re.escape(entity["text"]), row["text"])]
            assert starts, f"{row['id']}: {entity['text']!r} is not in the text"
            end = len(entity["text"])
            if any(s.start < start + end and start < s.end for start in starts for s in spans):
                found += 1
            else:
                missed.append((row["id"], entity["text"]))
    total = found + len(missed)
    print(f"\nhidden identifiers found: {found} of {total}; missed {missed}")
    assert total == 174
    assert found / total >= 17 / 18, missed

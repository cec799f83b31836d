"""Evaluate the rule tagger on labelled loose statements (JSON Lines), e.g. tests/data/tagger/dev_segments.jsonl.

Each line: {"id", "lang", "text", "codes": [...], "kind": ...}. Prints dimension- and code-level
precision, recall and F1 (segment level, as ``fivep evaluate`` computes them) and kind accuracy;
``--misses DIMENSION`` lists the statements the tagger got wrong for that dimension, with its evidence.

Run: ``.venv/bin/python tools/eval_tagger_segments.py FILE [--misses protection]``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def main() -> None:
    from fivep.coding.codebook import load_codebook
    from fivep.coding.evaluate import evaluate
    from fivep.coding.rules import RuleTagger
    from fivep.model import Coding, Segment

    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--misses", default=None)
    args = parser.parse_args()
    items = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    codebook = load_codebook("5p")
    tagger = RuleTagger(codebook)
    segments, human, machine, human_kinds, machine_kinds, results = [], [], [], {}, {}, {}
    for i, item in enumerate(items):
        sid = f"D#{i}"
        segment = Segment(sid, "D", i, 0, len(item["text"]), item["text"], None)
        segments.append(segment)
        human += [Coding("D", sid, 0, len(item["text"]), code, "gold") for code in item.get("codes", [])
                  if code in codebook]
        human_kinds[sid] = item.get("kind", "other")
        found, kind = tagger.code_segment(segment)
        machine += found
        machine_kinds[sid] = kind
        results[sid] = (item, tagger.tag(item["text"]))
    ev = evaluate(human, machine, segments, codebook, human_kinds=human_kinds, machine_kinds=machine_kinds,
                  documents=["D"])
    print(f"{len(items)} statements; dimension micro-F1 {ev.dimension_micro['f1']:.3f} "
          f"(P {ev.dimension_micro['precision']:.3f}, R {ev.dimension_micro['recall']:.3f}); "
          f"sub-code micro-F1 {ev.micro['f1']:.3f}; kind accuracy {ev.kind_accuracy:.3f}")
    for s in ev.dimensions:
        print(f"  {s.label:12} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  (support {s.support})")
    if args.misses:
        for sid, (item, result) in results.items():
            gold = {c for c in item.get("codes", []) if c in codebook and codebook[c].dimension == args.misses}
            got = {c.code: [e.text for e in c.evidence] for c in result.codes if c.dimension == args.misses}
            if bool(gold) != bool(got):
                print("FN" if gold else "FP", item["id"], sorted(gold) or got, "|", item["text"][:220])


if __name__ == "__main__":
    main()

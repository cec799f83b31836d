"""Measure the tagger on labelled statement sets (JSON Lines: text, lang, dimensions, kind), in one
process: the default tagger (rules + semantic layer + calibrated model), the rules alone and the naive
ten-words-per-P matcher (fivep.coding.evaluate.naive_tag). Prints one row per set, tagger and language
(micro P/R/F1, F1 per P, share uncoded, kind accuracy); --json writes the figures (never the texts).

Run: ``.venv/bin/python tools/eval_statements.py tests/data/tagger/heldout2.jsonl [--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def main() -> None:
    from fivep.coding.codebook import load_codebook
    from fivep.coding.evaluate import naive_tag, read_statements, score_statements
    from fivep.coding.tagger import Tagger

    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    codebook = load_codebook("5p")
    tagger = Tagger(codebook)
    out: dict[str, object] = {}
    for path in args.files:
        statements = read_statements(path, codebook)
        combined = tagger.tag_many([s.text for s in statements])
        rules = tagger.rules.tag_many([s.text for s in statements])
        naive = [naive_tag(s.text) for s in statements]
        runs = {"fivep": score_statements(statements, [{c.dimension for c in r.codes} for r in combined],
                                          [r.kind for r in combined]),
                "rules only": score_statements(statements, [{c.dimension for c in r.codes} for r in rules],
                                               [r.kind for r in rules]),
                "naive": score_statements(statements, [d for d, _ in naive], [k for _, k in naive])}
        out[path.name] = runs
        for name, result in runs.items():
            for lang, row in result.items():
                per_p = " ".join(f"{p[:4]} {f:.2f}" for p, f in row["per_p"].items())
                print(f"{path.name:16} {name:10} {lang:3} n={row['n']:3} P {row['precision']:.3f} R {row['recall']:.3f} "
                      f"F1 {row['f1']:.3f} kind {row['kind_accuracy']} uncoded {row['uncoded']:.2f} | {per_p}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

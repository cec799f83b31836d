"""Cross-validate the combined tagger on labelled development sets: the model (semantic part,
combination, thresholds, kind) is fitted on the other folds and measured on each fold in turn, next
to the rules alone and the naive matcher. This is how the settings in fivep.coding.combine were
chosen; held-out and public sets are never used here.

Run: ``.venv/bin/python tools/cv_tagger.py tests/data/tagger/dev_segments.jsonl tests/data/tagger/dev.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def main() -> None:
    from sklearn.model_selection import KFold

    from fivep.coding import combine
    from fivep.coding.codebook import load_codebook
    from fivep.coding.evaluate import naive_tag, read_statements, score_statements
    from fivep.coding.tagger import Tagger

    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--extra", nargs="*", type=Path, default=[],
                        help="Sets always in the training folds, never measured (keywords were tuned on them).")
    parser.add_argument("--extra-calibrate", nargs="*", type=Path, default=[],
                        help="Sets always in the training folds, also calibrating the combination.")
    parser.add_argument("--beta", type=float, default=combine.BETA)
    parser.add_argument("--c-semantic", type=float, default=combine.C_SEMANTIC)
    parser.add_argument("--c-kind", type=float, default=combine.C_KIND)
    args = parser.parse_args()
    combine.BETA, combine.C_SEMANTIC, combine.C_KIND = args.beta, args.c_semantic, args.c_kind
    codebook = load_codebook("5p")
    statements = [s for path in args.files for s in read_statements(path, codebook)]
    from dataclasses import replace

    extra = [replace(s, calibrate=False) for path in args.extra for s in read_statements(path, codebook)]
    extra += [s for path in args.extra_calibrate for s in read_statements(path, codebook)]
    tagger = Tagger(codebook)
    dims: list[set[str]] = [set() for _ in statements]
    kinds = ["other" for _ in statements]
    for train, test in KFold(args.folds, shuffle=True, random_state=1).split(statements):
        tagger.model = combine.fit_model(tagger.index, tagger.rules, [*extra, *(statements[i] for i in train)])
        for i, result in zip(test, tagger.tag_many([statements[i].text for i in test]), strict=True):
            dims[i] = {c.dimension for c in result.codes}
            kinds[i] = result.kind
    rules = [tagger.rules.tag(s.text) for s in statements]
    naive = [naive_tag(s.text) for s in statements]
    runs = {"combined (cv)": score_statements(statements, dims, kinds),
            "rules": score_statements(statements, [{c.dimension for c in r.codes} for r in rules],
                                      [r.kind for r in rules]),
            "naive": score_statements(statements, [d for d, _ in naive], [k for _, k in naive])}
    for name, result in runs.items():
        for lang, row in result.items():
            print(f"{name:14} {lang:3} " + json.dumps(row))


if __name__ == "__main__":
    main()

"""Leave one source out: fit the combined tagger on every other labelled development set and measure it
on the one left out, in turn. Each set was written by a different author (or is the sample study's
own coding), so this estimates how the tagger does on statements written by someone it has not learned
from, which plain k-fold cross-validation over one author's statements overestimates (by about 0.08 in
round 2). Held-out and public sets are never used here.

Run: ``.venv/bin/python tools/cv_sources.py src/fivep/data/training/statements.jsonl`` (the built training
set: statements are grouped by the source their id names, ``tr2_en:...``, and those that do not calibrate the
combination are always in training), or with separate files ``SET.jsonl SET.jsonl ... [--extra TUNED.jsonl]``.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def main() -> None:
    from fivep.coding import combine
    from fivep.coding.codebook import load_codebook
    from fivep.coding.evaluate import naive_tag, read_statements, score_statements
    from fivep.coding.tagger import Tagger

    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--extra", nargs="*", type=Path, default=[],
                        help="Sets always in training, never measured (keywords were tuned on them).")
    parser.add_argument("--beta", type=float, default=combine.BETA)
    parser.add_argument("--c-semantic", type=float, default=combine.C_SEMANTIC)
    parser.add_argument("--c-kind", type=float, default=combine.C_KIND)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    combine.BETA, combine.C_SEMANTIC, combine.C_KIND = args.beta, args.c_semantic, args.c_kind
    codebook = load_codebook("5p")
    sets: dict[str, list] = {}
    extra = [replace(s, calibrate=False) for path in args.extra for s in read_statements(path, codebook)]
    for path in args.files:
        for s in read_statements(path, codebook):
            if not s.calibrate:
                extra.append(s)
            else:
                sets.setdefault(s.id.split(":")[0] if ":" in s.id else path.stem, []).append(s)
    tagger = Tagger(codebook)
    out: dict[str, object] = {}
    pooled: list[tuple[object, set[str], str]] = []
    for name, held in sets.items():
        train = [*extra, *(s for other, items in sets.items() if other != name for s in items)]
        tagger.model = combine.fit_model(tagger.index, tagger.rules, train)
        results = tagger.tag_many([s.text for s in held])
        naive = [naive_tag(s.text) for s in held]
        runs = {"fivep": score_statements(held, [{c.dimension for c in r.codes} for r in results],
                                          [r.kind for r in results]),
                "naive": score_statements(held, [d for d, _ in naive], [k for _, k in naive])}
        pooled += [(s, {c.dimension for c in r.codes}, r.kind) for s, r in zip(held, results, strict=True)]
        for run, result in runs.items():
            for lang, row in result.items():
                print(f"{name:14} {run:6} {lang:3} " + _row(row), flush=True)
        out[name] = runs
    total = score_statements([p[0] for p in pooled], [p[1] for p in pooled], [p[2] for p in pooled])  # type: ignore[misc]
    for lang, row in total.items():
        print(f"{'POOLED':14} {'fivep':6} {lang:3} " + _row(row))
    out["pooled"] = total
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


def _row(row: dict[str, object]) -> str:
    keys = ("n", "precision", "recall", "f1", "kind_accuracy", "uncoded")
    return " ".join(f"{k[:4]} {row.get(k)}" for k in keys if k in row) + " | " + " ".join(
        f"{d[:4]} {v}" for d, v in dict(row.get("per_p", {})).items())  # type: ignore[call-overload]


if __name__ == "__main__":
    main()

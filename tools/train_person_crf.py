"""Train the CRF name labeller of ``fivep.privacy.learned`` and measure it by cross-validation.

    .venv/bin/python tools/train_person_crf.py --cv        # leave-one-file-out figures, no model written
    .venv/bin/python tools/train_person_crf.py              # train on all five files, write the model

Training data: ``tests/data/privacy/{dev,dev2,heldout,heldout2,train3}.jsonl`` only (never ``heldout3``, the
test set). Each non-space token is labelled B / I (inside a PERSON span) or O. The model is written to
``src/fivep/data/privacy/person.crfsuite``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pycrfsuite

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fivep.privacy import detect
from fivep.privacy.detect import RECOGNIZERS
from fivep.privacy.learned import MODEL, find_learned_names, line_items

DATA = ROOT / "tests" / "data" / "privacy"
FILES = ("dev", "dev2", "heldout", "heldout2", "train3")
OUT = ROOT / "src" / "fivep" / "data" / "privacy" / MODEL
PARAMS = {"c1": 0.2, "c2": 0.2, "max_iterations": 200, "feature.possible_transitions": True}


def load(name: str) -> list[dict]:
    rows = []
    for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def sequence(row: dict) -> tuple[list[list[str]], list[str]]:
    tokens, feats = line_items(row["text"])
    people = [(e["start"], e["end"]) for e in row["entities"] if e["type"] == "PERSON"]
    labels: list[str] = []
    previous: tuple[int, int] | None = None
    for start, end, _ in tokens:
        inside = next(((a, b) for a, b in people if start < b and a < end), None)
        labels.append("O" if inside is None else "I" if inside == previous else "B")
        previous = inside
    return feats, labels


def train(rows: list[dict], path: Path, params: dict) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for row in rows:
        feats, labels = sequence(row)
        if feats:
            trainer.append(feats, labels)
    trainer.set_params(params)
    trainer.train(str(path))


def score(rows: list[dict], rule_spans: list[list], model_spans: list[list]) -> dict[str, Counter]:
    """Recall and precision counts as in tests/test_privacy_eval.py, for the rules alone, the model
    alone (PERSON) and their union."""
    out = {k: Counter() for k in ("rules", "model", "union")}
    for row, rules, model in zip(rows, rule_spans, model_spans, strict=True):
        union = rules + [m for m in model if not any(m.start < r.end and r.start < m.end for r in rules)]
        for name, spans in (("rules", rules), ("model", model), ("union", union)):
            c = out[name]
            for e in row["entities"]:
                hit = any(s.start < e["end"] and e["start"] < s.end for s in spans)
                c["gold"] += 1
                c["found"] += hit
                if e["type"] == "PERSON":
                    c["gold_person"] += 1
                    c["found_person"] += hit
            for s in spans:
                ok = any(s.start < e["end"] and e["start"] < s.end for e in row["entities"])
                c["det"] += 1
                c["right"] += ok
                if s.type == "PERSON":
                    c["det_person"] += 1
                    c["right_person"] += ok
    return out


def _fmt(c: Counter) -> str:
    def r(a: str, b: str) -> str:
        return f"{c[a] / c[b]:.3f}" if c[b] else "-"
    return (f"recall {r('found', 'gold')} ({c['found']}/{c['gold']}), precision {r('right', 'det')}; "
            f"PERSON recall {r('found_person', 'gold_person')} ({c['found_person']}/{c['gold_person']}), "
            f"precision {r('right_person', 'det_person')} ({c['right_person']}/{c['det_person']})")


def cross_validate(params: dict, thresholds: list[float], show_misses: bool) -> None:
    data = {name: load(name) for name in FILES}
    rules_only = {k: v for k, v in RECOGNIZERS.items() if k != "learned_name"}
    rule_spans = {name: [detect(r["text"], recognizers=rules_only) for r in rows] for name, rows in data.items()}
    totals = {t: {k: Counter() for k in ("rules", "model", "union")} for t in thresholds}
    with tempfile.TemporaryDirectory() as tmp:
        for held in FILES:
            path = Path(tmp) / f"{held}.crfsuite"
            train([r for name in FILES if name != held for r in data[name]], path, params)
            tagger = pycrfsuite.Tagger()
            tagger.open(str(path))
            for t in thresholds:
                model = [list(find_learned_names(r["text"], threshold=t, tagger=tagger)) for r in data[held]]
                result = score(data[held], rule_spans[held], model)
                print(f"[{held} held out, threshold {t}]")
                for k, c in result.items():
                    print(f"  {k:5}: {_fmt(c)}")
                    totals[t][k].update(c)
                if show_misses and t == thresholds[0]:
                    for row, rules, spans in zip(data[held], rule_spans[held], model, strict=True):
                        both = rules + spans
                        for e in row["entities"]:
                            if not any(s.start < e["end"] and e["start"] < s.end for s in both):
                                print("    MISS", e["type"], e["text"], "|", row["text"][:90])
                        for s in spans:
                            if not any(s.start < e["end"] and e["start"] < s.end for e in row["entities"]):
                                print("    FALSE", s.text, "|", row["text"][:90])
    for t in thresholds:
        print(f"== all folds, threshold {t}")
        for k, c in totals[t].items():
            print(f"  {k:5}: {_fmt(c)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cv", action="store_true", help="leave-one-file-out cross-validation only")
    parser.add_argument("--thresholds", default="0.05", help="comma-separated marginal thresholds for --cv")
    parser.add_argument("--c1", type=float, default=PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=PARAMS["c2"])
    parser.add_argument("--misses", action="store_true", help="print misses and false alarms (first threshold)")
    args = parser.parse_args()
    params = dict(PARAMS, c1=args.c1, c2=args.c2)
    if args.cv:
        cross_validate(params, [float(t) for t in args.thresholds.split(",")], args.misses)
        return
    train([r for name in FILES for r in load(name)], OUT, params)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()

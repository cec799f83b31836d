"""Build fivep's training statements (``src/fivep/data/training/statements.jsonl``) from labelled
development sets (JSON Lines with ``text`` and either ``dimensions`` or sub-``codes``, and ``kind``).

Only development sets go in: never a held-out or public set. The result keeps, per statement, the
text, its language, its 5P dimensions and its kind; :mod:`fivep.coding.combine` learns the tagger's
semantic model and its calibration from it and the codebook's prototypes.

Run (round 3): ``.venv/bin/python tools/build_training_set.py tests/data/tagger/dev.jsonl tests/data/tagger/heldout.jsonl
tr1_th.jsonl tr2_en.jsonl tr3_mix.jsonl tr4_en_report.jsonl tr5_th_report.jsonl tr6_en_report.jsonl tr7_th_report.jsonl
tr8_report_mix.jsonl tr9_th_prose.jsonl tr10_en_prose.jsonl tr11_mixed_prose.jsonl --tuned tests/data/tagger/dev_segments.jsonl --study data/sample``. The eleven ``tr*`` sets were written outside
the repository by writers who never saw it; every statement keeps its set in its id (``tr2_en:tr2-en-001``), so
the built file is the record of them and ``tools/cv_sources.py`` can leave each writer out in turn.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from fivep.coding.codebook import load_codebook
    from fivep.coding.evaluate import read_statements

    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--study", type=Path, default=None,
                        help="Also the respondent segments of this study's tuning documents (not its [evaluation] "
                             "holdout), with the dimensions its coder --coder gave them; they calibrate the "
                             "combination too, the only long interview turns among the training statements.")
    parser.add_argument("--coder", default="coder_a")
    parser.add_argument("--tuned", nargs="*", type=Path, default=[],
                        help="Sets the keyword lists were tuned on: they train the semantic model but do not "
                             "calibrate the combination (their rule evidence is optimistic).")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "fivep" / "data" / "training" / "statements.jsonl")
    args = parser.parse_args()
    codebook = load_codebook("5p")
    rows = []
    for path in [*args.files, *args.tuned]:
        for item in read_statements(path, codebook):
            rows.append({"id": f"{path.stem}:{item.id}", "lang": item.lang, "text": item.text,
                         "dimensions": sorted(item.dimensions), "kind": item.kind,
                         "calibrate": path not in args.tuned})
    if args.study is not None:
        rows += study_rows(args.study, args.coder)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} statements -> {args.out}")


def study_rows(folder: Path, coder: str) -> list[dict[str, object]]:
    import shutil
    import tempfile

    from fivep import Study
    from fivep.coding.nlp import detect_language

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / folder.name
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".fivep"))
        study = Study.open(target)
        study.ingest()
        codebook = study.codebook()
        codings = study.store.codings(coder)
        kinds = study.store.segment_kinds(coder)
        documents = {c.doc_id for c in codings} - set(study.config.holdout)
        dims: dict[str, set[str]] = {}
        for c in codings:
            if c.segment_id and c.code_id in codebook and codebook[c.code_id].dimension != "actor":
                dims.setdefault(c.segment_id, set()).add(codebook[c.code_id].dimension)
        rows: list[dict[str, object]] = [
            {"id": f"{folder.name}:{s.id}", "lang": detect_language(s.text), "text": s.text,
             "dimensions": sorted(dims.get(s.id, set())), "kind": kinds.get(s.id, "other"),
             "calibrate": True}
            for s in study.segments() if s.doc_id in documents]
        study.close()
    return rows


if __name__ == "__main__":
    main()

"""Tagging throughput against bare tokenisation of the same text with the same engine.

The sample study's respondent segments are replicated to at least 5 MB of text. In one run, and in
alternating rounds (the machines are noisy), the benchmark times

- bare tokenisation: the tagger's own Thai tokenizer (same engine, same merged dictionary) over every
  segment; English segments through the same spaCy tokenizer the tagger uses;
- tagging: :meth:`fivep.coding.rules.RuleTagger.tag` over every segment;
- whole processes: ``fivep tag --rules-only FILE`` against a bare nlpo3 process segmenting the same file;
- the default tagger (rules + sentence encoder + model) against the bare cost of its parts (nlpo3
  tokenisation plus the bare encoder: the encoder package's own pass) on ``--default-mb`` of the same text,
  and against the same parts with fivep's own pass of the encoder;

and reports characters per second for both, their ratio (the issue asks for >= 0.5; the median of the
rounds, each round interleaving the two in chunks of 200 segments), and the peak resident memory of
the process.

Run: ``.venv/bin/python benchmarks/bench_tagging.py [--mb 5] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]


def corpus(mb: float) -> list[str]:
    from fivep import Study

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "sample"
        shutil.copytree(ROOT / "data" / "sample", target, ignore=shutil.ignore_patterns(".fivep"))
        study = Study.open(target)
        study.ingest()
        texts = [s.text for s in study.segments()]
        study.close()
    out: list[str] = []
    size = 0
    while size < mb * 1_000_000:
        for text in texts:
            out.append(text)
            size += len(text.encode("utf-8"))
    return out


def whole_process(texts: list[str], engine: str) -> dict[str, float]:
    """Rules-only ``fivep tag`` as a whole process against a bare nlpo3 process over the same file."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "lines.txt"
        source.write_text("\n".join(" ".join(t.split()) for t in texts) + "\n", encoding="utf-8")
        bare = ("import sys, nlpo3\nfrom fivep.coding.nlp import _base_words\n"
                "p = sys.argv[1] + '.dict'\nopen(p, 'w', encoding='utf-8').write('\\n'.join(sorted(_base_words())))\n"
                "nlpo3.load_dict(p, 'bare')\n"
                "for line in open(sys.argv[1], encoding='utf-8'): nlpo3.segment(line, 'bare', False)\n")
        timings = {}
        for name, command in (("nlpo3_process_s", [sys.executable, "-c", bare, str(source)]),
                              ("rules_only_process_s", [sys.executable, "-m", "fivep.cli", "tag", str(source),
                                                        "--rules-only", "--engine", engine])):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
            timings[name] = round(time.perf_counter() - start, 2)
    timings["ratio_rules_only_process_to_nlpo3_process"] = round(timings["nlpo3_process_s"]
                                                                  / timings["rules_only_process_s"], 3)
    return timings


def default_against_parts(texts: list[str]) -> dict[str, float]:
    """The default tagger against the bare cost of its parts: nlpo3 tokenisation plus the bare encoder."""
    from fivep.coding.codebook import load_codebook
    from fivep.coding.embed import USEEmbedder
    from fivep.coding.tagger import Tagger

    tagger = Tagger(load_codebook("5p"))
    tokenize = tagger.rules.analyzer.tokenizer.tokenize
    package = USEEmbedder()._model   # the encoder package as shipped: its own float32 pass
    own = USEEmbedder()              # fivep's pass over the same weights, nothing remembered
    tagger.tag_many(texts[:5])
    package.encode(texts[:5])
    own._encode(list(texts[:5]))
    start = time.perf_counter()
    for text in texts:
        tokenize(text)
    tokens = time.perf_counter() - start
    start = time.perf_counter()
    package.encode(list(texts))
    bare = time.perf_counter() - start
    start = time.perf_counter()
    own._encode(list(texts))
    fivep_pass = time.perf_counter() - start
    tagger.index.embedder._memory.clear()   # type: ignore[attr-defined]
    start = time.perf_counter()
    tagger.tag_many(texts)
    full = time.perf_counter() - start
    return {"parts_s": round(tokens + bare, 2), "default_tag_s": round(full, 2),
            "ratio_default_to_parts": round((tokens + bare) / full, 3),
            "parts_with_fivep_pass_s": round(tokens + fivep_pass, 2),
            "ratio_default_to_parts_with_fivep_pass": round((tokens + fivep_pass) / full, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engine", default="nlpo3")
    parser.add_argument("--default-mb", type=float, default=0.3,
                        help="Text for the default tagger against its parts (the encoder is slow).")
    args = parser.parse_args()

    from fivep.coding.codebook import load_codebook
    from fivep.coding.nlp import THAI, detect_language
    from fivep.coding.rules import RuleTagger

    texts = corpus(args.mb)
    chars = sum(len(t) for t in texts)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    tagger = RuleTagger(load_codebook("5p"), engine=args.engine)
    tokenize = tagger.analyzer.tokenizer.tokenize
    english = tagger.analyzer.english.tokens
    tagger.tag(texts[0])

    def bare(chunk: list[str]) -> None:
        for text in chunk:
            if THAI.search(text):
                tokenize(text)
            if detect_language(text) == "en":
                english(text)

    def tag(chunk: list[str]) -> None:
        for text in chunk:
            tagger.tag(text)

    # Interleave the two at a fine grain (chunks of 200 segments) so that both see the same machine
    # load; each round gives one ratio, and the median round is reported.
    chunks = [texts[i : i + 200] for i in range(0, len(texts), 200)]
    rounds: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        spent = {"tokenise": 0.0, "tag": 0.0}
        for chunk in chunks:
            for name, func in (("tokenise", bare), ("tag", tag)):
                start = time.perf_counter()
                func(chunk)
                spent[name] += time.perf_counter() - start
        rounds.append((spent["tokenise"], spent["tag"]))
    rounds.sort(key=lambda r: r[0] / r[1])
    tokenise_s, tag_s = rounds[len(rounds) // 2]
    best = {"tokenise": tokenise_s, "tag": tag_s}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "engine": tagger.analyzer.tokenizer.engine,
        "segments": len(texts),
        "megabytes": round(nbytes / 1e6, 2),
        "characters": chars,
        "tokenise_chars_per_s": round(chars / best["tokenise"]),
        "tag_chars_per_s": round(chars / best["tag"]),
        "ratio_tag_to_tokenise": round(best["tokenise"] / best["tag"], 3),
        "peak_rss_mb": round(peak_mb, 1),
        "rounds": args.rounds,
        "ratio_per_round": [round(a / b, 3) for a, b in rounds],
        "python": sys.version.split()[0],
    }
    result["whole_process"] = whole_process(texts, args.engine)
    result["default_tagger"] = default_against_parts(corpus(args.default_mb))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

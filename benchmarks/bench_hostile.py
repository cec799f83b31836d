"""Hostile sizes: tagging time against statement length, and the peak memory of each reader at its limit.

1. **Tagging is linear in a statement's length.** One statement made of the sample study's
   respondent statements joined with spaces is tagged at 1 KB to 2 MB (UTF-8); the benchmark reports
   microseconds per KB at each size and the ratio of the largest to the smallest per-KB time (1.0 =
   perfectly linear; the issue's quadratic step gave 76 s at 800 KB), for the sample's statements and
   for a keyword-dense passage repeated. The baseline is the old quadratic longest-match step
   (``_longest`` scanning every kept hit for each hit), timed on the keyword-dense text up to 256 KB.
2. **Each reader's peak memory is bounded.** In a fresh child process per file, the peak resident
   memory (``VmHWM``, reset after the imports) of reading one file at (or near) its limit, minus the
   memory in use before it: ``.txt`` (50 MB of transcript), ``.docx`` (``document.xml`` near its 32 MB limit,
   as text and as the worst case of tiny elements),
   ``.odt`` (``content.xml`` near its 16 MB limit), ``.xlsx`` roster (sheet near its 16 MB limit), a
   ``.qdpx`` (sources near the 256 MB read limit would be too slow on the project machines: 64 MB),
   and tagging a 2 MB statement.

Run: ``.venv/bin/python benchmarks/bench_hostile.py [--max-kb 2048] [--rounds 3] [--skip-memory]``.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
TURN = "GOV-CM-01: ตอนนั้นเด็กส่วนใหญ่มาจากชายแดน เราต้องประสานกับ พม. และตำรวจหลายหน่วย ใช้เวลานานมาก"
DENSE = ("ตอนนั้นเด็กส่วนใหญ่มาจากชายแดน เราต้องประสานกับ พม. และตำรวจหลายหน่วย ที่พักพิง ใช้เวลานานมาก "
         "การคัดแยกผู้เสียหาย ")   # many keywords per KB: the case where the quadratic step took 76 s at 800 KB


def sample_statement() -> str:
    from fivep import Study

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "sample"
        shutil.copytree(ROOT / "data" / "sample", target, ignore=shutil.ignore_patterns(".fivep"))
        study = Study.open(target)
        study.ingest()
        text = " ".join(s.text for s in study.segments() if s.respondent_id)
        study.close()
    return text


def statement_of(base: str, kb: int) -> str:
    out, size = [], 0
    while size < kb * 1024:
        out.append(base)
        size += len(base.encode())
    text = " ".join(out)
    while len(text.encode()) > kb * 1024:
        text = text[: int(len(text) * kb * 1024 / len(text.encode())) - 1]
    return text


def _quadratic_longest(hits: list[Any]) -> list[Any]:
    kept: list[Any] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(hit.start < e and s < hit.end for s, e in taken):
            if any(k.start == hit.start and k.end == hit.end and k.label != hit.label for k in kept):
                kept.append(hit)
            continue
        kept.append(hit)
        taken.append((hit.start, hit.end))
    return sorted(kept, key=lambda h: (h.start, h.end, h.label))


def time_tag(tagger: Any, text: str) -> float:
    """Seconds per call: the median of calls repeated until 0.3 s have passed (at least one call)."""
    times: list[float] = []
    gc.collect()   # each size starts from the same heap (a full collection costs more as the heap grows)
    while not times or sum(times) < 0.3:
        started = time.perf_counter()
        tagger.tag(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def best_of_rounds(tagger: Any, texts: dict[int, str], rounds: int) -> dict[int, float]:
    """Per size, the fastest of ``rounds`` rounds, the sizes interleaved in each round (the machine is shared)."""
    best: dict[int, float] = {}
    for _ in range(rounds):
        for kb, text in texts.items():
            seconds = time_tag(tagger, text)
            best[kb] = min(best.get(kb, seconds), seconds)
    return best


def tagging(sample: str, max_kb: int, rounds: int) -> dict[str, Any]:
    from fivep.coding import nlp
    from fivep.coding.codebook import load_codebook
    from fivep.coding.rules import RuleTagger

    tagger = RuleTagger(load_codebook("5p"))
    sizes = [kb for kb in (1, 4, 16, 64, 256, 512, 1024, 2048) if kb <= max_kb]
    out: dict[str, Any] = {}
    for name, base in (("sample statements", sample), ("keyword-dense", DENSE)):
        texts = {kb: statement_of(base, kb) for kb in sizes}
        for text in texts.values():
            tagger.tag(text)   # warm the tokenizer caches once
        best = best_of_rounds(tagger, texts, rounds)
        rows = [{"kb": kb, "seconds": round(best[kb], 4), "us_per_kb": round(best[kb] / kb * 1e6, 1),
                 "codes": len(tagger.tag(texts[kb]).codes)} for kb in sizes]
        per_kb = [r["us_per_kb"] for r in rows if r["kb"] >= 16]
        out[name] = {"sizes": rows, "ratio_largest_to_16kb": round(per_kb[-1] / per_kb[0], 2) if per_kb else None}
    linear = nlp._longest
    try:
        nlp._longest = _quadratic_longest
        slow = best_of_rounds(tagger, {kb: statement_of(DENSE, kb) for kb in (16, 64, 128, 256)}, 1)
    finally:
        nlp._longest = linear
    baseline = [{"kb": kb, "seconds": round(s, 3), "us_per_kb": round(s / kb * 1e6, 1)} for kb, s in slow.items()]
    out["quadratic baseline (keyword-dense)"] = {
        "sizes": baseline, "ratio_256kb_to_16kb": round(baseline[-1]["us_per_kb"] / baseline[0]["us_per_kb"], 1)}
    return out


# --- memory per reader -------------------------------------------------------------------------------------------

CHILD = r"""
import json, os, sys, time
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
kind, path = sys.argv[1], sys.argv[2]

def rss(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) // 1024

from fivep.ingest.readers import read_transcript
from fivep.ingest.roster import read_roster
from fivep.exchange.reader import read_qdpx
import docx, odf.opendocument, openpyxl, lxml.etree  # imported before the baseline is taken
if kind == "tag":
    from fivep.coding.codebook import load_codebook
    from fivep.coding.rules import RuleTagger
    tagger = RuleTagger(load_codebook("5p"))
    tagger.tag("GOV-CM-01: เริ่ม")
    text = open(path, encoding="utf-8").read()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")   # reset the peak (VmHWM) to the memory now in use: the peak of the read alone
before = rss("VmRSS:")
started = time.perf_counter()
if kind == "roster":
    result = len(read_roster(path))
elif kind == "qdpx":
    result = len(read_qdpx(path).sources)
elif kind == "tag":
    result = len(tagger.tag(text).codes)
else:
    result = len(read_transcript(path).paragraphs)
after = rss("VmHWM:")
print(json.dumps({"baseline_mb": before, "peak_mb": after, "delta_mb": after - before,
                  "seconds": round(time.perf_counter() - started, 1), "result": result}))
"""


def speech(mb: float, words: list[str], line: str = "{}\n") -> str:
    """About ``mb`` MB of statements of random words (compressing like real text, about 4 times)."""
    rng = random.Random(5)
    out, size = [], 0
    while size < mb * 2**20:
        piece = line.format("GOV-CM-01: " + " ".join(rng.choices(words, k=rng.randint(8, 40))))
        out.append(piece)
        size += len(piece.encode())
    return "".join(out)


def _grown(package: bytes, member: str, before: str, paragraphs: str) -> bytes:
    """``package`` with ``paragraphs`` inserted in ``member`` before ``before``."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = data.decode().replace(before, paragraphs + before, 1).encode()
            archive.writestr(info, data)
    return out.getvalue()


def _docx(xml_mb: float, words: list[str]) -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return _grown(buffer.getvalue(), "word/document.xml", "<w:sectPr",
                  speech(xml_mb, words, "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"))


def _odt(xml_mb: float, words: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text=TURN))
    buffer = io.BytesIO()
    document.save(buffer)
    return _grown(buffer.getvalue(), "content.xml", "</office:text>", speech(xml_mb, words, "<text:p>{}</text:p>"))


def _xlsx(xml_mb: float, words: list[str]) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(5)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("roster")
    sheet.append(["respondent_id", "group", "sex", "age", "province", "role"])
    row_bytes = 900   # a row of this sheet in the XML, about
    for i in range(int(xml_mb * 2**20 / row_bytes)):
        sheet.append([f"R{i:07d}", "ngo", "F", 20 + i % 50, "Chiang Mai", " ".join(rng.choices(words, k=6))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _qdpx(total_mb: float, words: list[str]) -> bytes:
    per_source = 4 * 2**20
    n = int(total_mb * 2**20 / per_source)
    text = speech(per_source / 2**20, words)
    sources = "".join(f'<TextSource guid="00000000-0000-4000-8000-{i:012d}" name="s{i}" '
                      f'plainTextPath="internal://s{i}.txt"/>' for i in range(n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:'
                                        f'project:1.0" name="big"><Sources>{sources}</Sources></Project>')
        for i in range(n):
            archive.writestr(f"sources/s{i}.txt", text)
    return out.getvalue()


def memory(folder: Path, words: list[str]) -> dict[str, Any]:
    cases: dict[str, tuple[str, str, Any]] = {
        "txt 50 MB": ("transcript", "t.txt", lambda: speech(50, words).encode()),
        "docx, XML 31 MB (limit 32)": ("transcript", "t.docx", lambda: _docx(31, words)),
        "docx, XML 31 MB of empty paragraphs (the worst case under the ratio limit)": (
            "transcript", "w.docx", lambda: _grown(_docx(0, words), "word/document.xml", "<w:sectPr", "".join(
                f'<w:p w:rsidR="{random.Random(i).getrandbits(32):08X}"/>' for i in range(31 * 2**20 // 26)))),
        "odt, XML 15 MB (limit 16)": ("transcript", "t.odt", lambda: _odt(15, words)),
        "xlsx roster, XML 15 MB (limit 16)": ("roster", "respondents.xlsx", lambda: _xlsx(15, words)),
        "qdpx, 64 MB of sources (limit 256)": ("qdpx", "p.qdpx", lambda: _qdpx(64, words)),
        "tagging one 2 MB statement": ("tag", "s.txt", lambda: speech(2, words, "{} ").encode()),
    }
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    out: dict[str, Any] = {}
    for name, (kind, file_name, make) in cases.items():
        path = folder / file_name
        path.write_bytes(make())
        done = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True,
                              env=env, check=False)
        if done.returncode != 0:
            out[name] = {"error": done.stderr.strip().splitlines()[-1:]}
        else:
            out[name] = {"file_mb": round(path.stat().st_size / 2**20, 1), **json.loads(done.stdout)}
        print(name, out[name], file=sys.stderr, flush=True)
        path.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-kb", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    base = sample_statement()
    result: dict[str, Any] = {}
    if not args.skip_memory:
        with tempfile.TemporaryDirectory() as tmp:
            result["memory"] = memory(Path(tmp), sorted(set(base.split())))
    result["tagging"] = tagging(base, args.max_kb, args.rounds)
    print(json.dumps(result["tagging"], indent=1), file=sys.stderr, flush=True)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""Write a synthetic study of a given size, built from the sample study's plain-text transcripts.

Every statement is unique (each respondent turn is the turn of a sample transcript followed by one
sentence of another turn in the same language, drawn at random), every speaker resolves to a roster row
(each copy of a transcript gets its own respondents), and the roster keeps the sample's groups, sexes,
provinces and ages. The text is fictional, like the sample it comes from.

Run: ``.venv/bin/python benchmarks/make_corpus.py OUT --mb 10 [--seed 7]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.DOTALL)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s{2,}|(?<=[ะาิีึืุู่้๊๋ํ์ๆ])\s(?=[ก-ฮ])")


def _transcripts() -> list[tuple[dict, list[tuple[str, str]]]]:
    """Front matter and (label, body) lines of every .txt transcript of the sample."""
    found = []
    for path in sorted((SAMPLE / "transcripts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        match = _FRONT.match(text)
        if match is None:
            continue
        meta = yaml.safe_load(match.group(1))
        lines = [line for line in text[match.end():].split("\n\n") if line.strip()]
        found.append((meta, [_split_label(line) for line in lines]))
    return found


def _split_label(line: str) -> tuple[str, str]:
    """``'[00:01] P1: text'`` -> ``('[00:01] P1', 'text')``; a line without a label keeps an empty one."""
    head, sep, body = line.partition(": ")
    return (head, body) if sep and len(head) < 60 else ("", line)


def _sentences(texts: list[str]) -> list[str]:
    pieces = [p.strip() for text in texts for p in _SENTENCE.split(text)]
    return [p for p in pieces if len(p) > 20]


def make_corpus(out: Path, megabytes: float, seed: int = 7) -> dict[str, int]:
    """Write the study into ``out`` (which must not exist) and return its counts."""
    if out.exists():
        raise SystemExit(f"{out} exists: give a new folder")
    rng = random.Random(seed)
    roster = {row["respondent_id"]: row for row in csv.DictReader(
        (SAMPLE / "respondents.csv").open(encoding="utf-8"))}
    sources = _transcripts()
    pool = {lang: _sentences([b for meta, lines in sources if meta.get("language") == lang for _, b in lines])
            for lang in {meta.get("language") for meta, _ in sources}}
    (out / "transcripts").mkdir(parents=True)
    shutil.copy(SAMPLE / "study.toml", out / "study.toml")
    fields = list(next(iter(roster.values())).keys())
    rows: list[dict[str, str]] = []
    target = int(megabytes * 1_000_000)
    written = statements = documents = 0
    copy = 0
    while written < target:
        copy += 1
        for meta, lines in sources:
            if written >= target:
                break
            suffix = f"S{copy:05d}"
            doc_id = f"{meta['id']}-{suffix}"
            speakers = {}
            for label, who in (meta.get("speakers") or {}).items():
                if who in roster:
                    new_id = f"{who}-{suffix}"
                    rows.append({**roster[who], "respondent_id": new_id, "session_id": doc_id})
                    speakers[label] = new_id
                else:
                    speakers[label] = who
            body = []
            for head, text in lines:
                label = re.sub(r"^[\[(][^\])]*[\])]\s*", "", head)
                if label in roster:  # a transcript that labels turns with roster ids
                    if label not in speakers.values() and f"{label}-{suffix}" not in speakers.values():
                        rows.append({**roster[label], "respondent_id": f"{label}-{suffix}", "session_id": doc_id})
                        speakers.setdefault(f"@{label}", f"{label}-{suffix}")
                    head = head[: len(head) - len(label)] + f"{label}-{suffix}"
                if head and not head.endswith(tuple(k for k, v in speakers.items() if v == "interviewer")):
                    text = f"{text} {rng.choice(pool[meta.get('language')])}"
                    statements += 1
                body.append(f"{head}: {text}" if head else text)
            front = {**meta, "id": doc_id,
                     "speakers": {k: v for k, v in speakers.items() if not k.startswith("@")}}
            content = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + \
                "\n\n".join(body) + "\n"
            (out / "transcripts" / f"{doc_id}.txt").write_text(content, encoding="utf-8")
            written += len(content.encode("utf-8"))
            documents += 1
    with (out / "respondents.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return {"bytes": written, "documents": documents, "statements": statements, "respondents": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=10.0, help="size of the transcripts in MB")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(make_corpus(args.out, args.mb, args.seed))


if __name__ == "__main__":
    main()

"""The main job, ``fivep run``: every step of the flow, one after another, into one folder.

ingest -> code -> analyse (demographics, codings, framework matrix, agreement) -> topics -> reports.
Each step is a library call; this module only sequences them and reports progress.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivep.cells import safe_frame


@dataclass
class RunResult:
    out: Path
    outputs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def run_study(study_path: str | Path, out: str | Path, *, console: Any = None, topics: bool = True,
              step: Callable[[str], None] | None = None, redact: bool = True) -> RunResult:
    """Run every step on the study and write the outputs into ``out``.

    With ``redact=True`` (the default) every text written (coded statements in the framework matrix,
    evidence, topic examples, report quotes) passes the identifier filter
    (:func:`fivep.privacy.redact.redact_text`): the outputs are meant to be shared.
    """
    import time

    from fivep.analysis.demographics import demographics
    from fivep.study import Study

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    study = Study.open(study_path)
    result = RunResult(out)

    def say(text: str) -> None:
        if step is not None:
            step(text)
        elif console is not None:
            console.print(text)

    clock = time.perf_counter()

    def done(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = round(now - clock, 2)
        clock = now

    try:
        say("ingesting transcripts and roster")
        report = study.ingest()
        done("ingest")
        for warning in report.warnings:
            say(f"warning: {warning}")
        say(f"ingested {report.documents} documents, {report.turns} turns, {report.segments} segments; "
            f"{report.speaking} of {report.respondents} respondents speak")
        demo = demographics(study.read_roster(), study.config.group_sets, min_cell=study.config.min_cell)
        _write_json(out / "demographics.json", demo)
        result.outputs.append("demographics.json")
        if console is not None:
            from fivep.report.tables import print_demographics

            print_demographics(demo, console, labels=study.config.group_labels)

        say("coding every respondent statement with the 5P codebook")
        coder, n = study.code()
        from fivep.report.exports import write_codings_csv

        text_filter = _redactor() if redact else None
        write_codings_csv(study, out / "codings.csv", text_filter=text_filter)
        result.outputs.append("codings.csv")
        done("code")
        say(f"{n} codings by {coder}")

        say("analysing: frequencies by group, framework matrix, agreement")
        from fivep.analysis.frequencies import framework_matrix, study_frame, write_framework_xlsx

        frame = study_frame(study, coder)
        if text_filter is not None:
            frame = frame.assign(text=frame["text"].map(text_filter))
        write_framework_xlsx(framework_matrix(frame, study.read_roster()), out / "framework_matrix.xlsx")
        result.outputs.append("framework_matrix.xlsx")
        agreement = _agreement(study, out, result)
        done("analyse")

        if topics:
            say("exploring topics (BERTopic)")
            _topics(study, out, result, text_filter)
            done("topics")

        from fivep.report.build import write_study_report

        languages = ["en"] + (["th"] if "th" in study.config.languages else [])
        for lang in languages:
            name = "report.docx" if lang == "en" else "report_th.docx"
            say(f"writing {name}")
            write_study_report(study, out / name, lang=lang, figures_dir=out / "figures", agreement=agreement)
            result.outputs.append(name)
        result.outputs.append("figures/")
        done("report")
    finally:
        study.close()
    return result


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def _agreement(study: Any, out: Path, result: RunResult) -> Any:
    from fivep.coding.reliability import study_agreement
    from fivep.errors import InputError
    humans = study.human_coders()
    if len(humans) < 2:
        return None
    try:
        table = study_agreement(study, humans[:2], levels=("dimension",), n_boot=300)
    except InputError:
        return None
    safe_frame(table).to_csv(out / "agreement.csv", index=False)
    result.outputs.append("agreement.csv")
    return table


def _redactor() -> Callable[[str], str]:
    """The identifier filter, remembering texts it has already seen."""
    from functools import lru_cache

    from fivep.privacy.redact import redact_text

    return lru_cache(maxsize=None)(redact_text)


def _topics(study: Any, out: Path, result: RunResult, text_filter: Callable[[str], str] | None) -> None:
    from fivep.coding.topics import study_topics

    data = study_topics(study).to_json()
    if text_filter is not None:
        for topic in data.get("topics", []):
            for example in topic.get("representatives", []):
                example["text"] = text_filter(example["text"])
    _write_json(out / "topics.json", data)
    result.outputs.append("topics.json")

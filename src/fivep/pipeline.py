"""The main job, ``fivep run``: every step of the flow, one after another, into one folder."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RunResult:
    out: Path
    outputs: list[str] = field(default_factory=list)


def run_study(study_path: str | Path, out: str | Path, *, console: Any = None) -> RunResult:
    """Ingest the study and write its outputs into ``out``."""
    from fivep.analysis.demographics import demographics
    from fivep.study import Study

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    study = Study.open(study_path)
    result = RunResult(out)
    try:
        report = study.ingest()
        if console is not None:
            console.print(f"ingested {report.documents} documents, {report.turns} turns, {report.segments} segments; "
                          f"{report.speaking} of {report.respondents} respondents speak")
        demo = demographics(study.read_roster(), study.config.group_sets, min_cell=study.config.min_cell)
        (out / "demographics.json").write_text(json.dumps(demo, ensure_ascii=False, indent=2), encoding="utf-8")
        result.outputs.append("demographics.json")
        if console is not None:
            from fivep.report.tables import print_demographics

            print_demographics(demo, console, labels=study.config.group_labels)
    finally:
        study.close()
    return result

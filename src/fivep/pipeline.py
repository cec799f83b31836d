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
    #: per step: wall seconds, CPU seconds (this process and its workers) and peak resident MB so far
    steps: dict[str, dict[str, float]] = field(default_factory=dict)


def _cpu_and_peak() -> tuple[float, float]:
    """CPU seconds used by this process and its finished children, and the peak resident MB of either."""
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
    return cpu, max(me.ru_maxrss, children.ru_maxrss) / 1024


#: ``progress(description, total)`` starts a counted task and returns the callback that advances it.
Progress = Callable[[str, int], Callable[[int], None]]


def run_study(study_path: str | Path, out: str | Path, *, console: Any = None, topics: bool = True,
              step: Callable[[str], None] | None = None, redact: bool = True, jobs: int | None = None,
              scheduler: str | None = None, progress: Progress | None = None) -> RunResult:
    """Run every step on the study and write the outputs into ``out``.

    With ``redact=True`` (the default) every text written (coded statements in the framework matrix,
    evidence, topic examples, report quotes) passes the identifier filter
    (:func:`fivep.privacy.redact.redact_text`): the outputs are meant to be shared.

    ``jobs`` and ``scheduler`` choose where the heavy steps (coding, the identifier filter) run: local
    worker processes, or a Dask cluster (see :mod:`fivep.parallel`). ``progress`` shows counts and an
    estimate of the time left for each long step.
    """
    import time

    from fivep.analysis.demographics import demographics, group_set_lines
    from fivep.privacy.private import check_shareable
    from fivep.study import Study

    out = Path(out)
    check_shareable(out, Path(study_path))  # the outputs are for sharing: never the private folder
    out.mkdir(parents=True, exist_ok=True)
    study = Study.open(study_path)
    result = RunResult(out)

    def say(text: str) -> None:
        if step is not None:
            step(text)
        elif console is not None:
            console.print(text)

    clock = time.perf_counter()
    cpu_clock, _ = _cpu_and_peak()

    def done(name: str) -> None:
        nonlocal clock, cpu_clock
        now = time.perf_counter()
        cpu, peak = _cpu_and_peak()
        result.timings[name] = round(now - clock, 2)
        result.steps[name] = {"wall_s": round(now - clock, 2), "cpu_s": round(cpu - cpu_clock, 2),
                              "peak_mb": round(peak, 1)}
        clock, cpu_clock = now, cpu
        _release_memory()

    def counted(description: str, total: int) -> Callable[[Any], None] | None:
        if progress is None:
            return None
        advance = progress(description, total)

        def step_done(done: Any = 1) -> None:  # ingest passes a path (one file), coding a batch size
            advance(done if isinstance(done, int) else 1)

        return step_done

    try:
        say("ingesting transcripts and roster")
        jobs = jobs if jobs is not None else study.config.jobs
        scheduler = scheduler or study.config.scheduler
        report = study.ingest(progress=counted("reading transcripts", len(study.transcript_paths())), jobs=jobs)
        done("ingest")
        for warning in report.warnings:
            say(f"warning: {warning}")
        for note in report.human_notes:
            say(note)
        for orphan in report.orphans:
            say(f"warning: {orphan}")
        say(f"ingested {report.documents} documents, {report.turns} turns, {report.segments} segments; "
            f"{report.speaking} of {report.respondents} respondents speak")
        from fivep.privacy.cells import min_cell

        notes: list[str] = []
        demo = demographics(study.read_roster(), study.config.group_sets, min_cell=min_cell(study), warnings=notes,
                            where=group_set_lines(study.root / "study.toml"))
        for note in notes:
            say(f"warning: {note}")
        _write_json(out / "demographics.json", demo)
        result.outputs.append("demographics.json")
        if console is not None:
            from fivep.report.tables import print_demographics

            print_demographics(demo, console, labels=study.config.group_labels)

        say("coding every respondent statement with the 5P codebook")
        text_filter: _Redactor | None = None

        def filter_statements() -> None:  # independent of the coding: a small study's runs beside it
            nonlocal text_filter
            say("filtering identifiers out of every statement that leaves the machine")
            text_filter = _Redactor(study, jobs=jobs, scheduler=scheduler,
                                    progress=counted("filtering identifiers",
                                                     len({s.text for s in study.segments()})))
            _load_later_steps(study, topics)

        coder, n = study.code(jobs=jobs, scheduler=scheduler, alongside=filter_statements if redact else None,
                              progress=counted("coding statements", len(study.segments())))
        from fivep.privacy.codes import PublicIds
        from fivep.report.exports import write_codings_csv

        ids = PublicIds(study)  # roster and transcript ids name places and groups: shared outputs use codes
        write_codings_csv(study, out / "codings.csv", text_filter=text_filter, ids=ids)
        result.outputs.append("codings.csv")
        done("code")
        say(f"{n} codings by {coder}")

        say("analysing: frequencies by group, framework matrix, agreement")
        from fivep.analysis.frequencies import framework_matrix, study_frame, write_framework_xlsx

        frame = study_frame(study, coder)
        if text_filter is not None:
            frame = frame.assign(text=frame["text"].map(text_filter))
        from fivep.model import Respondent

        held = _held_back(study)
        public = frame.assign(respondent_id=frame["respondent_id"].map(ids.respondent),
                              segment_id=frame["segment_id"].map(ids.segment),
                              text=[held.get(sid, text) for sid, text in zip(frame["segment_id"], frame["text"],
                                                                              strict=True)])
        roster = [Respondent(ids.respondent(r.id), r.group, r.attributes) for r in study.read_roster()]
        write_framework_xlsx(framework_matrix(public, roster), out / "framework_matrix.xlsx")
        result.outputs.append("framework_matrix.xlsx")
        _counts(study, frame, out, result)
        agreement = _agreement(study, out, result)
        del frame, public, roster   # the reports read the study again: what the tables needed can go
        done("analyse")

        if topics:
            say("exploring topics (BERTopic)")
            _topics(study, out, result, text_filter, ids, held)
            done("topics")
        text_filter = None   # every statement filtered, remembered for the tables and topics: not needed now

        from fivep.report.build import study_evidence, write_study_report

        languages = ["en"] + (["th"] if "th" in study.config.languages else [])
        common = study_evidence(study, agreement=agreement)  # read once for both languages
        for lang in languages:
            name = "report.docx" if lang == "en" else "report_th.docx"
            say(f"writing {name}")
            write_study_report(study, out / name, lang=lang, figures_dir=out / "figures", common=common)
            result.outputs.append(name)
        result.outputs.append("figures/")
        done("report")
    finally:
        study.close()
    return result


def _release_memory() -> None:
    """Hand back to the system what a finished step freed, so the next step's peak does not sit on top of
    it: glibc's ``malloc_trim`` (freed small blocks otherwise stay in the process's heap; on the 100 MB
    benchmark corpus the analysis tables' 735 MB fell to 200 MB when freed and to 118 MB trimmed). No
    full collection: it would traverse the million long-lived objects of a run again (0.7 s each on the
    sample study, see ``fivep.cli``); what the steps free, reference counting frees. Elsewhere than glibc
    this does nothing."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _load_later_steps(study: Any, topics: bool) -> None:
    """Import what the analysis, topics and report steps will import anyway (scikit-learn's metrics,
    BERTopic, python-docx; ~3 s): run after the identifier filter, it fills the time this process would
    otherwise wait for a small study's coding worker."""
    import docx  # noqa: F401

    if topics:
        from fivep.coding.topics import bertopic_class

        bertopic_class()
    if topics or len(study.human_coders()) >= 2:  # the agreement table's kappa
        import sklearn.metrics  # noqa: F401


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def _counts(study: Any, frame: Any, out: Path, result: RunResult) -> None:
    """``frequencies.xlsx``: who raised each dimension and each actor, by group, small cells hidden."""
    from fivep.analysis.frequencies import frequencies, suppress_small_cells, write_counts_xlsx
    from fivep.privacy.cells import min_cell

    roster = study.read_roster()
    k = min_cell(study, roster)
    tables = {level: suppress_small_cells(frequencies(frame, by="group", level=level, respondents=roster,
                                                      group_sets=study.config.group_sets), k)
              for level in ("dimension", "actor")}
    write_counts_xlsx(tables, out / "frequencies.xlsx")
    result.outputs.append("frequencies.xlsx")


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


def _redact_batch(decisions: Any, texts: list[str]) -> list[str | None]:
    """The identifier filter on one batch of statements (runs in a worker), with the decisions of the
    study's de-identification review applied (read once by the caller: workers need no study folder).
    A statement the filter leaves as it is comes back as None (most do: nothing to send twice)."""
    from fivep.privacy.quotes import decisions_filter

    apply = decisions_filter(decisions)
    out: list[str | None] = []
    for text in texts:
        filtered = apply(text)
        out.append(None if filtered == text else filtered)
    return out


def _text_key(text: str) -> bytes:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class _Redactor:
    """The identifier filter for everything ``fivep run`` writes: every statement is filtered once, in
    batches spread over the local cores or a Dask cluster; other texts (evidence words, topic examples) are
    filtered when first asked for and remembered. What is remembered is keyed by a digest of the text,
    and only a text the filter changed is kept (on the 100 MB benchmark corpus, the statements and their
    filtered copies would otherwise stay in memory twice over, about 200 MB, until the reports)."""

    def __init__(self, study: Any, *, jobs: int | None, scheduler: str | None,
                 progress: Callable[[int], None] | None = None) -> None:
        from functools import partial

        from fivep.parallel import batched, map_batches, resolve_jobs
        from fivep.privacy.quotes import decisions_filter, review_decisions

        decisions = review_decisions(study.root)
        self._filter = decisions_filter(decisions)
        texts = sorted({segment.text for segment in study.segments()})
        chunks = batched(texts, 200)
        workers = resolve_jobs(jobs, len(texts))
        self._known: dict[bytes, str | None] = {}
        batch = partial(_redact_batch, decisions)
        for chunk, filtered in zip(chunks, map_batches(batch, chunks, jobs=workers, scheduler=scheduler),
                                   strict=True):
            self._known.update(zip(map(_text_key, chunk), filtered, strict=True))
            if progress is not None:
                progress(len(chunk))

    def __call__(self, text: str) -> str:
        key = _text_key(text)
        if key not in self._known:
            filtered = self._filter(text)
            self._known[key] = None if filtered == text else filtered
        found = self._known[key]
        return text if found is None else found


def _held_back(study: Any) -> dict[str, str]:
    """Statements of minors no researcher has approved for quoting: shared tables show a note instead of
    their words (:mod:`fivep.privacy.quotes`)."""
    from fivep.messages import message
    from fivep.privacy.quotes import APPROVALS_NAME, gate

    quotes = gate(study)
    note = message("en", "privacy.held_back", file=APPROVALS_NAME)
    return {sid: note for sid, segment in quotes.segments.items()
            if segment.respondent_id in quotes.minors and not quotes.status(sid, explain=False).allowed}


def _topics(study: Any, out: Path, result: RunResult, text_filter: Callable[[str], str] | None,
            ids: Any = None, held: dict[str, str] | None = None) -> None:
    from fivep.coding.topics import study_topics

    data = study_topics(study).to_json()
    if text_filter is not None:
        for topic in data.get("topics", []):
            for example in topic.get("representatives", []):
                example["text"] = text_filter(example["text"])
    for topic in data.get("topics", []):
        for example in topic.get("representatives", []):
            if held and example.get("segment_id") in held:
                example["text"] = held[example["segment_id"]]
            if ids is not None:
                example["segment_id"] = ids.segment(example.get("segment_id"))
    _write_json(out / "topics.json", data)
    result.outputs.append("topics.json")

"""The ``fivep`` command: a thin shell over the library.

Exit codes: 0 ok, 1 user error (one-line message, no traceback), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from fivep.errors import FivepError

app = typer.Typer(
    name="fivep",
    help="Qualitative research on anti-trafficking work: ingest, code (5P), analyse, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

StudyArg = Annotated[Path, typer.Argument(help="The study folder (study.toml, respondents.csv, transcripts/).")]


def _console(stderr: bool = False) -> Any:
    """A rich console; piped to a file or another program, tables keep their full width (not 80 columns)."""
    import os

    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = 100_000
    return console


def _version(value: bool) -> None:
    if value:
        from fivep import __version__

        typer.echo(f"fivep {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show fivep's version and exit.")] = False) -> None:
    """Qualitative research on anti-trafficking work: ingest, code (5P), analyse, report."""


def handles_errors(func: F) -> F:
    """Turn library errors into a one-line message and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FivepError as error:
            typer.echo(f"fivep: error: {error}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("fivep: interrupted; the store keeps its last complete state", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _progress(total: int, description: str) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=_console(stderr=True), transient=True)
    task = progress.add_task(description, total=total)
    return progress, task


@app.command()
@handles_errors
def ingest(study: StudyArg,
           unit: Annotated[str, typer.Option(help="Segment unit: turn or sentence.")] = "turn",
           format: Annotated[str | None, typer.Option(
               "--format", help="Read every transcript as this format (txt, md, docx, odt, pdf, vtt, srt) "
                                "instead of detecting it.")] = None) -> None:
    """Read the roster and transcripts into the study's store."""
    from fivep.ingest.segments import UNITS
    from fivep.study import Study

    if unit not in UNITS:
        raise typer.BadParameter(f"unknown unit {unit!r}; use {' or '.join(UNITS)}", param_hint="--unit")
    s = Study.open(study)
    progress, task = _progress(len(s.transcript_paths()), "reading transcripts")
    with progress:
        report = s.ingest(unit=unit, format=format, progress=lambda path: progress.advance(task))
    console = _console()
    for warning in report.warnings:
        typer.echo(f"fivep: warning: {warning}", err=True)
    console.print(f"[bold]{report.documents}[/] documents, [bold]{report.turns}[/] turns, "
                  f"[bold]{report.segments}[/] segments, [bold]{report.respondents}[/] respondents")
    console.print(f"{report.speaking} of {report.respondents} respondents speak in at least one transcript"
                  + ("" if report.silent else " (every respondent)"))
    if report.unknown_speakers:
        console.print(f"speakers not in the roster: {', '.join(report.unknown_speakers)}")
    if report.unknown_turns:
        n = sum(report.unknown_turns.values())
        console.print(f"{n} turn{'s' if n != 1 else ''} of unknown speakers, attributed to nobody and not coded: "
                      + ", ".join(f"{label} ({count})" for label, count in report.unknown_turns.items()))
    for note in report.human_notes:
        typer.echo(f"fivep: {note}", err=True)
    for orphan in report.orphans:
        typer.echo(f"fivep: warning: {orphan}", err=True)
    if report.orphans:
        typer.echo(f"fivep: warning: {len(report.orphans)} human coding(s) could not be placed on their text and "
                   f"are kept as orphaned (listed above; 'fivep orphans {study}' lists them again)", err=True)
    console.print(f"store: {s.store.path}")
    s.close()


@app.command()
@handles_errors
def orphans(study: StudyArg,
            format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table") -> None:
    """Human codings that could not be placed on their text after a transcript changed (kept, to place by hand)."""
    from dataclasses import asdict

    s = _ready(study)
    found = s.orphans()
    s.close()
    if format == "json":
        typer.echo(json.dumps([{**asdict(o.coding), "kind": o.kind, "file": o.file, "row": o.row,
                                "reason": o.reason} for o in found], ensure_ascii=False, indent=2))
        return
    console = _console()
    for o in found:
        what = o.coding.code_id or f"kind {o.kind}"
        console.print(f"{o.file} row {o.row}: {o.coding.coder} {what} on "
                      f"“{' '.join(o.coding.quote.split())[:80]}”: {o.reason}", markup=False)
    console.print(f"{len(found)} orphaned coding(s)")


DemographicsFormat = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


@app.command()
@handles_errors
def demographics(study: StudyArg,
                 format: DemographicsFormat = "table",
                 combine: Annotated[list[str] | None, typer.Option(
                     help="Add a group made of roster groups: NAME=group1,group2 (repeatable).")] = None,
                 min_cell: Annotated[int | None, typer.Option(
                     help="Suppress cells below this many respondents (default: study.toml privacy.min_cell; 5 with minors).")] = None,
                 ) -> None:
    """The respondent profile by group, as a study reports it (needs only the roster)."""
    from fivep.analysis.demographics import demographics as compute
    from fivep.analysis.demographics import group_set_lines, parse_combine
    from fivep.report.tables import demographics_csv, print_demographics
    from fivep.study import Study

    if format not in ("table", "json", "csv"):
        raise typer.BadParameter(f"unknown format {format!r}; use table, json or csv", param_hint="--format")
    s = Study.open(study)
    combined = parse_combine(combine or [])
    sets = {**s.config.group_sets, **combined}
    from fivep.privacy.cells import min_cell as study_min_cell

    roster = s.read_roster()
    notes: list[str] = [f"--combine {name}={','.join(parts)} replaces study.toml's {name} = "
                        f"{s.config.group_sets[name]} for this run" for name, parts in combined.items()
                        if name in s.config.group_sets and s.config.group_sets[name] != parts]
    result = compute(roster, sets, min_cell=study_min_cell(s, roster) if min_cell is None else min_cell,
                     warnings=notes, where={**group_set_lines(s.root / "study.toml"), **dict.fromkeys(combined, "--combine")})
    for warning in [*s.roster_warnings, *notes]:
        typer.echo(f"fivep: warning: {warning}", err=True)
    if format == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif format == "csv":
        sys.stdout.write(demographics_csv(result))
    else:
        print_demographics(result, _console(), labels=s.config.group_labels)


@app.command()
@handles_errors
def run(study: StudyArg,
        out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("fivep-out"),
        topics: Annotated[bool, typer.Option(help="Include exploratory topics (BERTopic).")] = True,
        jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (0: every core; "
                                                 "default: every core on a large corpus).")] = None,
        scheduler: Annotated[str | None, typer.Option(help="A Dask scheduler address (tcp://host:8786): "
                                                      "code and filter on a cluster.")] = None) -> None:
    """The main job: ingest, code, analyse, explore topics and write the reports into OUT."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from fivep.pipeline import run_study

    console = _console()
    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=_console(stderr=True), transient=True)

    def progress(description: str, total: int) -> Callable[[int], None]:
        task = bars.add_task(description, total=total)
        return lambda done: bars.advance(task, done)

    def step(text: str) -> None:
        _freeze_heap()  # what earlier steps built (tagger, encoder, filter lexicons) lives until the end
        console.print(f"[dim]·[/] {text}")

    with bars:
        result = run_study(study, out, console=console, topics=topics, step=step, jobs=jobs, scheduler=scheduler,
                           progress=progress)
    console.print(f"[green]done[/]: outputs in {out}: {', '.join(result.outputs)}")
    console.print("time per step (s): " + ", ".join(f"{k} {v}" for k, v in result.timings.items()))


codebook_app = typer.Typer(help="Check, export and import codebooks.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("check")
@handles_errors
def codebook_check(spec: Annotated[str, typer.Argument(
        metavar="CODEBOOK", help="A codebook .yaml file, or a built-in name (5p).")]) -> None:
    """Validate a codebook: ids, parents, dimensions, labels, keywords (errors name the line)."""
    from fivep.coding.codebook import parse_codebook, resolve_codebook_path
    from fivep.errors import InputError

    path = resolve_codebook_path(spec)
    if not path.is_file():
        raise InputError("codebook not found", path=path, hint="give a codebook .yaml file, or the built-in name 5p")
    codebook, problems, _ = parse_codebook(path)
    for problem in problems:
        typer.echo(problem.render(str(path)), err=problem.severity == "error")
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        typer.echo(f"fivep: error: {path}: {errors} error(s) in the codebook", err=True)
        raise typer.Exit(1)
    subs = sum(1 for c in codebook.codes if c.parent)
    keywords = sum(len(c.keywords_th) + len(c.keywords_en) for c in codebook.codes)
    typer.echo(f"{path}: ok: {len(codebook)} codes ({subs} sub-codes), {keywords} keywords, version {codebook.version}")


@codebook_app.command("list")
@handles_errors
def codebook_list(spec: Annotated[str, typer.Argument(metavar="CODEBOOK", help="A codebook .yaml file, or a "
                                                      "built-in name.")] = "5p",
                  lang: Annotated[str, typer.Option(help="Labels in en or th.")] = "en",
                  format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
                  ) -> None:
    """List the codes of a codebook: id, dimension, label and number of keywords."""
    from fivep.coding.codebook import codebook_rows, load_codebook

    if lang not in ("en", "th") or format not in ("table", "json", "csv"):
        raise typer.BadParameter("--lang is en or th; --format is table, json or csv")
    codebook = load_codebook(spec)
    rows = codebook_rows(codebook, lang)
    if format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif format == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"{codebook.name} {codebook.version}: {len(codebook)} codes", title_justify="left")
        for column in rows[0]:
            table.add_column(column, justify="right" if column == "keywords" else "left")
        for row in rows:
            table.add_row(*(escape(str(v)) for v in row.values()))
        _console().print(table)


@app.command()
@handles_errors
def code(study: StudyArg,
         engine: Annotated[str, typer.Option(help="Thai tokenizer: nlpo3, newmm, longest, mm.")] = "nlpo3",
         out: Annotated[Path | None, typer.Option(help="Where to write codings.csv as well as the store "
                                                       "(default: STUDY/.fivep/codings.csv).")] = None,
         jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (0: every core; "
                                                  "default: every core on a large corpus).")] = None,
         scheduler: Annotated[str | None, typer.Option(help="A Dask scheduler address (tcp://host:8786) "
                                                       "to code on a cluster.")] = None,
         rules_only: Annotated[bool, typer.Option("--rules-only", help="Keywords only (no sentence encoder).")
                               ] = False,
         embedder: Annotated[str | None, typer.Option(help="A local sentence-transformers model folder "
                                                           "(default: study.toml [coding] embedder, else the "
                                                           "built-in multilingual encoder).")] = None,
         ) -> None:
    """Machine-code every respondent segment with the codebook (coder rules@VERSION)."""
    from fivep.report.exports import write_codings_csv
    from fivep.study import Study

    s = Study.open(study)
    if not s.segments():
        s.ingest()
    progress, task = _progress(len(s.segments()), "coding segments")
    with progress:
        coder, n = s.code(engine=engine, jobs=jobs, scheduler=scheduler,
                          progress=lambda done: progress.advance(task, done), rules_only=rules_only,
                          embedder=embedder)
    target = out or (s.root / ".fivep" / "codings.csv")
    write_codings_csv(s, target)
    _console().print(f"{n} codings by {coder} on {len(s.segments())} segments; written to the store and {target}")
    s.close()


@app.command()
@handles_errors
def tag(file: Annotated[str, typer.Argument(help="A text file, one segment per line, or - for stdin.")] = "-",
        codebook: Annotated[str, typer.Option(help="Codebook: built-in name or .yaml path.")] = "5p",
        format: Annotated[str, typer.Option("--format", "-f", help="jsonl or table.")] = "jsonl",
        engine: Annotated[str, typer.Option(help="Thai tokenizer engine.")] = "nlpo3",
        rules_only: Annotated[bool, typer.Option("--rules-only", help="Keywords only (no sentence encoder).")
                              ] = False,
        embedder: Annotated[str | None, typer.Option(help="A local sentence-transformers model folder "
                                                          "(default: the built-in multilingual encoder).")] = None,
        jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes for --rules-only jsonl "
                                                 "(0: every core; default: every core for 2000 lines or more)."
                                                 )] = None,
        ) -> None:
    """Code loose text, one segment per input line: rules, meaning and a calibrated model, per P."""
    from fivep.coding.codebook import load_codebook
    from fivep.coding.tagger import make_tagger
    from fivep.errors import InputError
    from fivep.ingest.encoding import decode_bytes

    if format not in ("jsonl", "table"):
        raise typer.BadParameter(f"unknown format {format!r}; use jsonl or table", param_hint="--format")
    if file == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        path = Path(file)
        if not path.is_file():
            raise InputError("file not found", path=path)
        data = path.read_bytes()
        name = file
    text, _ = decode_bytes(data, name) if data else ("", "utf-8")
    tagger = make_tagger(load_codebook(codebook), rules_only=rules_only, embedder=embedder, engine=engine)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.rstrip("\r") for line in lines]
    if format == "jsonl":
        from fivep.coding.batch import tag_json_lines

        for written in tag_json_lines(tagger, lines, jobs=jobs):
            sys.stdout.write("".join(f"{line}\n" for line in written))
        return
    from rich.markup import escape

    console = _console()
    batches = (tagger.tag_many(lines[i : i + 256]) for i in range(0, len(lines), 256))
    for result in (r for batch in batches for r in batch):
        codes = ", ".join(f"{c.code} {c.score:.2f} [{_evidence_text(c)}]" for c in result.codes)
        actors = ", ".join(a.code.removeprefix("actor.") for a in result.actors)
        console.print(f"[bold]{result.kind}[/] ({result.lang}) {escape(result.text[:80])}")
        console.print(escape(f"   codes: {codes or '-'}" + (f"; actors: {actors}" if actors else "")))


def _evidence_text(code: Any) -> str:
    """Matched words, or the nearest codebook example with its similarity."""
    if code.evidence:
        return " | ".join(e.text for e in code.evidence)
    near = code.nearest
    return f"~{near.similarity:.2f} {near.code}: {near.text[:60]}" if near is not None else ""


@app.command()
@handles_errors
def evaluate(study: StudyArg,
             coder: Annotated[list[str] | None, typer.Option(help="Human coder(s) to compare with (default: all).")] = None,
             format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
             model: Annotated[bool, typer.Option("--model", help="Cross-validate the learned suggestion model, "
                                                                 "alone and combined with the rule tagger.")] = False,
             ) -> None:
    """Machine coding against human coders at segment level: P/R/F1 and kappa per dimension and sub-code."""
    from fivep.coding.evaluate import evaluate as run_evaluation
    from fivep.report.tables import print_evaluation
    from fivep.study import Study

    s = Study.open(study)
    if not s.segments():
        s.ingest()
    humans = coder or s.human_coders()
    if not humans:
        raise FivepError("no human codings to compare with",
                         hint="put one CSV per coder in STUDY/codings/ (docs/codings.md) and run "
                              "'fivep ingest'")
    machine = s.machine_coder()
    assert machine is not None
    if model:
        return _evaluate_model(s, coder or [], format)
    segments = s.segments()
    codebook = s.codebook()
    machine_codings = s.store.codings(machine)
    machine_kinds = s.store.segment_kinds(machine)
    results = []
    holdout = set(s.config.holdout)
    for name in humans:
        human_codings = s.store.codings(name)
        if not human_codings:
            raise FivepError(f"no codings by coder '{name}'", hint=f"coders in the store: {', '.join(s.store.coders())}")
        kinds = s.store.segment_kinds(name)
        docs = {c.doc_id for c in human_codings}
        shown: list[set[str]] = []
        for label, subset in (("all", docs), ("tuned", docs - holdout), ("holdout", docs & holdout)):
            if subset and subset not in shown:  # without a hold-out, "tuned" is "all" again: one table, not two
                shown.append(subset)
                ev = run_evaluation(human_codings, machine_codings, segments, codebook, human_kinds=kinds,
                                    machine_kinds=machine_kinds, documents=subset)
                results.append((label, ev))
    if format == "json":
        typer.echo(json.dumps([{"set": label, **ev.to_json()} for label, ev in results], ensure_ascii=False, indent=2))
    else:
        print_evaluation(results, _console())
    s.close()


@app.command()
@handles_errors
def deidentify(study: StudyArg,
               out: Annotated[Path | None, typer.Option("--out", "-o",
                                                        help="Output folder (default: STUDY/deidentified).")] = None,
               style: Annotated[str, typer.Option(help="tags ([ชื่อ-1], [PHONE-2]) or names (replacement names).")
                                ] = "tags",
               review: Annotated[Path | None, typer.Option(
                   help="Apply the decisions (accept/reject/edit/add) of this review file.")] = None,
               force: Annotated[bool, typer.Option(help="Write into --out even if it is another study or a folder "
                                                         "that is not empty (nothing there is deleted).")
                                ] = False) -> None:
    """De-identified copies of the transcripts and codings, a review file and a key file."""
    from fivep.privacy.deidentify import deidentify_study
    from fivep.privacy.pseudonyms import STYLES
    from fivep.study import Study

    if style not in STYLES:
        raise typer.BadParameter(f"unknown style {style!r}; use {' or '.join(STYLES)}", param_hint="--style")
    s = Study.open(study)
    n = len(s.store.documents()) or len(s.transcript_paths())
    progress, task = _progress(n, "de-identifying")
    with progress:
        result = deidentify_study(s, out, style=style, review=review, force=force,
                                  progress=lambda doc: progress.advance(task))
    s.close()
    console = _console()
    console.print(f"{result.documents} documents: {result.replaced} of {result.detections} detections replaced; "
                  f"{result.codings} codings carried over")
    console.print(f"de-identified study: {result.out}")
    for note in result.notes:
        console.print(note)
    console.print(f"review file: {result.review} (edit the 'decision' column, then run again with --review)")
    typer.echo(f"fivep: warning: {result.key} maps pseudonyms back to real identifiers. Store it securely "
               "(encrypted, access-controlled) and never share it with the de-identified files.", err=True)


@app.command()
@handles_errors
def redact(file: Annotated[str, typer.Argument(help="A text file, one segment per line, or - for stdin.")] = "-",
           style: Annotated[str, typer.Option(help="tags or names.")] = "tags") -> None:
    """Redact loose text: one redacted output line per input line (pseudonyms consistent across lines)."""
    from fivep.errors import InputError
    from fivep.ingest.encoding import decode_bytes
    from fivep.privacy import STYLES, redact_lines

    if style not in STYLES:
        raise typer.BadParameter(f"unknown style {style!r}; use {' or '.join(STYLES)}", param_hint="--style")
    if file == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        path = Path(file)
        if not path.is_file():
            raise InputError("file not found", path=path)
        data, name = path.read_bytes(), file
    text, _ = decode_bytes(data, name) if data else ("", "utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in redact_lines((line.rstrip("\r") for line in lines), style=style):
        sys.stdout.write(line + "\n")


# --- exchange: REFI-QDA (.qdpx, .qdc), CSV, XLSX ---------------------------------------------------

LangOption = Annotated[str, typer.Option(help="Language of code names in REFI-QDA files: en or th.")]


def _print_exchange(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line, err=line.startswith(("not carried:", "codebook:")))


@app.command("export")
@handles_errors
def export_command(study: StudyArg,
                   out: Annotated[Path, typer.Option("--out", "-o", help="The file to write.")],
                   format: Annotated[str, typer.Option("--format", "-f", help="qdpx, csv or xlsx.")] = "qdpx",
                   lang: LangOption = "en",
                   deidentified: Annotated[bool, typer.Option(
                       "--deidentified", help="Export the de-identified text (names, phones, places replaced; "
                                              "the study's review file applied), for sharing.")] = False) -> None:
    """Export a study: a REFI-QDA project (.qdpx) for ATLAS.ti, NVivo, MAXQDA..., or codings as CSV / XLSX."""
    from fivep.exchange import EXPORT_FORMATS, export_study
    from fivep.study import Study

    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"unknown format {format!r}; use {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    if lang not in ("en", "th"):
        raise typer.BadParameter(f"unknown language {lang!r}; use en or th", param_hint="--lang")
    s = Study.open(study)
    if deidentified:
        report = _export_deidentified(s, out, format, lang)
    else:
        report = export_study(s, out, format=format, lang=lang)
    s.close()
    if not deidentified:
        typer.echo(f"fivep: warning: {out} holds the transcripts' text as it was said, with the names, phone "
                   "numbers and places in it. To share it, export the de-identified version: "
                   f"fivep export {study} --out {out} --deidentified", err=True)
    if format == "qdpx":
        typer.echo(f"{out}: {report.sources} sources, {report.codes} codes, {report.users} coders, "
                   f"{report.codings} codings on {report.selections} selections, {report.cases} cases")
    else:
        typer.echo(f"{out}: {report.codings} codings" + (f", {report.cases} respondents, {report.sources} documents"
                                                          if format == "xlsx" else ""))
    _print_exchange([f"note: {n}" for n in report.notes] + [f"not carried: {s}" for s in report.skipped])


def _export_deidentified(study: Any, out: Path, format: str, lang: str) -> Any:
    """Export a de-identified copy of ``study`` (made in a temporary folder, the study's review file
    applied when there is one)."""
    import tempfile

    from fivep.exchange import export_study
    from fivep.privacy.deidentify import PRIVATE_DIR, REVIEW_NAME, deidentify_study
    from fivep.study import Study

    review = study.root / PRIVATE_DIR / REVIEW_NAME
    with tempfile.TemporaryDirectory(prefix="fivep-deid-") as folder:
        result = deidentify_study(study, Path(folder) / "study", review=review if review.exists() else None)
        copy = Study.open(result.out)
        try:
            report = export_study(copy, out, format=format, lang=lang)
        finally:
            copy.close()
    typer.echo(f"de-identified: {result.replaced} identifiers replaced (review them in {result.review})", err=True)
    return report


@app.command("import")
@handles_errors
def import_command(file: Annotated[Path, typer.Argument(help="A REFI-QDA project (.qdpx).")],
                   into: Annotated[Path, typer.Option("--into", help="The study folder: an existing study, "
                                                                    "or a new folder to create.")]) -> None:
    """Import a REFI-QDA project: sources, codes, codings, cases and variables; lists what it could not carry."""
    from fivep.exchange import import_qdpx
    from fivep.exchange.importer import project_report_lines

    report = import_qdpx(file, into)
    typer.echo(f"{file} -> {into}")
    _print_exchange(project_report_lines(report))


@codebook_app.command("export")
@handles_errors
def codebook_export(file: Annotated[str, typer.Argument(help="A codebook .yaml file, or a built-in name (5p).")],
                    out: Annotated[Path, typer.Option("--out", "-o", help="The .qdc file to write.")],
                    format: Annotated[str, typer.Option("--format", "-f", help="qdc.")] = "qdc",
                    lang: LangOption = "en") -> None:
    """Export a codebook as a REFI-QDA codebook (.qdc): hierarchy, colours, bilingual descriptions."""
    from fivep.exchange import export_codebook

    if format != "qdc":
        raise typer.BadParameter(f"unknown format {format!r}; use qdc", param_hint="--format")
    if lang not in ("en", "th"):
        raise typer.BadParameter(f"unknown language {lang!r}; use en or th", param_hint="--lang")
    path, problems = export_codebook(file, out, lang=lang)
    typer.echo(f"{path}: written")
    if problems:
        typer.echo(f"fivep: warning: the codebook fails {len(problems)} of fivep's checks and was exported as it "
                   f"is; first: {problems[0]}", err=True)


@codebook_app.command("import")
@handles_errors
def codebook_import(file: Annotated[Path, typer.Argument(help="A REFI-QDA codebook (.qdc).")],
                    out: Annotated[Path | None, typer.Option("--out", "-o", help="The .yaml to write "
                                                                                 "(default: FILE with .yaml).")] = None,
                    ) -> None:
    """Import a REFI-QDA codebook (.qdc) as a fivep codebook YAML."""
    from fivep.exchange import import_qdc

    report = import_qdc(file, out)
    typer.echo(f"{report.target}: {report.codes} codes")
    _print_exchange([f"note: {n}" for n in report.notes] + [f"not carried: {s}" for s in report.skipped]
                    + [f"codebook: {p}" for p in report.codebook_problems[:10]])
    if len(report.codebook_problems) > 10:
        typer.echo(f"codebook: ... and {len(report.codebook_problems) - 10} more "
                   f"(run 'fivep codebook check {report.target}')", err=True)


@app.command()
@handles_errors
def report(study: StudyArg,
           out: Annotated[Path, typer.Option("--out", "-o", help="The report, a .docx file.")] = Path("report.docx"),
           lang: Annotated[str, typer.Option(help="Report language: th or en.")] = "en",
           template: Annotated[Path | None, typer.Option(help="A .docx whose styles (letterhead, fonts) to use.")] = None,
           coder: Annotated[str | None, typer.Option(help="Whose codings are the evidence (default: the rule tagger).")] = None,
           ) -> None:
    """The recommendation report (DOCX, Thai or English), with evidence by group and de-identified quotes."""
    from fivep.report.build import write_study_report
    from fivep.study import Study

    if lang not in ("th", "en"):
        raise typer.BadParameter(f"unknown language {lang!r}; use th or en", param_hint="--lang")
    s = Study.open(study)
    path, figures = write_study_report(s, out, lang=lang, template=template, coder=coder)
    _console().print(f"report: {path} ({len(figures)} figure files in {path.parent / 'figures'})")
    from fivep.report.quotes import FILE, read_translations

    pending = sum(1 for row in read_translations(s.root).values() if not row.translation)
    if pending:
        _console().print(f"translations: {pending} quotes await a translation in {s.root / FILE}")
    s.close()


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@app.command()
@handles_errors
def quotes(study: StudyArg,
           request_all: Annotated[bool, typer.Option(
               "--request-all", help="Add a pending row for every coded statement of a respondent under 18.")] = False,
           ) -> None:
    """Quotes from minors: what awaits your approval in STUDY/quote-approvals.csv (approve or withhold)."""
    from fivep.privacy.quotes import APPROVALS_NAME, QuoteGate

    s = _ready(study, machine=request_all)
    gate = QuoteGate(s)
    if request_all:
        coded = {c.segment_id for c in s.store.codings() if c.segment_id}
        added = gate.request(sorted(sid for sid, seg in gate.segments.items()
                                    if seg.respondent_id in gate.minors and sid in coded))
        typer.echo(f"{len(added)} statements of minors added for review", err=True)
    rows = list(gate.approvals().values())
    s.close()
    pending = [r for r in rows if not r.approved and not r.withheld]
    typer.echo(f"{s.root / APPROVALS_NAME}: {len(rows)} quotes of {len(gate.minors)} respondents under 18; "
               f"{sum(r.approved for r in rows)} approved, {sum(r.withheld for r in rows)} withheld, "
               f"{len(pending)} pending (k = {gate.k})")
    for row in pending[:20]:
        typer.echo(f"  pending {row.segment_id} ({row.code}; flagged: {row.flagged or '-'}): {row.quote[:80]}")
    if pending:
        typer.echo(f"set 'decision' to approve or withhold in {s.root / APPROVALS_NAME}; reports quote approved "
                   "statements only", err=True)


def _ready(study: Path, *, machine: bool = False) -> Any:
    """Open a study, ingesting it (and running the rule tagger) when the store lacks them."""
    from fivep.study import Study

    s = Study.open(study)
    if not s.segments():
        s.ingest()
    changed = s.changed_since_ingest()
    if changed:
        typer.echo(f"fivep: warning: {', '.join(changed[:8])}{' ...' if len(changed) > 8 else ''} changed since the "
                   f"last ingest; results use the ingested versions (run 'fivep ingest {study}')", err=True)
    if machine:
        s.machine_coder()
    return s


@app.command()
@handles_errors
def agreement(study: StudyArg,
              unit: Annotated[str, typer.Option(help="segment, sentence, character or document.")] = "segment",
              coders: Annotated[str | None, typer.Option(help="Coders to compare, comma-separated "
                                                              "(default: every human coder).")] = None,
              vs_machine: Annotated[bool, typer.Option("--vs-machine", help="Also compare each coder with the "
                                                                              "rule tagger.")] = False,
              level: Annotated[str, typer.Option(help="dimension, code or both.")] = "dimension",
              boot: Annotated[int, typer.Option(help="Bootstrap resamples for the alpha intervals.")] = 1000,
              format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
              chart: Annotated[Path | None, typer.Option(help="Also draw alpha per label (PNG and SVG).")] = None,
              ) -> None:
    """Inter-coder reliability: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha (95% CI)."""
    import pandas as pd

    from fivep.coding.reliability import LEVELS, UNITS, study_agreement
    from fivep.report.frames import agreement_json, print_frame

    if unit not in UNITS:
        raise typer.BadParameter(f"unknown unit {unit!r}; use {', '.join(UNITS)}", param_hint="--unit")
    if level not in (*LEVELS, "both") or format not in ("table", "json"):
        raise typer.BadParameter("--level is dimension, code or both; --format is table or json")
    s = _ready(study)
    humans = _split(coders) or s.human_coders()
    comparisons = [humans] if len(humans) > 1 else []
    if vs_machine:
        machine = s.machine_coder()
        comparisons += [[h, machine] for h in humans if h != machine]
    if not comparisons:
        if not humans:
            raise FivepError("no human codings to compare" + (" with the rule tagger" if vs_machine else ""),
                             hint="put one CSV per coder in STUDY/codings/ (docs/codings.md) and "
                                  "run 'fivep ingest'")
        raise FivepError(f"nothing to compare: only one coder ({humans[0]})",
                         hint="give two coders (--coders a,b) or add --vs-machine to compare with the rule tagger")
    levels = LEVELS if level == "both" else (level,)
    for coder in sorted({c for pair in comparisons for c in pair}):
        lost = s.orphans(coder)
        if lost:
            rows = ", ".join(f"{Path(o.file).name} row {o.row}" for o in lost[:10])
            typer.echo(f"fivep: warning: {len(lost)} coding(s) of {coder} are orphaned (their text changed) and "
                       f"left out of the agreement: {rows}{' ...' if len(lost) > 10 else ''}; "
                       f"see 'fivep orphans {study}'", err=True)
    result = pd.concat([study_agreement(s, pair, unit=unit, levels=levels, n_boot=boot) for pair in comparisons],
                       ignore_index=True)
    codebook = s.codebook()
    s.close()
    if format == "json":
        typer.echo(json.dumps(agreement_json(result), ensure_ascii=False, indent=2))
    else:
        console = _console()
        for (name, lvl), rows in result.groupby(["coders", "level"], sort=False):
            shown = rows.set_index("label")[["units", "coded", "percent", "cohen", "fleiss", "alpha"]].copy()
            shown["95% CI"] = [f"{a:.2f}-{b:.2f}" for a, b in zip(rows["alpha_low"], rows["alpha_high"], strict=True)]
            shown.index.name = lvl
            print_frame(shown.rename(columns={"percent": "agree"}), console,
                        title=f"{name}, per {unit}: alpha with a {boot}-resample bootstrap 95% CI")
    if chart is not None:
        from fivep.report.charts import agreement_chart, dimension_labels, save

        labels = {**dimension_labels(codebook), "pooled": "รวม / pooled"}
        files = save(agreement_chart(result[result["level"] == levels[0]], labels=labels), chart)
        typer.echo(f"chart: {', '.join(map(str, files))}", err=True)


@app.command()
@handles_errors
def frequencies(study: StudyArg,
                by: Annotated[str, typer.Option(help="group, sector, province or method.")] = "group",
                level: Annotated[str, typer.Option(help="dimension, code or actor.")] = "dimension",
                measure: Annotated[str, typer.Option(help="respondents, segments or documents.")] = "respondents",
                coder: Annotated[str | None, typer.Option(help="Whose codings (default: the rule tagger).")] = None,
                format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
                chart: Annotated[Path | None, typer.Option(help="Also draw the shares by group (PNG and SVG).")
                                 ] = None,
                framework: Annotated[Path | None, typer.Option(help="Also write the framework matrix (XLSX).")
                                     ] = None,
                min_cell: Annotated[int | None, typer.Option(
                    help="Hide counts below this many (default: study.toml privacy.min_cell; 5 with minors).")] = None) -> None:
    """Codes or dimensions by respondent group (sector, province, method): who raised what ("9 of 32")."""
    from fivep.analysis import frequencies as freq
    from fivep.report.frames import print_frame

    if format not in ("table", "json", "csv"):
        raise typer.BadParameter(f"unknown format {format!r}; use table, json or csv", param_hint="--format")
    s = _ready(study, machine=coder is None)
    frame = freq.study_frame(s, coder)
    try:
        table = freq.frequencies(frame, by=by, level=level, measure=measure, respondents=s.read_roster(), segments=s.segments(),
                      group_sets=s.config.group_sets if by == "group" else None)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    from fivep.privacy.cells import min_cell as study_min_cell

    k = study_min_cell(s) if min_cell is None else min_cell
    shown = freq.suppress_small_cells(table, k) if measure == "respondents" else table
    if k > 0 and measure == "respondents":
        typer.echo(f"counts below {k} respondents are shown as <{k}", err=True)
    table = shown
    if format == "json":
        typer.echo(json.dumps({"measure": measure, "by": by, "of": table.attrs["of"],
                               "counts": table.to_dict(orient="index")}, ensure_ascii=False, indent=2))
    elif format == "csv":
        from fivep.cells import safe_frame

        sys.stdout.write(safe_frame(table).to_csv())
    else:
        print_frame(freq.with_denominators(table), _console(), title=f"{level} by {by}: {measure} who raised it")
    if chart is not None:
        from fivep.report.charts import dimension_labels, dimensions_by_group, save

        groups = {k: v.get("th") or k for k, v in s.config.group_labels.items()}
        columns = [c for c in table.columns if c != "total" and c not in s.config.group_sets]
        files = save(dimensions_by_group(table, labels=dimension_labels(s.codebook()), group_labels=groups,
                                         groups=columns), chart)
        typer.echo(f"chart: {', '.join(map(str, files))}", err=True)
    if framework is not None:
        path = freq.write_framework_xlsx(freq.framework_matrix(frame, s.read_roster()), framework)
        typer.echo(f"framework matrix: {path}", err=True)
    s.close()


@app.command()
@handles_errors
def topics(study: StudyArg,
           seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same topics.")] = 42,
           n_topics: Annotated[int | None, typer.Option("--topics", help="Number of topics (k-means).")] = None,
           clusterer: Annotated[str, typer.Option(help="kmeans or hdbscan.")] = "kmeans",
           coder: Annotated[str | None, typer.Option(help="Whose codes to compare the topics with.")] = None,
           format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
           chart: Annotated[Path | None, typer.Option(help="Also draw the topics overview (PNG and SVG).")] = None,
           ) -> None:
    """Exploratory topics (BERTopic, offline) and how far the 5P codes cover each: what the codebook misses."""
    from fivep.coding.topics import CLUSTERERS, study_topics

    if clusterer not in CLUSTERERS or format not in ("table", "json"):
        raise typer.BadParameter("--clusterer is kmeans or hdbscan; --format is table or json")
    s = _ready(study, machine=coder is None)
    model = study_topics(s, coder=coder, seed=seed, n_topics=n_topics, clusterer=clusterer)
    s.close()
    from fivep.privacy.redact import redact_text

    if format == "json":
        data = model.to_json()
        for topic in data["topics"]:
            for example in topic["representatives"]:
                example["text"] = redact_text(example["text"])
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        console = _console()
        console.print(f"{len(model.topics)} topics over {len(model.assignments)} segments (seed {seed}, {clusterer}; "
                      f"{model.outliers} outliers)")
        for t in model.topics:
            dims = ", ".join(f"{d} {v:.0%}" for d, v in sorted(t.dimensions.items(), key=lambda x: -x[1])[:3])
            console.print(f"\n[bold]topic {t.id}[/] ({t.size} segments; {t.uncoded:.0%} with no 5P code): "
                          f"{', '.join(t.words[:8])}")
            console.print(f"   5P: {dims or '-'}; codes: {', '.join(c for c, _ in t.codes[:3]) or '-'}")
            for seg in t.representatives:
                console.print(f"   [{seg.id}] {redact_text(' '.join(seg.text.split()))[:110]}")
    if chart is not None:
        from fivep.report.charts import save, topics_overview

        typer.echo(f"chart: {', '.join(map(str, save(topics_overview(model), chart)))}", err=True)


@app.command()
@handles_errors
def suggest(study: StudyArg,
            coders: Annotated[str | None, typer.Option(help="Learn from these coders (default: every human).")
                              ] = None,
            min_score: Annotated[float, typer.Option(help="Store suggestions from this probability.")] = 0.35,
            top_k: Annotated[int, typer.Option(help="At most this many suggestions per segment.")] = 5,
            min_support: Annotated[int, typer.Option(help="Learn only codes humans gave at least this many "
                                                          "segments.")] = 5) -> None:
    """Learn from the human codings and suggest codes for the segments no human coded (stored as pending)."""
    from fivep.coding.suggest import CodeSuggester, suggest_for_study

    s = _ready(study)
    model, stored, suggester = suggest_for_study(s, coders=_split(coders) or None, min_score=min_score, top_k=top_k,
                                                 suggester=CodeSuggester(min_support=min_support))
    pending = len(s.store.suggestions(status="pending", model=model))
    s.close()
    _console().print(f"{model}: learned {len(suggester.classes_)} codes; {stored} new suggestions stored "
                     f"({pending} pending). Review them with 'fivep suggestions list {study}'.")


suggestions_app = typer.Typer(help="Review learned suggestions: list, accept, reject.", no_args_is_help=True)
app.add_typer(suggestions_app, name="suggestions")


@suggestions_app.command("list")
@handles_errors
def suggestions_list(study: StudyArg,
                     status: Annotated[str, typer.Option(help="pending, accepted, rejected or all.")] = "pending",
                     format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
                     ) -> None:
    """List suggestions with their id, segment, code, score and text."""
    from fivep.study import Study

    s = Study.open(study)
    rows = s.store.suggestions(status=None if status == "all" else status)
    texts = {seg.id: seg.text for seg in s.segments()}
    s.close()
    if format == "json":
        from dataclasses import asdict

        typer.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    console = _console()
    for r in rows:
        console.print(f"[bold]{r.id}[/] {r.segment_id} {r.code_id} {r.score:.2f} {r.status}"
                      f"{' by ' + r.reviewer if r.reviewer else ''}: {' '.join(texts.get(r.segment_id, '').split())[:90]}")
    console.print(f"{len(rows)} suggestion(s)")


def _decide(study: Path, ids: list[int], status: str, reviewer: str) -> None:
    from fivep.study import Study

    s = Study.open(study)
    decided = s.decide_suggestions(ids, status, reviewer)
    s.close()
    _console().print(f"{len(decided)} suggestion(s) {status} by {reviewer}"
                     + (f"; codings added for coder '{reviewer}'" if status == "accepted" else ""))


ReviewerOption = Annotated[str, typer.Option(help="The coder the decision (and an accepted coding) is recorded for.")]
IdsArg = Annotated[list[int], typer.Argument(help="Suggestion ids (see 'fivep suggestions list').")]


@suggestions_app.command("accept")
@handles_errors
def suggestions_accept(study: StudyArg, ids: IdsArg, reviewer: ReviewerOption = "reviewer") -> None:
    """Accept suggestions: each becomes a human coding by REVIEWER."""
    _decide(study, ids, "accepted", reviewer)


@suggestions_app.command("reject")
@handles_errors
def suggestions_reject(study: StudyArg, ids: IdsArg, reviewer: ReviewerOption = "reviewer") -> None:
    """Reject suggestions (they are not suggested again)."""
    _decide(study, ids, "rejected", reviewer)


def _evaluate_model(s: Any, humans: list[str], format: str) -> None:
    """``fivep evaluate --model``: cross-validated micro P/R/F1 of the model, the rules and both."""
    from fivep.coding.suggest import evaluate_model

    result = evaluate_model(s, coders=humans or None, curve=True)
    s.close()
    if format == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"learned model vs {'+'.join(result['coders'])}: {result['folds']}-fold cross-validation by "
                        f"document ({result['documents']} documents, {result['segments']} segments, "
                        f"{len(result['codes'])} learnable codes)", title_justify="left")
    for column in ("coder", "level", "P", "R", "F1"):
        table.add_column(column, justify="left" if column in ("coder", "level") else "right")
    names = {"model": "model", "rules": result.get("rules_coder") or "rules",
             "combined": f"rules + model (p >= {result['combine_threshold']})"}
    for key in ("model", "rules", "combined"):
        for level in ("codes", "dimensions") if key in result else ():
            row = result[key][level]
            table.add_row(names[key], level, *(f"{row[m]:.3f}" for m in ("precision", "recall", "f1")))
    _console().print(table)
    curve = Table(title="learning curve (dimension micro-F1 on the same held-out folds)", title_justify="left")
    for column in ("coded documents", "coded statements", "model", "machine tagger"):
        curve.add_column(column, justify="right")
    for row in result.get("learning_curve", []):
        curve.add_row(f"{row['fraction']:.0%}", str(row["statements"]), f"{row['model']:.3f}",
                      f"{row['rules']:.3f}" if "rules" in row else "-")
    _console().print(curve)


def _freeze_heap() -> None:
    """Leave every object alive now out of Python's cyclic garbage collection.

    A command builds about a million long-lived objects (tokenizer tries, the encoder's vocabulary, the
    identifier filter's lexicons and name model). Each full collection traverses them all again (3.2 s of
    the sample study's ``fivep run``), and so does the interpreter's shutdown (3.6 s). A command line
    process ends after its command, so nothing it froze needs collecting; the library never freezes."""
    import gc

    gc.freeze()


#: Allocations between young collections in the command line (Python's default: 700). After a freeze,
#: Python counts no long-lived objects, so with the default every tenth middle collection became a full
#: one: 11 full collections, 5.9-8.2 s, in the sample study's ``fivep run``; with this, one (0.9 s), and
#: the same peak memory.
_YOUNG_COLLECTION = 10_000


def main() -> None:
    """Console-script entry point."""
    import gc

    gc.set_threshold(_YOUNG_COLLECTION, 10, 10)
    try:
        app()
    finally:
        _freeze_heap()  # exit without traversing the heap again


if __name__ == "__main__":  # pragma: no cover
    main()

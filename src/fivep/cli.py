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
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


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
           unit: Annotated[str, typer.Option(help="Segment unit: turn or sentence.")] = "turn") -> None:
    """Read the roster and transcripts into the study's store."""
    from fivep.study import Study

    s = Study.open(study)
    progress, task = _progress(len(s.transcript_paths()), "reading transcripts")
    with progress:
        report = s.ingest(unit=unit, progress=lambda path: progress.advance(task))
    console = _console()
    for warning in report.warnings:
        typer.echo(f"fivep: warning: {warning}", err=True)
    console.print(f"[bold]{report.documents}[/] documents, [bold]{report.turns}[/] turns, "
                  f"[bold]{report.segments}[/] segments, [bold]{report.respondents}[/] respondents")
    console.print(f"{report.speaking} of {report.respondents} respondents speak in at least one transcript"
                  + ("" if report.silent else " (every respondent)"))
    if report.unknown_speakers:
        console.print(f"speakers not in the roster: {', '.join(report.unknown_speakers)}")
    console.print(f"store: {s.store.path}")
    s.close()


DemographicsFormat = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


@app.command()
@handles_errors
def demographics(study: StudyArg,
                 format: DemographicsFormat = "table",
                 combine: Annotated[list[str] | None, typer.Option(
                     help="Add a group made of roster groups: NAME=group1,group2 (repeatable).")] = None,
                 min_cell: Annotated[int | None, typer.Option(
                     help="Suppress cells below this many respondents (default: study.toml privacy.min_cell).")] = None,
                 ) -> None:
    """The respondent profile by group, as a study reports it (needs only the roster)."""
    from fivep.analysis.demographics import demographics as compute
    from fivep.analysis.demographics import parse_combine
    from fivep.report.tables import demographics_csv, print_demographics
    from fivep.study import Study

    if format not in ("table", "json", "csv"):
        raise typer.BadParameter(f"unknown format {format!r}; use table, json or csv", param_hint="--format")
    s = Study.open(study)
    sets = {**s.config.group_sets, **parse_combine(combine or [])}
    result = compute(s.read_roster(), sets, min_cell=s.config.min_cell if min_cell is None else min_cell)
    if format == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif format == "csv":
        sys.stdout.write(demographics_csv(result))
    else:
        print_demographics(result, _console(), labels=s.config.group_labels)


@app.command()
@handles_errors
def run(study: StudyArg,
        out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("fivep-out")) -> None:
    """The main job: ingest, then analyse and write the outputs into OUT."""
    from fivep.pipeline import run_study

    console = _console()
    result = run_study(study, out, console=console)
    console.print(f"[green]done[/]: outputs in {out} ({', '.join(result.outputs)})")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

"""Exchange with other tools: REFI-QDA projects (.qdpx) and codebooks (.qdc), CSV and XLSX.

>>> export_study(Study.open("data/sample"), "sample.qdpx")      # doctest: +SKIP
>>> import_qdpx("coded-in-nvivo.qdpx", into="data/sample")      # doctest: +SKIP
>>> export_codebook("5p", "5p.qdc"); import_qdc("5p.qdc", "5p.yaml")  # doctest: +SKIP

Importing this package is light; lxml and openpyxl are imported when a function runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fivep.exchange.qdpx import ExportReport
    from fivep.exchange.refi import ImportReport
    from fivep.study import Study

EXPORT_FORMATS = ("qdpx", "csv", "xlsx")


def _qdpx(study: Study, out: Path, lang: str) -> ExportReport:
    from fivep.exchange.qdpx import export_qdpx

    return export_qdpx(study, out, lang=lang)


def _csv(study: Study, out: Path, lang: str) -> ExportReport:
    from fivep.exchange.qdpx import ExportReport
    from fivep.report.exports import write_codings_csv

    return ExportReport(str(out), codings=write_codings_csv(study, out))


def _xlsx(study: Study, out: Path, lang: str) -> ExportReport:
    from fivep.exchange.qdpx import ExportReport
    from fivep.exchange.spreadsheet import write_study_xlsx

    rows = write_study_xlsx(study, out)
    return ExportReport(str(out), sources=rows["documents"], codes=rows["codebook"], cases=rows["respondents"],
                        codings=rows["codings"])


_EXPORTERS: dict[str, Callable[[Any, Path, str], Any]] = {"qdpx": _qdpx, "csv": _csv, "xlsx": _xlsx}


def export_study(study: Study, out: str | Path, *, format: str = "qdpx", lang: str = "en") -> ExportReport:
    """Export ``study`` (ingested first if its store is empty but it has transcripts) as ``format``: qdpx, csv or xlsx."""
    if format not in _EXPORTERS:
        raise ValueError(f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if not study.documents() and study.transcript_paths():
        study.ingest()
    return _EXPORTERS[format](study, Path(out), lang)  # type: ignore[no-any-return]


def import_qdpx(path: str | Path, into: str | Path) -> ImportReport:
    """Import a REFI-QDA project into a study folder (see :mod:`fivep.exchange.importer`)."""
    from fivep.exchange.importer import import_qdpx as run

    return run(path, into)


def export_codebook(spec: str | Path, out: str | Path, *, lang: str = "en") -> tuple[Path, list[str]]:
    """Write a codebook (a built-in name or a YAML path) as a ``.qdc``; returns ``(path, errors)``.

    A codebook that fails fivep's checks is still written, as it is; its errors are returned.
    """
    from fivep.exchange.qdc import load_any_codebook, write_qdc

    codebook, source, problems = load_any_codebook(spec)
    return write_qdc(codebook, out, lang=lang, source=source), problems


def import_qdc(path: str | Path, out: str | Path | None = None) -> ImportReport:
    """Turn a ``.qdc`` into a fivep codebook YAML (default: next to it, ``.yaml``)."""
    from fivep.exchange.qdc import import_qdc as run

    return run(path, out)


__all__ = ["EXPORT_FORMATS", "export_codebook", "export_study", "import_qdc", "import_qdpx"]

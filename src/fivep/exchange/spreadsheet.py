"""Export a study as an Excel workbook: codings, respondents, documents and the codebook.

The ``codings`` sheet has exactly the columns of the CSV export
(:func:`fivep.report.exports.write_codings_csv`), which writes it.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.cells import safe_cell

if TYPE_CHECKING:
    from fivep.study import Study


def write_study_xlsx(study: Study, out: str | Path) -> dict[str, int]:
    """Write the workbook; returns the number of rows per sheet."""
    from openpyxl import Workbook

    from fivep.exchange.qdc import load_any_codebook
    from fivep.report.exports import write_codings_csv

    out = Path(out)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codings.csv"
        write_codings_csv(study, path)
        with open(path, encoding="utf-8", newline="") as handle:
            codings = list(csv.reader(handle))
    respondents = study.store.respondents()
    names: list[str] = []
    for r in respondents:
        names.extend(k for k in r.attributes if k not in names)
    codebook, _, _ = load_any_codebook(study.config.codebook, study.root)
    sheets: dict[str, list[list[Any]]] = {
        "codings": [codings[0], *([_number(v) for v in row] for row in codings[1:])],
        "respondents": [["respondent_id", "group", *names],
                        *([r.id, r.group, *(r.attributes.get(n) for n in names)] for r in respondents)],
        "documents": [["doc_id", "title", "language", "format", "turns", "characters"],
                      *([d.id, d.meta.get("title"), d.language, d.meta.get("format"), len(d.turns), len(d.text)]
                        for d in study.documents())],
        "codebook": [["code_id", "parent", "dimension", "label_en", "label_th", "definition"],
                     *([c.id, c.parent, c.dimension, c.label_en, c.label_th, c.definition] for c in codebook.codes)],
    }
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return {title: len(rows) - 1 for title, rows in sheets.items()}


def _number(value: str) -> Any:
    """CSV cells that are numbers become numbers in the sheet."""
    try:
        return int(value)
    except ValueError:
        try:
            return float(value) if value.strip() and value.strip().lower() not in ("nan", "inf", "-inf") else value
        except ValueError:
            return value


def _cell(value: Any) -> Any:
    """A value as a sheet cell: numbers as numbers, text escaped against formulas (:mod:`fivep.cells`)."""
    if value is None or isinstance(value, (int, float)):
        return value
    return safe_cell(str(value))

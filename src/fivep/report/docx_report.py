"""The recommendation report as a Word document, in Thai or English.

Laid out as Thai agencies and research institutes publish a study (and as international ones do): a
cover, a table of contents (a Word field), abbreviations, บทสรุปผู้บริหาร / executive summary, บทนำ
(introduction), วัตถุประสงค์ (objectives), วิธีการศึกษา (methods, in words for program staff), ผลการศึกษา
per P (obstacles and recommendations with counts by group, a chart, quotes), ข้อเสนอแนะเชิงนโยบาย and
เชิงปฏิบัติการ (policy and operational recommendations, each with lead and supporting actors, a priority
from the evidence and the Ps it serves), ข้อจำกัด (limitations), จริยธรรมการวิจัย (research ethics),
and annexes (the codebook, agreement between coders, how the machine coding works). Every sentence
comes from the message catalogue of the report's language; :mod:`fivep.report.evidence` does the counting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivep.messages import message
from fivep.model import DIMENSIONS
from fivep.report.actors import Recommendation
from fivep.report.docx_parts import (
    add_bullet,
    add_caption,
    add_heading,
    add_toc,
    new_document,
    page_break,
    page_numbers,
    properties,
    report_date,
)
from fivep.report.docx_thai import add_paragraph, add_run, add_table
from fivep.report.evidence import Evidence, Quote


@dataclass
class ReportInputs:
    """Everything the layout needs, gathered by :func:`fivep.report.build.gather`."""

    title: str
    evidence: Evidence
    demographics: dict[str, Any]
    demographics_text: str
    methods: dict[str, Any]
    recommendations: list[Recommendation]
    researcher_written: bool
    agreement: Any            # DataFrame of fivep.coding.reliability.study_agreement, or None
    agreement_coders: str
    machine_coder: str
    confirmed: tuple[int, int, int]
    figures_dir: Path
    author: str = ""
    organisation: str = ""
    translations: dict[Any, Any] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)
    to_translate: list[tuple[Quote, str]] = field(default_factory=list)   # quotes shown untranslated
    date: dt.date = field(default_factory=dt.date.today)


class Writer:
    """The document being written and the report's language, with the few calls the sections use."""

    def __init__(self, inputs: ReportInputs, document: Any, lang: str) -> None:
        self.inputs, self.document, self.lang, self.ev = inputs, document, lang, inputs.evidence
        self.figure = 0
        self.table = 0

    def t(self, key: str, **values: Any) -> str:
        return message(self.lang, f"report.{key}", **values)

    def heading(self, text: str, level: int) -> Any:
        return add_heading(self.document, text, level, lang=self.lang)

    def para(self, text: str, *, justify: bool = False, **style: Any) -> Any:
        return add_paragraph(self.document, text, lang=self.lang, align_as="justify" if justify else None, **style)

    def bullet(self, text: str, *, bold: str = "") -> Any:
        paragraph = add_bullet(self.document, self.lang)
        if bold:
            add_run(paragraph, bold, bold=True, lang=self.lang)
        add_run(paragraph, (" " if bold else "") + text.lstrip(), lang=self.lang)
        return paragraph

    def table_of(self, caption: str, header: list[str], rows: list[list[str]], widths: list[float], **kw: Any) -> Any:
        self.table += 1
        add_caption(self.document, "Table", self.t("table_label"), self.table, caption, self.lang)
        return add_table(self.document, header, rows, widths_cm=widths, lang=self.lang, **kw)

    def quote(self, quote: Quote, topic: str | None) -> None:
        from fivep.report.docx_quote import write_quote

        write_quote(self, quote, topic)


def write_report(inputs: ReportInputs, out: Path, *, lang: str = "en", template: Path | None = None,
                 font: str | None = None) -> Path:
    from fivep.report.docx_sections import (
        abbreviations,
        annexes,
        closing,
        cover,
        findings,
        introduction,
        methods,
        recommendations,
        summary,
    )
    from fivep.report.docx_thai import DEFAULT_FONT

    document = new_document(template, lang, None if template else (font or DEFAULT_FONT))
    w = Writer(inputs, document, lang)
    cover(w)
    body = document.element.body
    cover_part = set(body)
    summary(w)
    introduction(w)
    methods(w)
    findings(w)
    recommendations(w)
    closing(w)
    annexes(w)
    # the front matter goes after the cover: it lists what the body holds
    first = next(e for e in body if e not in cover_part)
    headings = [(int(p.style.name[-1]), p.text) for p in document.paragraphs
                if p.style is not None and p.style.name in ("Heading 1", "Heading 2") and p.text]
    written = set(body)
    add_toc(document, w.t("contents"), headings, lang)
    abbreviations(w, "\n".join(p.text for p in document.paragraphs) + "\n" + _table_text(document))
    page_break(document)
    for element in [e for e in body if e not in written and not e.tag.endswith("}sectPr")]:
        first.addprevious(element)
    page_numbers(document, w.t("page"), lang)
    properties(document, title=inputs.title, author=inputs.author or inputs.organisation or "fivep", lang=lang,
               subject=w.t("subtitle"), keywords="5P; " + "; ".join(message(lang, f"dimensions.{d}") for d in DIMENSIONS))
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out


def _table_text(document: Any) -> str:
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


__all__ = ["ReportInputs", "Writer", "report_date", "write_report"]

"""The recommendation report as a Word document, in Thai or English.

:func:`write_report` lays out what :mod:`fivep.report.evidence` counts: cover and confidentiality
notice, executive summary, methods and respondents, findings per P (obstacles and recommendations by
sub-code with counts by group, quotes by pseudonymous code, a chart), recommendations by who should act,
and an appendix (codebook, agreement between coders, how the machine coded and how much of it a human
confirmed). Every sentence comes from the message catalogue of the report's language.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivep.messages import message
from fivep.model import DIMENSIONS
from fivep.report.docx_thai import add_heading, add_paragraph, add_run, add_table, prepare_document
from fivep.report.evidence import Evidence, Recommendation


@dataclass
class ReportInputs:
    """Everything the layout needs, gathered by :func:`fivep.report.build.gather`."""

    title: str
    evidence: Evidence
    demographics: dict[str, Any]
    demographics_text: str
    methods: dict[str, int]
    recommendations: list[Recommendation]
    researcher_written: bool
    agreement: Any            # DataFrame of fivep.coding.reliability.study_agreement, or None
    agreement_coders: str
    machine_coder: str
    confirmed: tuple[int, int, int]
    figures_dir: Path
    figures: list[Path] = field(default_factory=list)


def _new_document(template: Path | None, lang: str, font: str | None) -> Any:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    if template is not None:
        document = docx.Document(str(template))
        body = document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        prepare_document(document, font=font, lang=lang, keep_fonts=True)
        return document
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.size = Pt(11 if lang == "en" else 12)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5)):
        document.styles[name].font.size = Pt(size)
    prepare_document(document, font=font, lang=lang)
    return document


def write_report(inputs: ReportInputs, out: Path, *, lang: str = "en", template: Path | None = None,
                 font: str | None = "Sarabun") -> Path:
    from docx.enum.text import WD_BREAK

    document = _new_document(template, lang, None if template else font)
    ev = inputs.evidence

    def t(key: str, **values: Any) -> str:
        return message(lang, f"report.{key}", **values)

    # cover
    add_paragraph(document, "", lang=lang)
    add_heading(document, inputs.title, 0, lang=lang)
    add_paragraph(document, t("subtitle"), size=14, lang=lang)
    from fivep import __version__

    add_paragraph(document, t("date", date=dt.date.today().isoformat(), version=__version__), italic=True, lang=lang)
    box = document.add_paragraph()
    add_run(box, t("confidential_title") + ". ", bold=True, lang=lang, color="C00000")
    add_run(box, t("confidential"), lang=lang)
    if ev.min_cell:
        add_paragraph(document, t("small_cells", k=ev.min_cell), italic=True, lang=lang)

    # executive summary
    add_heading(document, t("summary"), 1, lang=lang)
    add_paragraph(document, t("summary_intro"), lang=lang)
    for dimension in DIMENSIONS:
        recs = [r for r in inputs.recommendations if r.dimension == dimension]
        if not recs:
            continue
        add_heading(document, message(lang, f"dimensions.{dimension}"), 3, lang=lang)
        for rec in sorted(recs, key=lambda r: -len(r.respondents))[:3]:
            paragraph = document.add_paragraph(style="List Bullet")
            add_run(paragraph, _text(rec, lang), bold=True, lang=lang)
            add_run(paragraph, f" ({ev.evidence_line(set(rec.respondents))})", lang=lang)

    # methods and respondents
    add_heading(document, t("methods"), 1, lang=lang)
    add_paragraph(document, t("methods_text", **inputs.methods), lang=lang, align="justify")
    add_paragraph(document, inputs.demographics_text, lang=lang, align="justify")
    add_heading(document, t("respondents_table"), 3, lang=lang)
    _demographics_table(document, inputs.demographics, ev, lang)

    # findings per P
    figure = 0
    for dimension in DIMENSIONS:
        name = message(lang, f"dimensions.{dimension}")
        add_heading(document, t("findings", dimension=name), 1, lang=lang)
        people = ev.respondents(dimension=dimension)
        if not people:
            add_paragraph(document, t("no_findings"), lang=lang)
            continue
        add_paragraph(document, t("findings_intro", n=ev.count(len(people)), total=len(ev.roster), dimension=name,
                                  groups=ev.groups_line(people)), lang=lang)
        codes, shares = ev.share_table(dimension)
        add_heading(document, t("obstacles_and_recs"), 2, lang=lang)
        rows = []
        for code in codes:
            rows.append([ev.code_label(code),
                         _cell_groups(ev, ev.respondents(codes=[code], kind="obstacle")),
                         _cell_groups(ev, ev.respondents(codes=[code], kind="recommendation")),
                         _cell_groups(ev, ev.respondents(codes=[code]))])
        add_table(document, [t("col_topic"), t("col_obstacles"), t("col_recommendations"), t("col_all")], rows,
                  widths_cm=[5.2, 3.9, 3.9, 3.6], lang=lang, size=8.5, bold_first_column=True)
        figure += 1
        path = inputs.figures_dir / f"{dimension}_{lang}"
        from fivep.report.figures import share_chart

        written = share_chart([ev.code_label(c) for c in codes], shares,
                              {g: ev.group_label(g) for g in ev.groups}, path)
        inputs.figures.extend(written)
        from docx.shared import Cm

        document.add_picture(str(path.with_suffix(".png")), width=Cm(15.5))
        add_paragraph(document, t("figure", n=figure, dimension=name), italic=True, size=9, lang=lang)
        add_heading(document, t("quotes"), 2, lang=lang)
        shown: set[str] = set()
        for code in codes[:4]:
            for kind in ("obstacle", "recommendation"):
                for quote in ev.quotes(codes=[code], kind=kind, limit=1, exclude=shown):
                    shown.add(quote.respondent_id)
                    _quote(document, ev, quote, f"{ev.code_label(code)} · {message(lang, f'kinds.{kind}')}", lang)

    # recommendations by actor
    add_heading(document, t("recommendations"), 1, lang=lang)
    add_paragraph(document, t("recommendations_intro") if inputs.researcher_written else t("recommendations_found"),
                  lang=lang)
    for dimension in DIMENSIONS:
        recs = [r for r in inputs.recommendations if r.dimension == dimension]
        if not recs:
            continue
        add_heading(document, message(lang, f"dimensions.{dimension}"), 2, lang=lang)
        by_actor: dict[str, list[Recommendation]] = {}
        for rec in recs:
            for actor in rec.actors or ("actor",):
                by_actor.setdefault(actor, []).append(rec)
        quoted: set[str] = set()
        for actor, items in by_actor.items():
            add_heading(document, ev.code_label(actor), 3, lang=lang)
            for rec in items:
                paragraph = document.add_paragraph(style="List Bullet")
                add_run(paragraph, _text(rec, lang), lang=lang)
                add_run(paragraph, f" — {ev.evidence_line(set(rec.respondents))}", italic=True, size=9.5, lang=lang)
                if rec.id not in quoted:   # a recommendation shared by several actors is quoted once
                    quoted.add(rec.id)
                    for quote in rec.quotes[:1]:
                        _quote(document, ev, quote, None, lang)
        named = ev.frame[(ev.frame["kind"] == "recommendation")
                         & ev.frame["segment_id"].isin(ev.frame.loc[ev.frame["dimension"] == dimension, "segment_id"])
                         & (ev.frame["dimension"] == "actor")]
        counts = named.groupby("code_id")["respondent_id"].nunique().sort_values(ascending=False)
        if len(counts):
            listed = ", ".join(f"{ev.code_label(code)} ({ev.count(int(n))})" for code, n in counts.head(6).items())
            add_paragraph(document, t("actors_named", dimension=message(lang, f"dimensions.{dimension}"),
                                      actors=listed), size=9.5, italic=True, lang=lang)

    # appendix
    paragraph = document.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    add_heading(document, t("appendix"), 1, lang=lang)
    add_heading(document, t("codebook"), 2, lang=lang)
    rows = []
    for entry in ev.codebook.codes:
        if entry.parent and entry.dimension in DIMENSIONS:
            definition = entry.definition_th if lang == "th" and entry.definition_th else entry.definition
            rows.append([entry.id, entry.label(lang), _first_sentence(definition)])
    add_table(document, [t("col_code"), t("col_label"), t("col_definition")], rows, widths_cm=[4.3, 4.6, 7.7],
              lang=lang, size=8)
    add_heading(document, t("agreement"), 2, lang=lang)
    _agreement(document, inputs, lang)
    add_heading(document, t("machine"), 2, lang=lang)
    confirmed, total, segments = inputs.confirmed
    note = t("confirmed", segments=segments, share=f"{100 * confirmed / total:.1f}", n=confirmed, total=total) \
        if total else t("confirmed_none")
    add_paragraph(document, t("machine_text", coder=inputs.machine_coder, confirmed=note), lang=lang, align="justify")
    out.parent.mkdir(parents=True, exist_ok=True)
    document.core_properties.title = inputs.title
    document.core_properties.language = "th-TH" if lang == "th" else "en-GB"
    document.save(str(out))
    return out


def _text(rec: Recommendation, lang: str) -> str:
    return rec.text.get(lang) or next(iter(rec.text.values()))


def _first_sentence(text: str, limit: int = 230) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    text = text[: end + 1] if 0 < end < limit else text
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"


def _cell_groups(ev: Evidence, people: set[str]) -> str:
    if not people:
        return "–"
    lines = [f"{ev.count(len(people))} / {len(ev.roster)}"]
    for group, n in ev.by_group(people).items():
        if n:
            lines.append(f"{ev.group_label(group)} {ev.count(n)}/{ev.group_sizes[group]}")
    return "\n".join(lines)


def _quote(document: Any, ev: Evidence, quote: Any, topic: str | None, lang: str) -> None:
    from docx.shared import Cm

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(0.8)
    paragraph.paragraph_format.space_after = Cm(0.15)
    add_run(paragraph, f"“{quote.text}”", italic=True, size=10, lang=lang)
    attribution = f" — {quote.respondent_id}, {ev.group_label(quote.group)}"
    add_run(paragraph, attribution, bold=True, size=9, lang=lang)
    if quote.translated_from:
        source = message(lang, f"languages.{quote.translated_from}") if quote.translated_from in ("th", "en") \
            else quote.translated_from
        add_run(paragraph, " " + message(lang, "report.translated", language=source), size=8.5, lang=lang,
                color="595959")
    if topic:
        add_run(paragraph, f" ({topic})", size=8.5, lang=lang, color="595959")


def _demographics_table(document: Any, result: dict[str, Any], ev: Evidence, lang: str) -> None:
    from fivep.analysis.demographics import _fmt, _mean

    def cell(c: dict[str, Any]) -> str:
        return str(c.get("shown") or "") if c.get("suppressed") else f"{c['n']} ({_fmt(c['pct'])}%)"

    def stats(s: dict[str, Any] | None) -> str:
        return "–" if not s else f"{_fmt(s['min'])}–{_fmt(s['max'])} ({_mean(s['mean'])})"

    rows = []
    for name, p in result["groups"].items():
        sectors = ", ".join(f"{ev.group_label(k)} {_fmt(v['pct'])}%" for k, v in p["sector"].items()
                            if v.get("pct") is not None) or "–"
        provinces = ", ".join(f"{_province(k, lang)} {v['n']}" for k, v in p["province"].items()
                              if v.get("n") is not None) or "–"
        rows.append([_capital(ev.group_label(name)), str(p["n"] if p["n"] is not None else p.get("n_shown")), cell(p["sex"]["female"]), cell(p["sex"]["male"]),
                     stats(p["age"]), stats(p["years_experience"]), sectors, provinces])
    header = [message(lang, f"demographics.column_{k}") for k in ("group", "n", "female", "male", "age", "experience",
                                                                   "sector", "province")]
    add_table(document, header, rows, widths_cm=[2.6, 1.0, 1.9, 1.9, 2.0, 2.2, 2.6, 2.4], lang=lang, size=8,
              bold_first_column=True)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _province(name: str, lang: str) -> str:
    if lang != "th":
        return name
    from fivep.ingest.roster import _provinces_th

    return _provinces_th().get(name, name)


def _agreement(document: Any, inputs: ReportInputs, lang: str) -> None:
    table = inputs.agreement

    def t(key: str, **values: Any) -> str:
        return message(lang, f"report.{key}", **values)

    if table is None or table.empty:
        add_paragraph(document, t("agreement_none"), lang=lang)
        return
    dims = table[table["level"] == "dimension"]
    units = int(dims["units"].max()) if len(dims) else 0
    add_paragraph(document, t("agreement_intro", coders=inputs.agreement_coders.replace("+", " / "), units=units),
                  lang=lang)
    rows = []
    for row in dims.itertuples():
        label = t("pooled") if row.label == "pooled" else message(lang, f"dimensions.{row.label}")

        def num(x: Any) -> str:
            return "–" if x is None or math.isnan(x) else f"{x:.2f}"

        rows.append([label, f"{num(row.alpha)} ({num(row.alpha_low)}–{num(row.alpha_high)})", num(row.cohen),
                     "–" if math.isnan(row.percent) else f"{100 * row.percent:.1f}"])
    add_table(document, [t("col_dimension"), t("col_alpha"), t("col_kappa"), t("col_percent")], rows,
              widths_cm=[4.5, 4.5, 3.5, 3.5], lang=lang, size=9)

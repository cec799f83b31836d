"""The sections of the report, in the order Thai agencies publish them (see :mod:`fivep.report.docx_report`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fivep.messages import message
from fivep.model import DIMENSIONS
from fivep.report.docx_parts import add_caption, add_picture, page_break, report_date
from fivep.report.docx_thai import add_run

if TYPE_CHECKING:
    from fivep.report.docx_report import Writer

# abbreviation -> key of its meaning in the message catalogue's [abbreviations]
ABBREVIATIONS = {"ศปคม.": "pocht_th", "พม.": "msdhs_th", "อพม.": "osm_th", "POCHT": "POCHT", "MSDHS": "MSDHS",
                 "MDT": "MDT", "DSI": "DSI", "NGO": "NGO", "พ.ศ.": "BE_th", "B.E.": "BE", "NRM": "NRM", "IOM": "IOM",
                 "UNODC": "UNODC"}


def _study_text(w: Writer, key: str) -> Any:
    """A text the researcher gave in study.toml ``[report]`` (``key = {en = ..., th = ...}`` or a list)."""
    value = w.inputs.methods.get("texts", {}).get(key)
    if isinstance(value, dict):
        return value.get(w.lang) or next(iter(value.values()), None)
    return value


def cover(w: Writer) -> None:
    from fivep import __version__

    for _ in range(3):
        w.para("")
    w.heading(w.inputs.title, 0)
    w.para(w.t("subtitle"), style="Subtitle")
    by = w.inputs.organisation or w.inputs.author
    if by:
        w.para(by, bold=True)
    w.para(report_date(w.inputs.date, w.lang))
    for _ in range(4):
        w.para("")
    box = w.para("")
    add_run(box, w.t("confidential_title") + ". ", bold=True, lang=w.lang, color="C00000")
    add_run(box, w.t("confidential"), lang=w.lang, size=10)
    if w.ev.min_cell:
        w.para(w.t("small_cells", k=w.ev.min_cell), size=10)
    w.para(w.t("made_with", version=__version__), size=8.5, color="595959")
    page_break(w.document)


def abbreviations(w: Writer, text: str) -> None:
    """The abbreviations the report uses, with what they stand for."""
    import re

    used = [a for a in ABBREVIATIONS if re.search(rf"(?<![A-Za-z\u0e00-\u0e7f]){re.escape(a)}(?![A-Za-z])", text)]
    if not used:
        return
    w.heading(w.t("abbreviations"), 1)
    rows = [[a, message(w.lang, f"abbreviations.{ABBREVIATIONS[a]}")] for a in used]
    w.table_of(w.t("abbreviations"), [w.t("col_abbreviation"), w.t("col_meaning")], rows, [3.0, 13.0], size=9.5)


def summary(w: Writer) -> None:
    ev, m = w.ev, w.inputs.methods
    w.heading(w.t("summary"), 1)
    w.para(w.t("summary_study", respondents=len(ev.roster), interviews=m["interviews"], groups=m["groups"],
               group_list=ev.groups_line(set(ev.group_of))), justify=True)
    w.heading(w.t("summary_findings"), 2)
    for dimension in DIMENSIONS:
        codes, _ = ev.share_table(dimension)
        if not codes:
            continue
        top = ", ".join(f"{ev.code_label(c)} ({ev.count(len(ev.respondents(codes=[c])))})" for c in codes[:3])
        w.bullet(" " + w.t("summary_topics", topics=top), bold=message(w.lang, f"dimensions.{dimension}") + ":")
    w.heading(w.t("summary_recommendations"), 2)
    ranked = sorted(enumerate(w.inputs.recommendations, 1), key=lambda x: ("high", "medium", "low").index(x[1].priority))
    for number, rec in ranked[:6]:
        w.bullet(f" {_text(rec, w.lang)} ({w.t('lead')}: {_actor(w, rec.lead)}; "
                 f"{w.t('priority')}: {w.t('priority_' + rec.priority)})", bold=f"R{number}.")
    w.para(w.t("summary_counts", coder=w.t("coder_machine") if w.ev.coder == w.inputs.machine_coder
               else w.t("coder_human", coder=w.ev.coder)), size=9.5, color="595959")


def introduction(w: Writer) -> None:
    from docx.shared import Pt

    w.heading(w.t("introduction"), 1)
    w.para(_study_text(w, "introduction") or w.t("introduction_text", title=w.inputs.title), justify=True)
    w.para(w.t("five_p"), justify=True)
    w.heading(w.t("objectives"), 1)
    objectives = _study_text(w, "objectives")
    if isinstance(objectives, str):
        objectives = [objectives]
    for number, objective in enumerate(objectives or [w.t(f"objective_{i}") for i in (1, 2, 3)], 1):
        paragraph = w.para("")
        paragraph.paragraph_format.left_indent = Pt(18)
        paragraph.paragraph_format.first_line_indent = Pt(-18)
        add_run(paragraph, f"{number}.\t", bold=True, lang=w.lang)
        add_run(paragraph, str(objective), lang=w.lang)


def methods(w: Writer) -> None:
    ev, m = w.ev, w.inputs.methods
    w.heading(w.t("methods"), 1)
    w.para(w.t("methods_text", interviews=m["interviews"], groups=m["groups"], respondents=len(ev.roster),
               documents=m["documents"], segments=m["segments"]), justify=True)
    confirmed, total, _read = w.inputs.confirmed
    w.para(w.t("methods_coding", human=m["human"], documents=m["documents"]) + " "
           + (w.t("methods_confirmed", share=f"{100 * confirmed / total:.0f}") if total else ""), justify=True)
    w.para(w.t("methods_counts"), justify=True)
    w.heading(w.t("respondents"), 2)
    w.para(w.inputs.demographics_text, justify=True)
    from fivep.report.docx_tables import demographics_table

    demographics_table(w)


def findings(w: Writer) -> None:
    from fivep.report.figures import share_chart

    ev = w.ev
    for dimension in DIMENSIONS:
        name = message(w.lang, f"dimensions.{dimension}")
        w.heading(w.t("findings", dimension=name), 1)
        people = ev.respondents(dimension=dimension)
        if not people:
            w.para(w.t("no_findings"))
            continue
        w.para(w.t("findings_intro", n=ev.count(len(people)), total=len(ev.roster), dimension=name,
                   groups=ev.groups_line(people)), justify=True)
        codes, shares = ev.share_table(dimension)
        w.heading(w.t("obstacles_and_recs"), 2)
        rows = [[ev.code_label(code), _cell(w, ev.respondents(codes=[code], kind="obstacle")),
                 _cell(w, ev.respondents(codes=[code], kind="recommendation", affirmed=True)),
                 _cell(w, ev.respondents(codes=[code]))] for code in codes]
        w.table_of(w.t("table_findings", dimension=name),
                   [w.t("col_topic"), w.t("col_obstacles"), w.t("col_recommendations"), w.t("col_all")], rows,
                   [5.0, 3.7, 3.7, 3.6], size=8.5, bold_first_column=True)
        path = w.inputs.figures_dir / f"{dimension}_{w.lang}"
        labels = [ev.code_label(c) for c in codes]
        w.inputs.figures.extend(share_chart(labels, shares, {g: ev.group_label(g) for g in ev.groups}, path))
        w.figure += 1
        caption = w.t("figure", dimension=name)
        top = max(range(len(codes)), key=lambda i: sum(s[i] for s in shares.values())) if codes else 0
        alt = w.t("figure_alt", dimension=name, n=len(codes), groups=", ".join(ev.group_label(g) for g in ev.groups),
                  top=labels[top] if labels else "")
        add_picture(w.document, path.with_suffix(".png"), 15.5, alt, caption)
        add_caption(w.document, "Figure", w.t("figure_label"), w.figure, caption, w.lang)
        w.heading(w.t("quotes"), 2)
        shown: set[str] = set()
        for code in codes[:4]:
            for kind in ("obstacle", "recommendation"):
                for quote in ev.quotes(codes=[code], kind=kind, limit=1, exclude=shown):
                    shown.add(quote.respondent_id)
                    w.quote(quote, f"{ev.code_label(code)}: {message(w.lang, f'kinds.{kind}')}")


def _cell(w: Writer, people: set[str]) -> str:
    ev = w.ev
    if not people:
        return "–"
    lines = [f"{ev.count(len(people))} / {len(ev.roster)}"]
    for group, n in ev.by_group(people).items():
        if n:
            lines.append(f"{ev.group_label(group)} {ev.count(n)}/{ev.group_sizes[group]}")
    return "\n".join(lines)


def _text(rec: Any, lang: str) -> str:
    return str(rec.text.get(lang) or next(iter(rec.text.values())))


def _actor(w: Writer, key: str) -> str:
    return message(w.lang, f"actors.{key}")


def recommendations(w: Writer) -> None:
    from fivep.report.actors import by_actor

    recs = w.inputs.recommendations
    w.heading(w.t("recommendations"), 1)
    w.para(w.t("recommendations_intro") if w.inputs.researcher_written else w.t("recommendations_found"),
           justify=True)
    w.para(w.t("priority_rule"), size=9.5, justify=True)
    numbered = list(enumerate(recs, 1))
    for kind in ("policy", "operational"):
        chosen = [(n, r) for n, r in numbered if r.type == kind]
        if not chosen:
            continue
        w.heading(w.t(f"recommendations_{kind}"), 2)
        for number, rec in chosen:
            _recommendation(w, number, rec)
    w.heading(w.t("by_actor"), 2)
    rows = [[_actor(w, actor), ", ".join(f"R{n}" for n in leads) or "–", ", ".join(f"R{n}" for n in supports) or "–"]
            for actor, (leads, supports) in by_actor(recs).items()]
    w.table_of(w.t("by_actor"), [w.t("col_actor"), w.t("col_leads"), w.t("col_supports")], rows, [8.0, 4.0, 4.0],
               size=9, bold_first_column=True)


def _recommendation(w: Writer, number: int, rec: Any) -> None:
    ev = w.ev
    paragraph = w.para("")
    paragraph.paragraph_format.keep_with_next = True
    add_run(paragraph, f"R{number}. ", bold=True, lang=w.lang, color="1F3864")
    add_run(paragraph, _text(rec, w.lang), bold=True, lang=w.lang)
    details = [(w.t("lead"), _actor(w, rec.lead)),
               (w.t("support"), ", ".join(_actor(w, a) for a in rec.support) or "–"),
               (w.t("priority"), w.t("priority_" + rec.priority)),
               (w.t("serves"), ", ".join(message(w.lang, f"dimensions.{d}") for d in rec.dimensions))]
    if rec.timeframe:
        details.append((w.t("timeframe"), w.t("timeframe_" + rec.timeframe)))
    line = w.para("", size=9.5)
    for i, (label, value) in enumerate(details):
        add_run(line, ("" if i == 0 else " · ") + label + ": ", bold=True, size=9.5, lang=w.lang)
        add_run(line, value, size=9.5, lang=w.lang)
    people = set(rec.respondents)
    evidence = ev.evidence_line(people)
    if people:
        evidence += w.t("evidence_confirmed", n=ev.count(len(rec.confirmed))) if w.ev.support.human_read else ""
    w.para(evidence, size=9.5, color="404040")
    for quote in ev.quotes(codes=rec.codes, kind="recommendation", limit=1) if rec.codes else []:
        w.quote(quote, None)


def closing(w: Writer) -> None:
    ev, m = w.ev, w.inputs.methods
    confirmed, total, _ = w.inputs.confirmed
    w.heading(w.t("limitations"), 1)
    for key in ("limitation_sample", "limitation_coding", "limitation_counts"):
        w.bullet(" " + w.t(key, human=m["human"], documents=m["documents"],
                           share=f"{100 * confirmed / total:.0f}" if total else "0"))
    if ev.withheld:
        w.bullet(" " + w.t("limitation_withheld", n=len(ev.withheld)))
    w.heading(w.t("ethics"), 1)
    w.para(_study_text(w, "ethics") or w.t("ethics_missing"), justify=True)
    w.para(w.t("ethics_protections", k=ev.min_cell or "–"), justify=True)
    w.heading(w.t("conclusion"), 1)
    high = [r for r in w.inputs.recommendations if r.priority == "high"]
    w.para(w.t("conclusion_text", n=len(w.inputs.recommendations), high=len(high)), justify=True)


def annexes(w: Writer) -> None:
    from fivep.report.docx_tables import agreement_table, codebook_table

    page_break(w.document)
    w.heading(w.t("appendix"), 1)
    w.heading(w.t("codebook"), 2)
    codebook_table(w)
    w.heading(w.t("agreement"), 2)
    agreement_table(w)
    w.heading(w.t("machine"), 2)
    confirmed, total, segments = w.inputs.confirmed
    note = w.t("confirmed", segments=segments, share=f"{100 * confirmed / total:.1f}", n=confirmed, total=total) \
        if total else w.t("confirmed_none")
    w.para(w.t("machine_text", coder=w.inputs.machine_coder, confirmed=note), justify=True)
    w.heading(w.t("translations"), 2)
    pending = len({q.segment_id for q, _ in w.inputs.to_translate})
    w.para(w.t("translations_text", file="translations.csv", pending=pending), justify=True)

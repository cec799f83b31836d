"""HTML for the workbench views: highlighted text, coding stripes, cards and tables.

Pure functions over plain values, so every view can be checked without a browser. Text is always
escaped; offsets are half-open code-point indices, as everywhere in fivep.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

COLORS: dict[str, str] = {
    "policy": "#4e79a7", "prosecution": "#e15759", "protection": "#59a14f", "prevention": "#f28e2b",
    "partnership": "#b07aa1", "actor": "#9c755f",
}
KIND_COLORS: dict[str, str] = {"obstacle": "#e15759", "recommendation": "#59a14f", "other": "#bab0ac"}

CSS = """
.fv-doc { font-family: 'Sarabun', 'Noto Sans Thai', sans-serif; line-height: 1.6; max-height: 34em;
  overflow-y: auto; padding-right: .5em; }
.fv-turn { display: flex; gap: .6em; padding: .25em .3em; border-bottom: 1px solid #eee; }
.fv-turn.fv-interviewer { color: #777; }
.fv-who { flex: 0 0 9em; font-size: .85em; }
.fv-who b { display: block; }
.fv-group { color: #666; }
.fv-body { flex: 1 1 auto; }
.fv-seg { cursor: pointer; border-left: 3px solid transparent; padding-left: .4em; }
.fv-seg:hover { background: #f6f8fa; }
.fv-seg.fv-selected { border-left-color: #1f6feb; background: #eef4ff; }
.fv-text { white-space: pre-wrap; }
.fv-stripes { display: flex; flex-wrap: wrap; gap: .25em; margin: .15em 0 .1em 0; }
.fv-chip { font-size: .75em; border: 1px solid; border-left-width: 5px; border-radius: 3px;
  padding: 0 .35em; background: #fff; }
.fv-chip.fv-machine { border-style: dashed; }
.fv-kind { font-size: .75em; color: #fff; border-radius: 3px; padding: 0 .35em; }
mark.fv-evidence { background: #fff3b0; }
mark.fv-span { background: #d7ecff; }
mark.fv-evidence.fv-span { background: #c9f0c1; }
.fv-card { border: 1px solid #ddd; border-radius: 6px; padding: .8em 1em; max-width: 52em; }
.fv-card .fv-context { color: #888; font-size: .9em; white-space: pre-wrap; }
.fv-card .fv-proposal { font-size: 1.15em; margin: .4em 0; }
.fv-muted { color: #888; }
.fv-table { border-collapse: collapse; width: 100%; }
.fv-table td, .fv-table th { border-bottom: 1px solid #eee; padding: .2em .4em; vertical-align: top;
  text-align: left; }
"""


@dataclass(frozen=True)
class Span:
    """A stretch of text to highlight: ``[start, end)`` in the same offsets as the text given."""

    start: int
    end: int
    css: str
    title: str = ""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def highlight(text: str, spans: Iterable[Span], offset: int = 0) -> str:
    """``text`` as escaped HTML with every span (offsets minus ``offset``) wrapped in a ``<mark>``.

    Overlapping spans are split at their boundaries; a piece covered by several carries all their
    classes and titles. Spans outside the text are clipped; empty ones are ignored.
    """
    clipped = []
    for s in spans:
        start, end = max(0, s.start - offset), min(len(text), s.end - offset)
        if start < end:
            clipped.append(Span(start, end, s.css, s.title))
    cuts = sorted({0, len(text), *(s.start for s in clipped), *(s.end for s in clipped)})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        piece = esc(text[a:b])
        cover = [s for s in clipped if s.start <= a and b <= s.end]
        if cover:
            classes = " ".join(dict.fromkeys(c for s in cover for c in s.css.split()))
            title = "; ".join(dict.fromkeys(s.title for s in cover if s.title))
            out.append(f'<mark class="{esc(classes)}" title="{esc(title)}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def chip(label: str, dimension: str, coder: str, *, machine: bool = False, title: str = "") -> str:
    color = COLORS.get(dimension, "#888")
    css = "fv-chip fv-machine" if machine else "fv-chip"
    return (f'<span class="{css}" style="border-color:{color}" title="{esc(title or coder)}">'
            f"{esc(label)} <span class=\"fv-muted\">· {esc(coder)}</span></span>")


def kind_badge(kind: str | None, coder: str = "") -> str:
    if not kind:
        return ""
    color = KIND_COLORS.get(kind, "#888")
    return f'<span class="fv-kind" style="background:{color}" title="{esc(coder)}">{esc(kind)}</span>'


def table(columns: Sequence[str], rows: Iterable[Sequence[str]], *, empty: str = "nothing found") -> str:
    """An HTML table; cells are given as HTML (escape text with :func:`esc` first)."""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="fv-muted">{esc(empty)}</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    return f'<table class="fv-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def page(body: str) -> str:
    """A fragment with the workbench's style sheet, for ``ipywidgets.HTML`` and notebook display."""
    return f"<style>{CSS}</style>{body}"

"""Retrieval and disagreement views: what :meth:`Study.retrieve` and :meth:`Study.disagreements`
return, as HTML a researcher reads (statement, who said it, its context, who coded it how)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fivep.workbench import render
from fivep.workbench.session import is_blank

if TYPE_CHECKING:
    import pandas as pd

    from fivep.workbench.session import CodingSession


def _who(row: dict[str, Any]) -> str:
    return f"<b>{_cell(row.get('respondent_id'))}</b><br>{_cell(row.get('group'))}"


def _cell(value: Any) -> str:
    return "" if is_blank(value) else render.esc(value)


def _context(value: Any) -> str:
    """Neighbouring turns (``SPEAKER: text`` lines) in grey."""
    if not isinstance(value, str) or not value.strip():
        return ""
    return "".join(f'<div class="fv-context">{render.esc(line)}</div>' for line in value.splitlines() if line)


def retrieve(session: CodingSession, *, code: str | None = None, dimension: str | None = None,
             group: str | None = None, coder: str | None = None, context: int = 1) -> pd.DataFrame:
    """Statements coded ``code`` (or any code of ``dimension``) from respondents of ``group`` by
    ``coder``, each with ``context`` statements around it: :meth:`Study.retrieve`."""
    return session.study.retrieve(code=code or None, dimension=dimension or None, group=group or None,
                                  coder=coder or None, context=context)


def retrieval_html(session: CodingSession, frame: pd.DataFrame) -> str:
    """One row per retrieved statement: where, who (pseudonymous code, group), code and coder, the
    text with its context before and after."""
    rows = []
    for row in frame.to_dict("records"):
        code = row.get("code_id")
        label = "" if is_blank(code) else render.chip(session.label(code), session.dimension(code),
                                                       str(row.get("coder", "")))
        text = (_context(row.get("before")) + f'<div class="fv-text">{_cell(row.get("text"))}</div>'
                + _context(row.get("after")))
        rows.append([_cell(row.get("segment_id")), _who(row), label, text])
    summary = f'<p class="fv-muted">{len(frame)} statement(s)</p>'
    return render.page(summary + render.table(["statement", "who", "code", "text"], rows))


def disagreements_html(session: CodingSession, frame: pd.DataFrame, coder_a: str, coder_b: str) -> str:
    """The statements two coders coded differently: the text, and side by side what only each coder gave
    it (codes both gave are listed in grey), with each coder's kind."""
    rows = []
    for row in frame.to_dict("records"):
        both = list(row.get("both") or [])
        cells = []
        for coder, only, kind in ((coder_a, row.get("only_a"), row.get("kind_a")),
                                  (coder_b, row.get("only_b"), row.get("kind_b"))):
            chips = [render.chip(session.label(c), session.dimension(c), coder) for c in sorted(only or [])]
            shared = [f'<span class="fv-muted">{render.esc(c)}</span>' for c in sorted(both)]
            cells.append(render.kind_badge(None if is_blank(kind) else str(kind), coder) + " ".join(chips + shared)
                         or '<span class="fv-muted">—</span>')
        text = f'<div class="fv-text">{_cell(row.get("text"))}</div>'
        rows.append([_cell(row.get("segment_id")), _who(row), text, *cells])
    summary = f'<p class="fv-muted">{len(frame)} statement(s) coded differently by {render.esc(coder_a)} ' \
              f'and {render.esc(coder_b)}</p>'
    return render.page(summary + render.table(["statement", "who", "text", coder_a, coder_b], rows,
                                              empty="the two coders agree on every statement both coded"))

"""The report's tables: respondents by group, the codebook (labels and full definitions, no code ids),
and agreement between coders."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from fivep.messages import message
from fivep.model import DIMENSIONS

if TYPE_CHECKING:
    from fivep.report.docx_report import Writer


def demographics_table(w: Writer) -> None:
    from fivep.analysis.demographics import _fmt, _mean

    ev, lang = w.ev, w.lang

    def cell(c: dict[str, Any]) -> str:
        return str(c.get("shown") or "") if c.get("suppressed") else f"{c['n']} ({_fmt(c['pct'])}%)"

    def stats(s: dict[str, Any] | None) -> str:
        return "–" if not s else f"{_fmt(s['min'])}–{_fmt(s['max'])} ({_mean(s['mean'])})"

    groups = w.inputs.demographics["groups"]
    columns: list[list[str]] = []
    for p in groups.values():
        unknown = message(lang, "demographics.value_unknown")
        sectors = "\n".join(f"{unknown if k == 'unknown' else ev.group_label(k)} {_fmt(v['pct'])}%"
                            for k, v in p["sector"].items() if v.get("pct") is not None) or "–"
        provinces = "\n".join(f"{unknown if k == 'unknown' else _province(k, lang)} {v['n']}"
                              for k, v in p["province"].items() if v.get("n") is not None) or "–"
        columns.append([str(p["n"] if p["n"] is not None else p.get("n_shown")), cell(p["sex"]["female"]), cell(p["sex"]["male"]), stats(p["age"]),
                        stats(p["years_experience"]), sectors, provinces])
    measures = [message(lang, f"demographics.column_{k}") for k in ("n", "female", "male", "age", "experience",
                                                                     "sector", "province")]
    # groups as columns: a portrait page holds five groups, not eight measures
    rows = [[measure, *(column[i] for column in columns)] for i, measure in enumerate(measures)]
    header = [message(lang, "demographics.column_group"), *(_capital(ev.group_label(g)) for g in groups)]
    first = 3.0
    rest = (16.0 - first) / max(1, len(groups))
    w.table_of(w.t("respondents_table"), header, rows, [first] + [rest] * len(groups), size=8.5,
               bold_first_column=True)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _province(name: str, lang: str) -> str:
    if lang != "th":
        return name
    from fivep.ingest.roster import _provinces_th

    return _provinces_th().get(name, name)


def codebook_table(w: Writer) -> None:
    """Each P's topics with their full definitions (never cut, never a code id)."""
    rows = []
    for entry in w.ev.codebook.codes:
        if entry.parent and entry.dimension in DIMENSIONS:
            definition = entry.definition_th if w.lang == "th" and entry.definition_th else entry.definition
            rows.append([message(w.lang, f"dimensions.{entry.dimension}"), entry.label(w.lang),
                         " ".join(str(definition).split())])
    w.table_of(w.t("codebook_caption"), [w.t("col_dimension"), w.t("col_label"), w.t("col_definition")], rows,
               [2.4, 4.4, 9.2], size=8)


def agreement_table(w: Writer) -> None:
    table = w.inputs.agreement
    if table is None or table.empty:
        w.para(w.t("agreement_none"))
        return
    dims = table[table["level"] == "dimension"]
    per_p = dims[dims["label"] != "pooled"]
    units = int(per_p["units"].max()) if len(per_p) else 0
    w.para(w.t("agreement_intro", coders=w.inputs.agreement_coders.replace("+", " / "), units=units), justify=True)

    def num(x: Any) -> str:
        return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"

    rows = []
    for row in dims.itertuples():
        label = w.t("pooled") if row.label == "pooled" else message(w.lang, f"dimensions.{row.label}")
        rows.append([label, f"{num(row.alpha)} ({num(row.alpha_low)}–{num(row.alpha_high)})", num(row.cohen),
                     "–" if math.isnan(row.percent) else f"{100 * row.percent:.1f}"])
    w.table_of(w.t("agreement"), [w.t("col_dimension"), w.t("col_alpha"), w.t("col_kappa"), w.t("col_percent")],
               rows, [4.5, 4.5, 3.5, 3.5], size=9)

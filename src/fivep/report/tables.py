"""Demographics and analysis tables for the terminal and for CSV."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from fivep.analysis.demographics import _fmt, describe
from fivep.cells import safe_writer


def _range(stats: Mapping[str, Any] | None) -> str:
    if not stats:
        return "–"
    text = f"{_fmt(stats['min'])}–{_fmt(stats['max'])} (mean {_fmt(stats['mean'])})"
    unknown = stats.get("unknown") if stats.get("unknown") is not None else stats.get("unknown_shown")
    return text + (f", {unknown} unknown" if unknown else "")


def _cell(cell: Mapping[str, Any]) -> str:
    if cell.get("suppressed"):
        return str(cell.get("shown") or "suppressed")
    return f"{cell['n']} ({_fmt(cell['pct'])}%)"


def _shares(cells: Mapping[str, Mapping[str, Any]]) -> str:
    return ", ".join(f"{k} {_cell(v)}" for k, v in cells.items()) or "–"


def demographics_rows(result: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for name, p in result["groups"].items():
        rows.append({"group": name, "n": str(p["n"] if p["n"] is not None else p.get("n_shown")), "female": _cell(p["sex"]["female"]),
                     "male": _cell(p["sex"]["male"]),
                     "sex_unknown": _cell(p["sex"]["unknown"]) if "unknown" in p["sex"] else "",
                     "age": _range(p["age"]),
                     "years_experience": _range(p["years_experience"]), "sector": _shares(p["sector"]),
                     "province": _shares(p["province"]), "method": _shares(p["method"])})
    return rows


def demographics_csv(result: Mapping[str, Any]) -> str:
    """One row per group and measure: group, measure, value, n, pct (tidy, for spreadsheets)."""
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow(["group", "measure", "value", "n", "pct"])
    for name, p in result["groups"].items():
        writer.writerow([name, "total", "", p["n"] if p["n"] is not None else p.get("n_shown"),
                         100.0 if p["n"] is not None else ""])
        for measure in ("sex", "sector", "province", "method"):
            for value, cell in p[measure].items():
                writer.writerow([name, measure, value, cell.get("shown", "") if cell["n"] is None else cell["n"],
                                 "" if cell["pct"] is None else cell["pct"]])
        for measure in ("age", "years_experience"):
            if p[measure]:
                for stat in ("min", "max", "mean"):
                    writer.writerow([name, measure, stat, "", p[measure][stat]])
                known = p[measure].get("n")
                writer.writerow([name, measure, "known", known if known is not None else "", ""])
                unknown = p[measure].get("unknown")
                writer.writerow([name, measure, "unknown", unknown if unknown is not None
                                 else p[measure].get("unknown_shown", ""), ""])
    return buffer.getvalue()


def print_demographics(result: Mapping[str, Any], console: Any,
                       labels: Mapping[str, Mapping[str, str]] | None = None) -> None:
    from rich.table import Table

    rows = demographics_rows(result)
    table = Table(title=f"Respondents (total {result['total']})")
    unknown = any(row["sex_unknown"] for row in rows)
    for column in ("group", "n", "female", "male", *(["sex unknown"] * unknown), "age", "experience"):
        table.add_column(column, no_wrap=True, min_width=len(column))
    for row in rows:
        table.add_row(row["group"], row["n"], row["female"], row["male"], *([row["sex_unknown"] or "–"] * unknown),
                      row["age"], row["years_experience"])
    console.print(table)
    spread = Table(title="Sector, province and method")
    for column in ("group", "sector", "province", "method"):
        spread.add_column(column, overflow="fold")
    for row in rows:
        spread.add_row(row["group"], row["sector"].replace(", ", "\n"), row["province"].replace(", ", "\n"),
                       row["method"].replace(", ", "\n"))
    console.print(spread)
    console.print()
    console.print(describe(result, "en", labels))
    console.print()
    console.print(describe(result, "th", labels))


def print_evaluation(results: list[tuple[str, Any]], console: Any) -> None:
    """Evaluation tables: one per (coder, document set), dimensions then sub-codes."""
    from rich.table import Table

    def fmt(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    for label, ev in results:
        table = Table(title=f"{ev.machine} vs {ev.coder}: {label} ({len(ev.documents)} documents, "
                            f"{ev.segments} segments)")
        for column in ("dimension / code", "support", "predicted", "P", "R", "F1", "kappa"):
            table.add_column(column, justify="left" if column == "dimension / code" else "right")
        for s in ev.dimensions:
            table.add_row(f"[bold]{s.label}[/]", str(s.support), str(s.predicted), fmt(s.precision), fmt(s.recall),
                          fmt(s.f1), fmt(s.kappa))
        table.add_row("[bold]dimensions micro[/]", "", "", fmt(ev.dimension_micro["precision"]),
                      fmt(ev.dimension_micro["recall"]), fmt(ev.dimension_micro["f1"]), "")
        table.add_row("[bold]dimensions macro[/]", "", "", fmt(ev.dimension_macro["precision"]),
                      fmt(ev.dimension_macro["recall"]), fmt(ev.dimension_macro["f1"]), "")
        for s in ev.codes:
            table.add_row(f"  {s.label}", str(s.support), str(s.predicted), fmt(s.precision), fmt(s.recall),
                          fmt(s.f1), fmt(s.kappa))
        table.add_row("[bold]sub-codes micro[/]", "", "", fmt(ev.micro["precision"]), fmt(ev.micro["recall"]),
                      fmt(ev.micro["f1"]), "")
        table.add_row("[bold]sub-codes macro[/]", "", "", fmt(ev.macro["precision"]), fmt(ev.macro["recall"]),
                      fmt(ev.macro["f1"]), "")
        console.print(table)
        if ev.kind_accuracy is not None:
            console.print(f"kind accuracy: {ev.kind_accuracy:.2f} on {ev.kind_n} segments")
        console.print()

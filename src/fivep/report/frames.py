"""Analysis tables (pandas DataFrames) printed in the terminal with rich."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.{digits}f}"
    return "" if value is None else str(value)


def print_frame(frame: pd.DataFrame, console: Any, *, title: str = "", digits: int = 2, index: bool = True) -> None:
    """Print a DataFrame as a rich table; floats rounded to ``digits``, NaN as a dash."""
    from rich.table import Table

    table = Table(title=title or None, title_justify="left")
    names = [str(n or "") for n in frame.index.names] if index else []
    for name in names:
        table.add_column(name, justify="left")
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for key, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        keys = list(key) if isinstance(key, tuple) else [key]
        table.add_row(*([str(k) for k in keys] if index else []), *(_cell(v, digits) for v in row))
    console.print(table)


def agreement_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Agreement rows as JSON-ready dicts (NaN as null)."""
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]

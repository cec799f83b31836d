"""Analysis charts with Thai labels: dimensions by group, co-occurrence, agreement, topics.

Every chart function takes ``ax=None`` (a new figure when not given) and returns the Axes; matplotlib
is imported inside. Text is set in Sarabun, the Thai font that ships with the ``fontpkg-sarabun``
package (registered with matplotlib on first use), with DejaVu Sans as fallback, so Thai and English
labels render without missing glyphs. :func:`save` writes PNG and SVG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FONT = "Sarabun"
COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#7f7f7f"]


def register_thai_font() -> str:
    """Add the Sarabun font files of ``fontpkg_sarabun`` to matplotlib's font manager; return the family."""
    from fontpkg_sarabun import ROOT
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in sorted((Path(ROOT) / "files").glob("Sarabun-*.ttf")):
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))
    return FONT


def style() -> Any:
    """matplotlib rc settings for fivep charts (use with ``plt.rc_context``)."""
    return {"font.family": [register_thai_font(), "DejaVu Sans"], "font.size": 9, "svg.fonttype": "none",
            "axes.spines.top": False, "axes.spines.right": False}


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size, dpi=150, layout="constrained")
    return ax


def save(figure_or_ax: Any, path: str | Path, *, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Write a figure (or an Axes' figure) as ``path`` with each suffix in ``formats``; returns the files."""
    figure = getattr(figure_or_ax, "figure", figure_or_ax)
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = base.with_suffix(f".{fmt}")
        figure.savefig(target, dpi=150, bbox_inches="tight")
        written.append(target)
    return written


def dimension_labels(codebook: Any, lang: str = "th") -> dict[str, str]:
    """Labels of the codebook's codes (dimensions included) in ``lang``."""
    return {code.id: code.label(lang) for code in codebook.codes}


def dimensions_by_group(table: pd.DataFrame, *, ax: Any = None, labels: Mapping[str, str] | None = None,
                        group_labels: Mapping[str, str] | None = None, groups: Sequence[str] | None = None,
                        title: str = "") -> Any:
    """Grouped bars: per dimension, the share of each group's respondents who raised it.

    ``table`` comes from :func:`fivep.analysis.frequencies.frequencies` with ``respondents`` given (its
    ``attrs["of"]`` holds the group sizes); each bar is annotated ``n/of``.
    """
    import matplotlib.pyplot as plt

    of = table.attrs.get("of", {})
    groups = list(groups or [c for c in table.columns if c != "total"])
    with plt.rc_context(style()):
        ax = _axes(ax, (7.2, 1.0 + 0.45 * len(table) * max(1, len(groups)) / 2))
        bar = 0.8 / max(1, len(groups))
        for i, group in enumerate(groups):
            # a suppressed table (fivep.privacy.cells) holds "<k" and "*" for hidden counts and sizes:
            # they get no bar and no share, only their mask
            counts = table[group].tolist()
            numbers = [n for n in counts if not isinstance(n, str)]
            total = of.get(group) or max([1, *numbers])
            hidden_total = isinstance(total, str)
            shares = [0.0 if hidden_total or isinstance(n, str) else 100 * n / total for n in counts]
            rows = [r + i * bar for r in range(len(table))]
            ax.barh(rows, shares, height=bar, color=COLOURS[i % len(COLOURS)],
                    label=f"{(group_labels or {}).get(group, group)} (n={total})")
            for y, share, n in zip(rows, shares, counts, strict=True):
                ax.text(share + 1, y, f"{n}/{total}", va="center", fontsize=7)
        ax.set_yticks([r + bar * (len(groups) - 1) / 2 for r in range(len(table))])
        ax.set_yticklabels([(labels or {}).get(str(x), str(x)) for x in table.index])
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xlabel("% of respondents / ร้อยละของผู้ให้ข้อมูล")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7, frameon=False)
        if title:
            ax.set_title(title, loc="left")
    return ax


def cooccurrence_heatmap(matrix: pd.DataFrame, *, ax: Any = None, labels: Mapping[str, str] | None = None,
                         title: str = "") -> Any:
    """A heatmap of :func:`fivep.analysis.frequencies.cooccurrence`, counts written in the cells."""
    import matplotlib.pyplot as plt

    names = [(labels or {}).get(str(x), str(x)) for x in matrix.index]
    values = matrix.to_numpy()
    with plt.rc_context(style()):
        side = 2.5 + 0.45 * len(names)
        ax = _axes(ax, (side + 1.5, side))
        image = ax.imshow(values, cmap="Blues")
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), names)
        limit = values.max() if values.size else 0
        for (i, j), n in _cells(values):
            ax.text(j, i, str(n), ha="center", va="center", fontsize=7,
                    color="white" if n > 0.6 * limit else "black")
        ax.figure.colorbar(image, ax=ax, shrink=0.7, label="segments / ส่วนข้อความ")
        ax.spines[:].set_visible(False)
        if title:
            ax.set_title(title, loc="left")
    return ax


def _cells(values: Any) -> list[tuple[tuple[int, int], int]]:
    return [((i, j), int(values[i, j])) for i in range(values.shape[0]) for j in range(values.shape[1])]


def agreement_chart(result: pd.DataFrame, *, ax: Any = None, labels: Mapping[str, str] | None = None,
                    title: str = "") -> Any:
    """Krippendorff's alpha with its 95% interval per label, one marker series per pair of coders.

    ``result`` comes from :func:`fivep.coding.reliability.study_agreement` (or several concatenated).
    Dotted lines mark 0.667 and 0.8, Krippendorff's thresholds for tentative and firm conclusions.
    """
    import matplotlib.pyplot as plt

    comparisons = list(dict.fromkeys(result["coders"])) if "coders" in result else [""]
    order = list(dict.fromkeys(result["label"]))
    with plt.rc_context(style()):
        ax = _axes(ax, (7.2, 1.2 + 0.3 * len(order) * max(1, len(comparisons)) / 1.5))
        step = 0.7 / max(1, len(comparisons))
        for i, name in enumerate(comparisons):
            rows = result[result["coders"] == name] if name else result
            y = [order.index(label) + i * step for label in rows["label"]]
            low = (rows["alpha"] - rows["alpha_low"]).clip(lower=0).fillna(0)
            high = (rows["alpha_high"] - rows["alpha"]).clip(lower=0).fillna(0)
            ax.errorbar(rows["alpha"], y, xerr=[low, high], fmt="o", ms=4, capsize=2,
                        color=COLOURS[i % len(COLOURS)], label=name or None)
        for x in (0.667, 0.8):
            ax.axvline(x, color="#999999", linestyle=":", linewidth=0.8)
        ax.set_yticks([r + step * (len(comparisons) - 1) / 2 for r in range(len(order))])
        ax.set_yticklabels([(labels or {}).get(str(x), str(x)) for x in order])
        ax.invert_yaxis()
        ax.set_xlim(min(0.0, float(result["alpha_low"].min(skipna=True) or 0.0)), 1.0)
        ax.set_xlabel("Krippendorff's alpha (95% CI)")
        if comparisons != [""]:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=7, frameon=False)
        if title:
            ax.set_title(title, loc="left")
    return ax


def topics_overview(model: Any, *, ax: Any = None, words: int = 5, title: str = "") -> Any:
    """Horizontal bars, one per topic: its segments split into those a 5P code covers and those none does,
    labelled with the topic's top words."""
    import matplotlib.pyplot as plt

    topics = list(model.topics)
    with plt.rc_context(style()):
        ax = _axes(ax, (7.2, 1.0 + 0.35 * len(topics)))
        rows = range(len(topics))
        coded = [t.size * (1 - t.uncoded) for t in topics]
        uncoded = [t.size * t.uncoded for t in topics]
        ax.barh(rows, coded, color=COLOURS[0], label="coded with 5P / มีรหัส 5P")
        ax.barh(rows, uncoded, left=coded, color=COLOURS[1], label="no 5P code / ไม่มีรหัส 5P")
        ax.set_yticks(list(rows), [f"{t.id}: {', '.join(t.words[:words])}" for t in topics])
        ax.invert_yaxis()
        ax.set_xlabel("segments / ส่วนข้อความ")
        ax.legend(loc="lower right", fontsize=7, frameon=False)
        if title:
            ax.set_title(title, loc="left")
    return ax

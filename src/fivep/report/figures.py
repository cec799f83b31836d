"""Report figures: the share of each group of respondents who raised each topic of a dimension."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

GROUP_COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6"]


def share_chart(labels: Sequence[str], shares: Mapping[str, Sequence[float]], group_labels: Mapping[str, str],
                path: Path, *, title: str = "", xlabel: str = "%", ax: Any = None) -> list[Path]:
    """Horizontal grouped bars: one row per topic, one bar per group; writes PNG and SVG next to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fivep.report.charts import register_thai_font

    family = register_thai_font()
    with plt.rc_context({"font.family": family, "font.size": 9, "svg.fonttype": "none"}):
        groups = list(shares)
        height = max(2.4, 0.3 * len(labels) * (1 + len(groups) / 4) + 1.1)
        own = ax is None
        if own:
            fig, ax = plt.subplots(figsize=(7.2, height), dpi=150)
        else:
            fig = ax.figure
        bar = 0.8 / max(1, len(groups))
        for i, group in enumerate(groups):
            positions = [row + i * bar for row in range(len(labels))]
            ax.barh(positions, shares[group], height=bar, color=GROUP_COLOURS[i % len(GROUP_COLOURS)],
                    label=group_labels.get(group, group))
        ax.set_yticks([row + bar * (len(groups) - 1) / 2 for row in range(len(labels))])
        ax.set_yticklabels([_wrap(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(xlabel)
        if title:
            ax.set_title(title, loc="left", fontsize=10)
        ax.legend(loc="upper center", bbox_to_anchor=(0.35, -0.13 - 0.25 / height), ncol=min(4, len(groups)),
                  fontsize=8, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.tight_layout()
        written = []
        if own:
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in (".png", ".svg"):
                target = path.with_suffix(suffix)
                fig.savefig(target)
                written.append(target)
            plt.close(fig)
        return written


def _wrap(label: str, width: int = 34) -> str:
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    if cut <= 0:
        return label
    return label[:cut] + "\n" + _wrap(label[cut + 1 :], width)

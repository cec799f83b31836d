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
    with plt.rc_context({"font.family": family, "font.size": 10, "svg.fonttype": "none"}):
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
        # Below the plot, at most two groups a row, and saved with the figure's tight box: a legend always fits.
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.1 - 0.3 / height), ncol=min(2, len(groups)),
                  fontsize=9, frameon=False, handlelength=1.2, columnspacing=1.5)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.tight_layout()
        written = []
        if own:
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in (".png", ".svg"):
                target = path.with_suffix(suffix)
                fig.savefig(target, bbox_inches="tight", pad_inches=0.08)
                written.append(target)
            plt.close(fig)
        return written


def _wrap(label: str, width: int = 30) -> str:
    """Lines of at most ``width`` characters, broken between words (Thai words found by PyThaiNLP)."""
    if len(label) <= width:
        return label
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(label, engine="newmm", keep_whitespace=True)
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + len(word) > width:
            lines.append("")
        lines[-1] += word if lines[-1] or not word.isspace() else ""
    return "\n".join(line.strip() for line in lines if line.strip())

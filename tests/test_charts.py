from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from fivep.coding.codebook import load_codebook
from fivep.report import charts

LABELS = charts.dimension_labels(load_codebook("5p"), "th")
GROUPS = {"government": "เจ้าหน้าที่รัฐ", "victim": "ผู้เสียหายที่เป็นเด็ก"}


def _frequencies() -> pd.DataFrame:
    table = pd.DataFrame({"government": [23, 29, 11], "victim": [0, 13, 1], "total": [23, 42, 12]},
                         index=pd.Index(["policy", "protection", "partnership"], name="dimension"))
    table.attrs["of"] = {"government": 32, "victim": 15, "total": 47}
    return table


def _agreement() -> pd.DataFrame:
    rows = [(pair, label, alpha) for pair, shift in (("coder_a+coder_b", 0.0), ("coder_a+rules@1.0", -0.15))
            for label, alpha in (("policy", 0.95 + shift), ("protection", 0.97 + shift), ("pooled", 0.96 + shift))]
    frame = pd.DataFrame(rows, columns=["coders", "label", "alpha"])
    return frame.assign(alpha_low=frame["alpha"] - 0.05, alpha_high=(frame["alpha"] + 0.03).clip(upper=1))


def _topics() -> SimpleNamespace:
    topic = SimpleNamespace
    return SimpleNamespace(topics=[topic(id=0, size=40, uncoded=0.1, words=["โรงเรียน", "ครู", "พ่อแม่"]),
                                   topic(id=1, size=25, uncoded=0.6, words=["หื้อ", "เปิ้น", "ฮู้"]),
                                   topic(id=2, size=10, uncoded=1.0, words=["thank", "fine", "yes"])])


CHARTS = {
    "dimensions": lambda ax: charts.dimensions_by_group(_frequencies(), ax=ax, labels=LABELS, group_labels=GROUPS,
                                                        groups=["government", "victim"], title="มิติ 5P ตามกลุ่ม"),
    "cooccurrence": lambda ax: charts.cooccurrence_heatmap(
        pd.DataFrame([[10, 3], [3, 7]], index=["policy", "protection"], columns=["policy", "protection"]),
        ax=ax, labels=LABELS, title="การปรากฏร่วม"),
    "agreement": lambda ax: charts.agreement_chart(_agreement(), ax=ax, labels={**LABELS, "pooled": "รวม"},
                                                   title="ความสอดคล้องระหว่างผู้ลงรหัส"),
    "topics": lambda ax: charts.topics_overview(_topics(), ax=ax, title="หัวข้อที่พบ"),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_charts_render_thai_without_missing_glyphs(name: str, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")          # "Glyph ... missing from font(s)" would fail here
        ax = CHARTS[name](None)
        files = charts.save(ax, tmp_path / name)
    plt.close(ax.figure)
    assert [f.suffix for f in files] == [".png", ".svg"]
    assert files[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and files[0].stat().st_size > 10_000
    svg = files[1].read_text(encoding="utf-8")
    assert "Sarabun" in svg                     # text kept as text, set in the Thai font
    texts = [t.get_text() for t in ax.get_yticklabels()] + [ax.get_title(loc="left")]
    assert any("\u0e00" <= ch <= "\u0e7f" for t in texts for ch in t)


def test_the_thai_font_comes_from_the_package() -> None:
    from matplotlib import font_manager

    family = charts.register_thai_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(path).name.startswith("Sarabun-")


def test_charts_draw_on_a_given_axes() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    assert charts.dimensions_by_group(_frequencies(), ax=left) is left
    assert charts.topics_overview(_topics(), ax=right) is right
    bars = [p for p in left.patches if p.get_width() > 0]
    assert max(p.get_width() for p in bars) == pytest.approx(100 * 29 / 32)   # shares of the group, not counts
    plt.close(fig)

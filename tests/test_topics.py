from __future__ import annotations

import time
from pathlib import Path

import pytest

from fivep import Study
from fivep.coding.topics import TopicModel, find_topics, study_topics
from fivep.errors import InputError
from fivep.model import Segment


@pytest.fixture(scope="module")
def sample_topics(ingested_sample: Path) -> tuple[TopicModel, TopicModel, float]:
    study = Study.open(ingested_sample)
    if not any(c.startswith("rules@") for c in study.store.coders()):
        study.code()
    started = time.perf_counter()
    first = study_topics(study, seed=7)
    elapsed = time.perf_counter() - started
    second = study_topics(study, seed=7)
    study.close()
    return first, second, elapsed


@pytest.mark.slow
def test_sample_topics_are_reproducible(sample_topics: tuple[TopicModel, TopicModel, float]) -> None:
    first, second, _ = sample_topics
    assert first.assignments == second.assignments
    assert [t.words for t in first.topics] == [t.words for t in second.topics]
    assert 6 <= len(first.topics) <= 20 and first.outliers == 0
    assert len(first.assignments) > 400          # greetings and one-word answers are left out


def test_every_topic_has_words_representatives_and_code_overlap(
        sample_topics: tuple[TopicModel, TopicModel, float]) -> None:
    model = sample_topics[0]
    for topic in model.topics:
        assert len(topic.words) >= 5 and all(w.strip() for w in topic.words)
        assert 1 <= len(topic.representatives) <= 3
        assert all(model.assignments[s.id] == topic.id for s in topic.representatives)
        assert 0.0 <= topic.uncoded <= 1.0 and all(0 < v <= 1 for v in topic.dimensions.values())
    assert sum(t.size for t in model.topics) == len(model.assignments)
    # the schools topic overlaps prevention more than any other dimension
    schools = next(t for t in model.topics if "โรงเรียน" in t.words[:5])
    assert max(schools.dimensions, key=schools.dimensions.__getitem__) == "prevention"
    # and something the codebook misses: a topic most of whose segments no 5P code covers
    assert max(t.uncoded for t in model.topics) > 0.5
    table = model.table()
    assert list(table["topic"]) == [t.id for t in model.topics] and "uncoded" in table.columns


def test_a_different_seed_may_move_segments_but_keeps_the_shape(ingested_sample: Path,
                                                                sample_topics: tuple[TopicModel, TopicModel, float]
                                                                ) -> None:
    study = Study.open(ingested_sample)
    other = study_topics(study, seed=8, n_topics=5)
    study.close()
    assert len(other.topics) == 5
    assert set(other.assignments) == set(sample_topics[0].assignments)


def test_topics_need_enough_segments_and_a_known_clusterer() -> None:
    few = [Segment(f"D#{i}", "D", i, 0, 50, "ล่ามไม่พอ " * 6, "R") for i in range(5)]
    with pytest.raises(InputError, match="topics need 20 or more"):
        find_topics(few)
    many = [Segment(f"D#{i}", "D", i, 0, 50, f"ล่ามไม่พอ โรงเรียน ตำรวจ {i} " * 3, "R") for i in range(30)]
    with pytest.raises(ValueError, match="hdbscan, kmeans"):
        find_topics(many, clusterer="lda")


def test_topics_cli_json(ingested_sample: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from fivep.cli import app

    result = CliRunner().invoke(app, ["topics", str(ingested_sample), "--topics", "6", "-f", "json",
                                      "--chart", str(tmp_path / "topics")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["topics"]) == 6 and data["seed"] == 42
    assert all(t["words"] and t["representatives"] for t in data["topics"])
    assert (tmp_path / "topics.svg").exists()


def test_bertopic_loads_without_torch_or_plotly_and_both_still_import_later() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from fivep.coding.topics import bertopic_class\n"
        "assert bertopic_class().__name__ == 'BERTopic'\n"
        "print(sorted(m for m in ('torch', 'plotly', 'transformers', 'sentence_transformers', 'spacy')"
        " if m in sys.modules))\n"
        "import bertopic._bertopic as core, bertopic._save_utils as save\n"
        "assert callable(core.plotting.visualize_topics) and 'plotly' in sys.modules\n"
        "assert save._has_torch and callable(save.torch.load)\n"
        "import sentence_transformers\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"

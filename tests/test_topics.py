from __future__ import annotations

import time
from pathlib import Path
from typing import Any

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


def test_topics_read_the_rows_the_coding_step_kept(ingested_sample: Path,
                                                   sample_topics: tuple[TopicModel, TopicModel, float],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from fivep.coding import embed
    from fivep.coding.semantic import statement_rows
    from fivep.coding.vectors import StatementVectors

    study = Study.open(ingested_sample)
    study.code()  # the coding step keeps every statement's row
    texts = [s.text for s in study.segments()]
    rows, missing = StatementVectors(study.store, None).get(texts)
    assert rows is not None and missing == []
    picked = sorted(range(len(texts)), key=lambda i: -len(texts[i]))[:25]   # long turns: their pieces added up
    fresh = statement_rows(embed.load_embedder(), [texts[i] for i in picked])
    assert len(texts[picked[-1]]) > 400 and np.allclose(rows[picked], fresh, atol=1e-6)
    # topics encode nothing: the encoder is never loaded, and the topics are those of encoding afresh

    def no_encoder(name: object = None) -> None:
        raise AssertionError("topics encoded statements the coding step had encoded")

    monkeypatch.setattr(embed, "load_embedder", no_encoder)
    kept = study_topics(study, seed=7)
    study.close()
    assert kept.assignments == sample_topics[0].assignments
    assert [t.words for t in kept.topics] == [t.words for t in sample_topics[0].topics]


def test_a_large_corpus_is_fitted_on_a_sample_and_every_segment_assigned(ingested_sample: Path) -> None:
    from fivep.coding.embed import load_embedder

    study = Study.open(ingested_sample)
    segments = study.segments()
    study.close()
    encode = load_embedder().encode
    whole = find_topics(segments, seed=7, n_topics=6, encode=encode)
    sampled = find_topics(segments, seed=7, n_topics=6, encode=encode, fit_limit=200)
    from fivep.coding.suggest import _words

    assert _words.cache_info().currsize == 0   # the corpus's words (and each topic's joined text) not kept
    assert set(sampled.assignments) == set(whole.assignments)
    assert len(sampled.topics) == 6 and sum(t.size for t in sampled.topics) == len(sampled.assignments)
    assert all(len(t.words) >= 5 for t in sampled.topics)
    # fitted on 200 of the segments, the topics still group the corpus much as the whole fit does
    from sklearn.metrics import adjusted_rand_score

    ids = sorted(whole.assignments)
    agreement = adjusted_rand_score([whole.assignments[i] for i in ids], [sampled.assignments[i] for i in ids])
    assert agreement > 0.4, agreement


def test_the_rest_assigned_in_batches_get_the_topics_of_one_batch(ingested_sample: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from fivep.coding import topics
    from fivep.coding.embed import load_embedder

    study = Study.open(ingested_sample)
    segments = study.segments()
    study.close()
    encode = load_embedder().encode
    calls: list[int] = []
    original = topics.bertopic_class

    def counting() -> Any:
        cls = original()

        class Counted(cls):  # type: ignore[misc, valid-type]
            def transform(self, documents: Any, embeddings: Any = None, **kw: Any) -> Any:
                calls.append(len(documents))
                return super().transform(documents, embeddings=embeddings, **kw)

        return Counted

    monkeypatch.setattr(topics, "bertopic_class", counting)
    one = find_topics(segments, seed=7, n_topics=6, encode=encode, fit_limit=200)
    monkeypatch.setattr(topics, "TRANSFORM_BATCH", 50)
    batched = find_topics(segments, seed=7, n_topics=6, encode=encode, fit_limit=200)
    rest = len(one.assignments) - 200
    assert calls[0] == rest and calls[1:] == [50] * (rest // 50) + ([rest % 50] if rest % 50 else [])
    assert batched.assignments == one.assignments

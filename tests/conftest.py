from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Property-based tests draw the same examples on every run: CI is deterministic, and a failure found
# once is found again (set HYPOTHESIS_PROFILE=explore to draw new ones while developing).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture()
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample study (tests write its store)."""
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".fivep"))
    return target


@pytest.fixture(scope="session")
def ingested_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample study, copied and ingested once for the session."""
    from fivep import Study

    target = tmp_path_factory.mktemp("ingested") / "sample"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".fivep"))
    study = Study.open(target)
    study.ingest()
    study.close()
    return target

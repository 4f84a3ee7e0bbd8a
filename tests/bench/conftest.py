"""The bench scripts import each other as top-level modules (`from attribution import ...`), as
they do when run as `python bench/<script>.py`: their folder goes on the path for these tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from spacy.language import Language

from summarizer.nlp import load_spacy

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_spacy()

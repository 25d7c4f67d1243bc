from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).parent / "samples"


def load_sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


@pytest.fixture
def sample() -> Any:
    def _load(name: str) -> Any:
        return copy.deepcopy(load_sample(name))

    return _load

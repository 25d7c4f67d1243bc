"""Labelled utterances for the intent detector, from the shared public data sets and our own
examples.

Every example is ``Example(text, labels, source, split)``: ``labels`` is the set of intents it
expresses (``escalation``, ``churn``, ``expansion``; empty for none), ``split`` is ``"train"`` or
``"holdout"``. Held-out examples are never trained on:

- Bitext: its own Validation csv is the held-out split; the Training csv is trained on.
- banking77 (train split only ships here): a fixed CRC32 of the text puts 1 in 5 in the held-out
split.
- hand-written examples (``signals.training.examples``): a fixed CRC32 puts 1 in 4 in the held-out
split.

Label mapping (from the data README and the catalog definitions):
- Bitext ``contact_human_agent`` -> escalation; ``delete_account`` and ``check_cancellation_fee``
  -> churn; ``place_order`` -> expansion; ``switch_account`` -> expansion only when the target is a
  higher tier (premium/platinum/gold/pro), not expansion when it is a lower one
  (free/freemium/basic), and left out when ambiguous (standard).
  ``newsletter_subscription``, ``cancel_order`` and the rest: none.
- banking77 ``terminate_account`` -> churn; the rest: none.
"""

from __future__ import annotations

import csv
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from signals.training.examples import handwritten

BITEXT_TRAIN = "bitext/Bitext_Sample_Customer_Service_Training_Dataset.csv"
BITEXT_VALIDATION = "bitext/Bitext_Sample_Customer_Service_Validation_Dataset.csv"
BANKING77_TRAIN = "banking77/train.csv"

BITEXT_LABELS: dict[str, frozenset[str]] = {
    "contact_human_agent": frozenset({"escalation"}),
    "delete_account": frozenset({"churn"}),
    "check_cancellation_fee": frozenset({"churn"}),
    "place_order": frozenset({"expansion"}),
}
_HIGHER_TIER = re.compile(r"\b(?:premium|platinum|gold|pro)\b", re.IGNORECASE)
_LOWER_TIER = re.compile(r"\b(?:free|freemium|basic)\b", re.IGNORECASE)

SOURCES: list[dict[str, str]] = [
    {
        "name": "Bitext customer-support intent detection sample (training + validation csv)",
        "path": "bitext/",
        "license": "CDLA-Sharing-1.0",
    },
    {"name": "PolyAI banking77 (train split)", "path": "banking77/", "license": "CC BY 4.0"},
    {
        "name": "Coachplane hand-written contact-center utterances",
        "path": "signals/training/examples.py",
        "license": "project-owned",
    },
]


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: frozenset[str]
    source: str
    split: str


def _bucket(text: str, modulo: int) -> int:
    return zlib.crc32(text.encode("utf-8")) % modulo


def is_holdout(text: str, modulo: int) -> bool:
    return _bucket(text, modulo) == 0


def bitext_labels(intent: str, utterance: str) -> frozenset[str] | None:
    """The intent labels of one Bitext row, or ``None`` when the row is too ambiguous to use."""
    if intent == "switch_account":
        if _HIGHER_TIER.search(utterance):
            return frozenset({"expansion"})
        if _LOWER_TIER.search(utterance):
            return frozenset()
        return None
    return BITEXT_LABELS.get(intent, frozenset())


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def bitext(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    for name, split in ((BITEXT_TRAIN, "train"), (BITEXT_VALIDATION, "holdout")):
        for row in _read_csv(data_dir / name):
            text = row["utterance"].strip()
            labels = bitext_labels(row["intent"], text)
            if text and labels is not None:
                out.append(Example(text, labels, "bitext", split))
    return out


def banking77(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    for row in _read_csv(data_dir / BANKING77_TRAIN):
        text = row["text"].strip()
        if not text:
            continue
        labels = frozenset({"churn"}) if row["category"] == "terminate_account" else frozenset()
        split = "holdout" if is_holdout(text, 5) else "train"
        out.append(Example(text, labels, "banking77", split))
    return out


def own_examples() -> list[Example]:
    return [
        Example(text, labels, "handwritten", "holdout" if is_holdout(text, 4) else "train")
        for text, labels in handwritten()
    ]


def load_examples(data_dir: Path) -> list[Example]:
    """Every labelled example, in a fixed order (so training is deterministic)."""
    return bitext(data_dir) + banking77(data_dir) + own_examples()

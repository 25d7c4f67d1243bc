"""Fit the intent detector's logistic regressions and write the weights file.

scikit-learn is a dev dependency: it is imported inside ``fit_intent`` only, so the engine (which
reads
the weights file with the standard library) never needs it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from signals.engine.detectors.intent import INTENTS, IntentModel, features, has_cue
from signals.training.data import SOURCES, Example, load_examples

SEED = 0
#: regularisation strength per intent (smaller = smoother, less over-confident probabilities)
C_BY_INTENT = {"escalation": 8.0, "churn": 8.0, "expansion": 8.0}
#: hand-written examples are closer to live speech than the templated sets; count them more
HANDWRITTEN_WEIGHT = 4.0
MIN_FEATURE_COUNT = 3
WEIGHT_EPSILON = 0.05
COMMAND = "python manage.py train_intent --data ../shared/data"


def fit_intent(intent: str, train: Sequence[Example], *, c: float, seed: int = SEED) -> IntentModel:
    """One binary logistic regression (this intent vs everything else) as a sparse
    ``IntentModel``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [features(ex.text, intent) for ex in train]
    counts: Counter[str] = Counter(f for row in rows for f in set(row))
    kept = [
        {f: 1.0 for f in row if counts[f] >= MIN_FEATURE_COUNT or f.startswith("#")} for row in rows
    ]
    y = [1 if intent in ex.labels else 0 for ex in train]
    weights = [HANDWRITTEN_WEIGHT if ex.source == "handwritten" else 1.0 for ex in train]
    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform(kept)
    model = LogisticRegression(C=c, solver="lbfgs", max_iter=5000, random_state=seed)
    model.fit(x, y, sample_weight=weights)
    names = vectorizer.get_feature_names_out()
    coef = model.coef_[0]
    sparse = {
        str(name): round(float(w), 4)
        for name, w in zip(names, coef, strict=True)
        if abs(float(w)) >= WEIGHT_EPSILON
    }
    return IntentModel(round(float(model.intercept_[0]), 4), dict(sorted(sparse.items())))


def holdout_metrics(
    models: dict[str, IntentModel], holdout: Sequence[Example], thresholds: dict[str, float]
) -> dict[str, dict[str, float | int]]:
    """Per intent precision/recall/F1 on held-out utterances (cue pre-filter included)."""
    out: dict[str, dict[str, float | int]] = {}
    for intent, model in models.items():
        tp = fp = fn = 0
        for ex in holdout:
            p = model.probability(features(ex.text, intent)) if has_cue(ex.text, intent) else 0.0
            predicted = p >= thresholds[intent]
            actual = intent in ex.labels
            tp += predicted and actual
            fp += predicted and not actual
            fn += actual and not predicted
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[intent] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
            "threshold": thresholds[intent],
        }
    return out


def default_thresholds() -> dict[str, float]:
    from signals.catalog import CATALOG

    out: dict[str, float] = {}
    for entry in CATALOG:
        if entry["detector"] == "intent":
            out[entry["params"]["intent"]] = float(entry["default_threshold"])
    return out


def train_intent_models(data_dir: Path, *, today: dt.date | None = None) -> dict[str, Any]:
    """Train all intents from ``data_dir``; return the weights document (JSON-able, deterministic).

    ``today`` stamps the provenance; pass a fixed date to get byte-identical output.
    """
    examples = load_examples(data_dir)
    train = [ex for ex in examples if ex.split == "train"]
    holdout = [ex for ex in examples if ex.split == "holdout"]
    models = {intent: fit_intent(intent, train, c=C_BY_INTENT[intent]) for intent in INTENTS}
    thresholds = default_thresholds()
    by_source: dict[str, dict[str, int]] = {}
    for ex in examples:
        counts = by_source.setdefault(ex.source, {"train": 0, "holdout": 0})
        counts[ex.split] += 1
    positives = {intent: sum(1 for ex in train if intent in ex.labels) for intent in INTENTS}
    return {
        "format": "coachplane-intent-logreg/1",
        "provenance": {
            "trained_on": (today or dt.date.today()).isoformat(),  # noqa: DTZ011 (a calendar date)
            "command": COMMAND,
            "code": "signals/training/train.py, signals/training/data.py",
            "sources": SOURCES,
            "label_mapping": "see signals/training/data.py docstring",
            "examples": by_source,
            "train_positives": positives,
            "model": {
                "type": "logistic regression per intent (lbfgs, L2), binary features",
                "features": "word unigrams + bigrams + rule flags "
                "(#strong #veto #neg #other #question)",
                "C": C_BY_INTENT,
                "handwritten_sample_weight": HANDWRITTEN_WEIGHT,
                "min_feature_count": MIN_FEATURE_COUNT,
                "seed": SEED,
            },
            "holdout_metrics": holdout_metrics(models, holdout, thresholds),
        },
        "models": {
            intent: {"bias": model.bias, "weights": model.weights}
            for intent, model in models.items()
        },
    }


def write_weights(document: dict[str, Any], path: Path) -> None:
    """Readable provenance, compact weights (one line per intent) to keep the file small."""
    models = document["models"]
    head = {k: v for k, v in document.items() if k != "models"}
    lines = [json.dumps(head, indent=1, sort_keys=True)[:-2] + ",", ' "models": {']
    for i, intent in enumerate(sorted(models)):
        body = json.dumps(models[intent], sort_keys=True, separators=(",", ":"))
        lines.append(f"  {json.dumps(intent)}: {body}" + ("," if i < len(models) - 1 else ""))
    lines.append(" }")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

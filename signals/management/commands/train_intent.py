"""Retrain the intent detector from the shared labelled data and rewrite its weights file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from signals.engine.detectors.intent import WEIGHTS_PATH, reload_models


class Command(BaseCommand):
    help = (
        "Train the intent detector (escalation, churn, expansion) with scikit-learn and write "
        "signals/engine/detectors/intent_weights.json. Deterministic for a given --date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            default=str(Path(settings.BASE_DIR).parent / "shared" / "data"),
            help="Folder holding bitext/ and banking77/ (default: <repo>/../shared/data).",
        )
        parser.add_argument("--out", default=str(WEIGHTS_PATH), help="Weights file to write.")
        parser.add_argument(
            "--date", default="", help="Provenance date YYYY-MM-DD (default: today)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from signals.training.train import train_intent_models, write_weights
        except ImportError as exc:  # scikit-learn is a dev dependency
            raise CommandError(f"Training needs the dev dependencies: {exc}") from exc
        data_dir = Path(options["data"])
        if not (data_dir / "bitext").is_dir() or not (data_dir / "banking77").is_dir():
            raise CommandError(f"No bitext/ and banking77/ folders under {data_dir}.")
        today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        document = train_intent_models(data_dir, today=today)
        out = Path(options["out"])
        write_weights(document, out)
        reload_models()
        metrics = document["provenance"]["holdout_metrics"]
        for intent, m in metrics.items():
            self.stdout.write(
                f"{intent:<11} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} "
                f"support={m['support']} threshold={m['threshold']}"
            )
        size = out.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({size // 1024} KB)."))

"""Measure detection quality on held-out data and labelled cases; write docs/detection.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from signals.quality.report import build_report


class Command(BaseCommand):
    help = (
        "Evaluate every catalog signal (held-out utterances for intent signals, labelled "
        "transcript "
        "cases for all) and write a Markdown report with precision, recall, F1 and reliability."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        base = Path(settings.BASE_DIR)
        parser.add_argument(
            "--data",
            default=str(base.parent / "shared" / "data"),
            help="Folder holding bitext/ and banking77/ (default: <repo>/../shared/data).",
        )
        parser.add_argument(
            "--cases",
            default=str(base / "signals" / "quality" / "cases"),
            help="Folder of labelled *.jsonl transcript cases.",
        )
        parser.add_argument(
            "--out", default=str(base / "docs" / "detection.md"), help="Report file to write."
        )
        parser.add_argument(
            "--check", action="store_true", help="Exit non-zero when a quality target is not met."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cases_dir = Path(options["cases"])
        if not cases_dir.is_dir():
            raise CommandError(f"No cases folder at {cases_dir}.")
        report = build_report(Path(options["data"]), cases_dir)
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.markdown, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}."))
        if options["check"] and not report.all_targets_met:
            raise CommandError("Some detection targets are not met; see the report.")

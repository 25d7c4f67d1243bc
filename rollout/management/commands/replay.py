"""``manage.py replay FILE... --format jsonl [--team SLUG | --all-signals] [--phase N]``.

Runs transcripts through the same engine and routing the workers run and prints one JSON line per
call.
Touches no database rows of live calls.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from rollout.models import Team
from rollout.replay import catalog_config, config_under_phase, replay_call
from rollout.selectors import effective_config
from signals.engine.adapters import load_platform_file
from signals.engine.errors import EngineError
from signals.engine.transcript import load_calls, parse_call

PLATFORMS = ("contact-lens", "transcribe", "google-ccai", "twilio")


class Command(BaseCommand):
    help = "Replay transcripts through the engine and routing; print one JSON line per call."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Transcript files ('-' reads standard input).")
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")
        parser.add_argument(
            "--input-format",
            choices=["canonical", *PLATFORMS],
            default="canonical",
            help="canonical (DESIGN.md) or a platform's payload file (a JSON array of one call's "
            "payloads).",
        )
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--team", help="Replay under this team's effective config.")
        who.add_argument(
            "--all-signals",
            action="store_true",
            help="Every catalog signal at its default threshold for leads and agents (phase 4).",
        )
        parser.add_argument("--phase", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["all_signals"]:
            config = catalog_config(phase=opts["phase"] or 4)
        else:
            team = Team.objects.filter(slug=opts["team"]).first()
            if team is None:
                raise CommandError(f'No team with slug "{opts["team"]}".')
            config = effective_config(team)
            if opts["phase"]:
                config = config_under_phase(config, opts["phase"])
        transcripts = []
        for name in opts["files"]:
            text = sys.stdin.read() if name == "-" else self._read(name)
            try:
                if opts["input_format"] == "canonical":
                    transcripts.extend(load_calls(text))
                else:
                    platform = opts["input_format"].replace("-", "_")
                    transcripts.extend(parse_call(c) for c in load_platform_file(platform, text))
            except EngineError as exc:
                where = f" ({exc.field})" if exc.field else ""
                raise CommandError(f"{name}: {exc.message}{where}") from exc
        progress = tqdm(
            transcripts,
            desc="replay",
            unit="call",
            file=sys.stderr,
            disable=opts["no_progress"] or len(transcripts) < 50,
        )
        for transcript in progress:
            line = replay_call(transcript, config)
            self.stdout.write(json.dumps(line, ensure_ascii=False))

    def _read(self, name: str) -> str:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file.")
        return path.read_text(encoding="utf-8")

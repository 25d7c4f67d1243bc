"""``manage.py serve``: the ASGI server (uvicorn) for pages, API and live streams.

In the embedded default (no ``DATABASE_URL``/``REDIS_URL``) it also runs the periodic jobs
in-process, and with ``--demo-floor`` a simulator that plays scripted calls through the real API.
"""

from __future__ import annotations

import threading
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Coachplane (ASGI) on http://HOST:PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--demo-floor",
            action="store_true",
            help="Play simulated calls through the API so the live floor has something to show.",
        )
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **opts: Any) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            from coaching.embedded import start_beat_thread

            start_beat_thread()
            self.stdout.write("Embedded mode: SQLite, in-process tasks and live bus.")
        base_url = f"http://{opts['host']}:{opts['port']}"
        if opts["demo_floor"]:
            self._start_demo_floor(base_url)
        self.stdout.write(f"Coachplane on {base_url}/  (Ctrl+C stops)")
        uvicorn.run(
            "config.asgi:application",
            host=opts["host"],
            port=opts["port"],
            workers=opts["workers"],
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
        )

    def _start_demo_floor(self, base_url: str) -> None:
        from coaching.simulator import start_demo_floor

        started = start_demo_floor(base_url)
        if isinstance(started, threading.Thread):
            self.stdout.write("Demo floor: simulated calls are arriving (log in as lead / agent).")

"""ASGI entry point: pages, API and server-sent event streams (uvicorn).

Django runs each request's sync code (every view here but the streams) on a thread of its own. With
hundreds of requests in flight, hundreds of threads then fight over the GIL while each holds a
database connection, and throughput collapses. ``BoundedConcurrency`` lets at most
``COACHPLANE_MAX_INFLIGHT`` ordinary requests per process run at once; the rest wait on the event
loop, which costs nothing. Long-lived streams are exempt (they hold no thread and no connection).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

STREAM_PATHS = ("/floor/stream/", "/api/v1/stream/")


class BoundedConcurrency:
    def __init__(self, app: Any, limit: int, exempt: tuple[str, ...]) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self._semaphores: dict[int, asyncio.Semaphore] = {}

    def _semaphore(self) -> asyncio.Semaphore:
        loop_id = id(asyncio.get_running_loop())
        semaphore = self._semaphores.get(loop_id)
        if semaphore is None:
            semaphore = self._semaphores[loop_id] = asyncio.Semaphore(self.limit)
        return semaphore

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        async with self._semaphore():
            await self.app(scope, receive, send)


django_application = get_asgi_application()
application = BoundedConcurrency(
    # Static files through Django's own ASGI handler: every middleware then runs async-capable,
    # with one thread hop per request (a sync-only middleware such as WhiteNoise's forces several).
    ASGIStaticFilesHandler(django_application),
    limit=int(os.environ.get("COACHPLANE_MAX_INFLIGHT", "8")),
    exempt=STREAM_PATHS,
)

"""The live bus: pushes what scoring found to the pages and streams that are listening.

Redis pub/sub when ``LIVE_BUS_URL`` is set; otherwise an in-process bus (embedded default) that
hands messages from worker threads to the asyncio loop serving the server-sent event streams.

Channels: ``team:<id>`` (floor leads: calls and detections of a team) and ``agent:<id>`` (one
agent's cues). Messages are small JSON objects with a ``type``; pages re-fetch what they show.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)


def team_channel(team_id: int) -> str:
    return f"team:{team_id}"


def agent_channel(agent_id: int) -> str:
    return f"agent:{agent_id}"


def integration_channel(integration_id: int) -> str:
    return f"integration:{integration_id}"


class _LocalBus:
    """Thread-safe fan-out to asyncio queues, for a single-process deployment."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]]] = {}

    def publish(self, channel: str, data: str) -> None:
        with self._lock:
            subs = list(self._subs.get(channel, ()))
        for loop, queue in subs:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, data)
            except RuntimeError:  # the subscriber's loop has closed
                continue

    def add(
        self, names: list[str], entry: tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]
    ) -> None:
        with self._lock:
            for name in names:
                self._subs.setdefault(name, set()).add(entry)

    def remove(
        self, names: list[str], entry: tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]
    ) -> None:
        with self._lock:
            for name in names:
                self._subs.get(name, set()).discard(entry)


_local = _LocalBus()
_redis_sync: Any = None
_redis_lock = threading.Lock()


def redis_client() -> Any:
    """The process's shared synchronous Redis client (bus and small coordination keys)."""
    global _redis_sync
    if _redis_sync is None:
        with _redis_lock:
            if _redis_sync is None:
                import redis

                _redis_sync = redis.Redis.from_url(settings.LIVE_BUS_URL)
    return _redis_sync


def publish(channel: str, message: dict[str, Any]) -> None:
    """Send ``message`` to everyone listening on ``channel``. Never raises into the caller."""
    data = json.dumps(message, separators=(",", ":"), default=str)
    try:
        if settings.LIVE_BUS_URL:
            redis_client().publish(channel, data)
        else:
            _local.publish(channel, data)
    except Exception:  # a push that fails must not fail scoring; pages also poll on reconnect
        log.exception("live bus publish failed on %s", channel)


class Subscription:
    """``async with subscribe([...]) as sub:`` then ``await sub.get(timeout)``.

    The subscription is live once ``__aenter__`` returns, so nothing published after that is missed.
    """

    def __init__(self, channels: Iterable[str]) -> None:
        self.names = list(channels)
        self._queue: asyncio.Queue[str] | None = None
        self._entry: Any = None
        self._client: Any = None
        self._pubsub: Any = None

    async def __aenter__(self) -> Subscription:
        if settings.LIVE_BUS_URL:
            import redis.asyncio as aioredis

            self._client = aioredis.Redis.from_url(settings.LIVE_BUS_URL)
            self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            await self._pubsub.subscribe(*self.names)
        else:
            self._queue = asyncio.Queue(maxsize=1000)
            self._entry = (asyncio.get_running_loop(), self._queue)
            _local.add(self.names, self._entry)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pubsub is not None:
            await self._pubsub.unsubscribe(*self.names)
            await self._pubsub.aclose()
            await self._client.aclose()
        elif self._entry is not None:
            _local.remove(self.names, self._entry)

    async def get(self, timeout: float) -> dict[str, Any] | None:
        """The next message, or ``None`` after ``timeout`` seconds of silence."""
        if self._queue is not None:
            try:
                data = await asyncio.wait_for(self._queue.get(), timeout)
            except TimeoutError:
                return None
            return json.loads(data)  # type: ignore[no-any-return]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            raw = await self._pubsub.get_message(timeout=remaining)
            if raw and raw.get("type") == "message":
                return json.loads(raw["data"])  # type: ignore[no-any-return]


def subscribe(channels: Iterable[str]) -> Subscription:
    return Subscription(channels)

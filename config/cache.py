"""One Redis connection pool per process for Django's cache.

Django keeps a cache object per thread, and each builds its own connection pool. Under ASGI every
request runs on a new thread, so every request would open (and handshake) a fresh Redis connection.
This pool class hands all of them the same pool.
"""

from __future__ import annotations

import threading
from typing import Any

import redis

_POOLS: dict[tuple[str, tuple[tuple[str, Any], ...]], redis.ConnectionPool] = {}
_LOCK = threading.Lock()


class SharedConnectionPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> redis.ConnectionPool:  # type: ignore[override]
        key = (url, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        with _LOCK:
            pool = _POOLS.get(key)
            if pool is None:
                pool = _POOLS[key] = redis.ConnectionPool.from_url(url, **kwargs)
        return pool

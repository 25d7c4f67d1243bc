"""A real ASGI server (uvicorn) in a background thread, for tests that need server-sent events.

pytest-django's ``live_server`` is a threaded WSGI server, which cannot stream; pages that push live
updates are tested against this instead. Use with ``transactional_db`` so the server's connections
see committed rows.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AsgiServer:
    def __init__(self) -> None:
        from config.asgi import application

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def asgi_server(transactional_db, settings) -> Iterator[AsgiServer]:
    settings.ALLOWED_HOSTS = ["*"]
    server = AsgiServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()

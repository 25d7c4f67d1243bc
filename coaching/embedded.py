"""The embedded default's stand-in for Celery beat: periodic jobs on a background thread.

With ``CELERY_TASK_ALWAYS_EAGER`` (no Redis), there is no beat process; ``serve`` starts this loop
so compliance deadlines on silent calls, webhook retries and rollups still happen. It runs the same
task functions beat would, on the schedule in ``settings.CELERY_BEAT_SCHEDULE``.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)


def run_beat_loop(stop: threading.Event, *, tick_s: float = 0.5) -> None:
    import coaching.tasks  # noqa: F401  (registers the tasks the schedule names)
    import rollout.tasks  # noqa: F401
    from config.celery import app

    schedule = {
        name: (entry["task"], float(entry["schedule"]))  # type: ignore[arg-type]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    due = dict.fromkeys(schedule, 0.0)
    while not stop.is_set():
        now = time.monotonic()
        for name, (task_name, every) in schedule.items():
            if now < due[name]:
                continue
            due[name] = now + every
            try:
                app.tasks[task_name]()
            except Exception:  # one failing job must not stop the others
                log.exception("embedded beat job %s failed", name)
            finally:
                close_old_connections()
        stop.wait(tick_s)


def start_beat_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_beat_loop, args=(stop,), name="embedded-beat", daemon=True).start()
    return stop

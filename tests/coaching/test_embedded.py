import threading

import pytest

from coaching.embedded import run_beat_loop


@pytest.mark.django_db(transaction=True)
def test_embedded_beat_loop__runs_every_scheduled_job_without_errors(caplog, settings):
    settings.CELERY_BEAT_SCHEDULE = {
        name: {**entry, "schedule": 3600.0} for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    stop = threading.Event()
    thread = threading.Thread(target=run_beat_loop, args=(stop,), kwargs={"tick_s": 0.05})
    thread.start()
    stop.wait(1.0)
    stop.set()
    thread.join(timeout=10)
    assert not [r for r in caplog.records if "embedded beat job" in r.getMessage()]

"""The Celery app. Settings come from Django settings under the ``CELERY_`` prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("coachplane")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fixup closes the database connections (and with a pool, the whole pool) before
# and after every task unless told to reuse them; reconnecting per task costs more than scoring.
app.conf.CELERY_DB_REUSE_MAX = 10_000

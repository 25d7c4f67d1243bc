"""Thin Celery entry points of the rollout app."""

from __future__ import annotations

from celery import shared_task

from rollout.forecast import forecast_run_execute


@shared_task(name="rollout.density_forecast", ignore_result=True)
def density_forecast(run_id: int) -> None:
    """Replay a recorded ``ForecastRun`` (both configs frozen on the run); a no-op once it ran."""
    forecast_run_execute(run_id=run_id)

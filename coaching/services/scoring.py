"""Scoring a live call: engine + routing under the team's effective config."""

from __future__ import annotations

from django.db import transaction


def call_score_enqueue(call_pk: int) -> None:
    """Enqueue scoring of ``call_pk`` once the surrounding transaction commits."""
    from coaching.tasks import score_call

    transaction.on_commit(lambda: score_call.delay(call_pk))


def call_score(*, call_pk: int) -> None:
    raise NotImplementedError("being written")

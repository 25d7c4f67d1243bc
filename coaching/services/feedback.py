"""A floor lead's verdict on a detection: useful or not useful.

Reviews, phase gates ("the signals chosen for phase 2 rated useful by leads") and the daily rollups
read it. One row per (detection, user): marking again updates the verdict, marking the same verdict
twice changes nothing.

Not audited: feedback is high-volume telemetry from the floor, not a configuration change, and the
row itself keeps who said what (``user``, ``created_at``). Decisions taken *on* feedback (a signal
promoted, a threshold changed) are audited by the rollout services that take them.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from coaching.models import Detection, Feedback

NOTE_MAX = 280


def feedback_record(
    *, detection: Detection, user: AbstractBaseUser, useful: bool, note: str = ""
) -> tuple[Feedback, bool]:
    """Record or update ``user``'s verdict on ``detection``; return ``(feedback, changed)``.

    Idempotent per user: the same verdict and note again is a no-op (``changed`` false).
    """
    note = (note or "").strip()[:NOTE_MAX]
    with transaction.atomic():
        existing = (
            Feedback.objects.select_for_update().filter(detection=detection, user=user).first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    return (
                        Feedback.objects.create(
                            detection=detection, user=user, useful=useful, note=note
                        ),
                        True,
                    )
            except IntegrityError:  # the same lead clicked twice at once: update the winner
                existing = Feedback.objects.select_for_update().get(detection=detection, user=user)
        if existing.useful == useful and (not note or existing.note == note):
            return existing, False
        existing.useful = useful
        if note:
            existing.note = note
        existing.save(update_fields=["useful", "note"])
    return existing, True

"""What an agent does with a cue: acknowledge, dismiss, act on it, or hand the call to its desk.

Responses: the latest action wins, except that ``acted`` is final (it is what gates and reviews
count as "agents act on cues", and a handoff sets it); repeating the current action is a no-op.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from coaching.errors import (
    CallEnded,
    InvalidPromptAction,
    NoHandoffDesk,
    PromptAlreadyActed,
    PromptNotFound,
)
from coaching.models import Call, CallStatus, Handoff, Integration, Prompt, PromptStatus
from rollout.audit import Actor, audit_record

Who = Actor | AbstractBaseUser | AnonymousUser | None

PROMPT_ACTIONS = (PromptStatus.ACKNOWLEDGED, PromptStatus.DISMISSED, PromptStatus.ACTED)


def prompt_in_scope(*, integration: Integration, prompt_id: int) -> Prompt:
    """The prompt if its call is on one of the integration's teams, else ``PromptNotFound``."""
    prompt = (
        Prompt.objects.filter(pk=prompt_id, call__team__integrations=integration)
        .select_related("detection")
        .first()
    )
    if prompt is None:
        raise PromptNotFound("No such prompt.")
    return prompt


def prompt_respond(*, prompt: Prompt, action: str, actor: Who) -> Prompt:
    """Record the agent's response to a cue. ``acted`` is final (``PromptAlreadyActed`` for a
    later different action); the same action twice changes nothing. Not audited: responses are
    telemetry, counted by the daily rollups."""
    if action not in PROMPT_ACTIONS:
        raise InvalidPromptAction(
            "Unknown action.",
            fields={"action": ["Choose acknowledged, dismissed or acted."]},
        )
    with transaction.atomic():
        locked = Prompt.objects.select_for_update().select_related("detection").get(pk=prompt.pk)
        if locked.status == action:
            return locked
        if locked.status == PromptStatus.ACTED:
            raise PromptAlreadyActed(
                "The agent already acted on this cue; that response is final.",
                fields={"action": ["Already acted."]},
            )
        locked.status = action
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
    return locked


def _handoff_payload(handoff: Handoff, call: Call, prompt: Prompt) -> dict[str, Any]:
    return {
        "handoff_id": handoff.pk,
        "call_id": call.external_id,
        "team": call.team.slug,
        "agent": call.agent.external_id if call.agent else None,
        "desk": handoff.desk,
        "prompt_id": prompt.pk,
        "signal": prompt.signal_key,
        "requested_at": handoff.created_at.isoformat(),
    }


def handoff_request(*, call: Call, prompt_id: int, actor: Who) -> tuple[Handoff, bool]:
    """One-click handoff of a live call to the cue's desk; return ``(handoff, created)``.

    Idempotent per prompt (a second click returns the first handoff). Marks the prompt ``acted``,
    is audited as ``handoff.request`` and, when the delivery module is present, sends the call's
    integration a ``handoff.requested`` webhook after commit.
    """
    with transaction.atomic():
        # Call before prompt: the order scoring locks in.
        locked = Call.objects.select_for_update().get(pk=call.pk)
        prompt = Prompt.objects.select_for_update().filter(pk=prompt_id, call=call).first()
        if prompt is None:
            raise PromptNotFound("No such prompt on this call.", fields={"prompt": ["Unknown."]})
        existing = Handoff.objects.filter(prompt=prompt).first()
        if existing is not None:
            return existing, False
        if not prompt.handoff_desk:
            raise NoHandoffDesk(
                "This cue has no handoff desk.", fields={"prompt": ["The cue has no desk."]}
            )
        if locked.status == CallStatus.ENDED:
            raise CallEnded("The call has ended; it cannot be handed off.")
        who = Actor.of(actor)
        handoff = Handoff.objects.create(
            call=call, prompt=prompt, desk=prompt.handoff_desk, requested_by=who.user
        )
        before = prompt.status
        if prompt.status != PromptStatus.ACTED:
            prompt.status = PromptStatus.ACTED
            prompt.responded_at = timezone.now()
            prompt.save(update_fields=["status", "responded_at"])
        audit_record(
            actor=actor,
            action="handoff.request",
            obj=handoff,
            team=call.team,
            before={"prompt_status": before},
            after={"desk": handoff.desk, "prompt": prompt.pk, "call": call.external_id},
        )
        _notify(call, handoff, prompt)
    return handoff, True


def _notify(call: Call, handoff: Handoff, prompt: Prompt) -> None:
    # Sending (signing, retries, the delivery log) is the delivery module's job; this service only
    # says what happened. Imported lazily so prompts do not depend on delivery being installed.
    try:
        from coaching.services.delivery import webhook_enqueue
    except ImportError:
        return
    webhook_enqueue(
        integration=call.integration,
        event="handoff.requested",
        payload=_handoff_payload(handoff, call, prompt),
    )

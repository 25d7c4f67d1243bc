"""Input and output shapes of API v1. Inputs parse and validate types; services decide the rest."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from coaching.errors import BatchTooLarge
from coaching.models import (
    Call,
    CallOutcome,
    CallStatus,
    Direction,
    Handoff,
    HandoffStatus,
    Prompt,
    PromptAudience,
    PromptStatus,
)
from coaching.services.calls import MAX_BATCH_EVENTS
from coaching.services.prompts import PROMPT_ACTIONS
from signals.engine.errors import TranscriptError
from signals.engine.transcript import Event, parse_event

TRACKS = ("inbound_track", "outbound_track")

# --- calls ---------------------------------------------------------------------------------------


class CallStartInputSerializer(serializers.Serializer):
    call_id = serializers.CharField(max_length=128, help_text="The platform's call id.")
    team = serializers.SlugField(max_length=64, help_text="Slug of one of the key's teams.")
    agent = serializers.CharField(
        max_length=128, help_text="The agent's telephony id; the agent is created on first sight."
    )
    agent_name = serializers.CharField(
        max_length=120,
        required=False,
        default="",
        allow_blank=True,
        help_text="Display name for a new agent (default: the agent id).",
    )
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INBOUND)
    workflows = serializers.ListField(
        child=serializers.CharField(max_length=32),
        default=list,
        max_length=20,
        help_text='Compliance context tags, e.g. ["phi", "tcpa"].',
    )
    started_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    language = serializers.CharField(max_length=16, default="en")


class CallOutputSerializer(serializers.ModelSerializer):
    call_id = serializers.CharField(source="external_id")
    team = serializers.SlugField(source="team.slug")
    agent = serializers.CharField(source="agent.external_id", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=CallStatus.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    workflows = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Call
        fields = [
            "call_id",
            "team",
            "agent",
            "direction",
            "workflows",
            "language",
            "status",
            "started_at",
            "ended_at",
        ]
        read_only_fields = fields


class CallEndInputSerializer(serializers.Serializer):
    ended_at = serializers.DateTimeField(required=False, help_text="Default: now.")


# --- events --------------------------------------------------------------------------------------


class CanonicalEventField(serializers.Field):
    """One event in the canonical transcript format, checked by the engine's own parser."""

    default_error_messages = {"invalid": "Invalid event."}

    def to_internal_value(self, data: Any) -> Event:
        try:
            return parse_event(data)
        except TranscriptError as exc:
            if exc.field:
                raise serializers.ValidationError({exc.field: [exc.message]}) from None
            raise serializers.ValidationError([exc.message]) from None

    def to_representation(self, value: Event) -> dict[str, Any]:
        return value.to_dict()


class CanonicalEventSerializer(serializers.Serializer):
    """Schema of one canonical event (documentation; validation is ``parse_event``)."""

    event_id = serializers.CharField(max_length=128)
    speaker = serializers.ChoiceField(choices=["agent", "customer"])
    offset_ms = serializers.IntegerField(min_value=0, help_text="Milliseconds from call start.")
    end_offset_ms = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    text = serializers.CharField(max_length=20_000, allow_blank=True)
    sentiment = serializers.FloatField(
        min_value=-1.0,
        max_value=1.0,
        required=False,
        allow_null=True,
        help_text="Upstream sentiment score, if the platform gives one.",
    )
    is_partial = serializers.BooleanField(
        required=False, default=False, help_text="An unstable partial transcript."
    )


class EventListField(serializers.ListField):
    def to_internal_value(self, data: Any) -> list[Event]:
        # Refuse an oversized batch before parsing a single event of it.
        if isinstance(data, list) and len(data) > MAX_BATCH_EVENTS:
            raise BatchTooLarge(
                f"At most {MAX_BATCH_EVENTS} events per request; split the batch.",
                fields={"events": [f"At most {MAX_BATCH_EVENTS} events."]},
            )
        return super().to_internal_value(data)


class EventsBatchInputSerializer(serializers.Serializer):
    events = EventListField(child=CanonicalEventField(), allow_empty=False)


class EventsBatchSchemaSerializer(serializers.Serializer):
    """How ``EventsBatchInputSerializer`` looks in the schema."""

    events = CanonicalEventSerializer(many=True, help_text="1 to 200 canonical events.")


class EventsAcceptedOutputSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Events stored by this request.")
    duplicates = serializers.IntegerField(help_text="Events already stored (changed nothing).")


# --- prompts and handoffs ------------------------------------------------------------------------


class PromptListQueryInputSerializer(serializers.Serializer):
    audience = serializers.ChoiceField(choices=PromptAudience.choices, default="agent")
    after = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)


class PromptOutputSerializer(serializers.ModelSerializer):
    signal = serializers.CharField(source="signal_key", help_text="Signal key, e.g. churn_intent.")
    label = serializers.CharField(  # type: ignore[assignment]  # a declared field, not Field.label
        help_text="The short visual cue. Never a script."
    )
    audience = serializers.ChoiceField(choices=PromptAudience.choices)
    status = serializers.ChoiceField(choices=PromptStatus.choices)
    handoff_desk = serializers.CharField(help_text='"save", "revenue" or "" (no desk).')
    offset_ms = serializers.IntegerField(source="detection.offset_ms")
    confidence = serializers.FloatField(source="detection.confidence")

    class Meta:
        model = Prompt
        fields = [
            "id",
            "signal",
            "label",
            "handoff_desk",
            "audience",
            "status",
            "created_at",
            "offset_ms",
            "confidence",
        ]
        read_only_fields = fields


class PromptPageOutputSerializer(serializers.Serializer):
    results = PromptOutputSerializer(many=True)
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Pass as `after` for the next page; null when none is left."
    )
    next = serializers.URLField(allow_null=True, help_text="URL of the next page, or null.")


class PromptResponseInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a.value, a.label) for a in PROMPT_ACTIONS])


class HandoffInputSerializer(serializers.Serializer):
    prompt = serializers.IntegerField(min_value=1, help_text="Id of the cue to hand off.")


class HandoffOutputSerializer(serializers.ModelSerializer):
    call_id = serializers.CharField(source="call.external_id")
    prompt = serializers.IntegerField(source="prompt_id")
    status = serializers.ChoiceField(choices=HandoffStatus.choices)

    class Meta:
        model = Handoff
        fields = ["id", "call_id", "prompt", "desk", "status", "created_at"]
        read_only_fields = fields


# --- outcomes ------------------------------------------------------------------------------------


class OutcomeInputSerializer(serializers.Serializer):
    csat = serializers.IntegerField(min_value=1, max_value=5, required=False)
    effort = serializers.IntegerField(min_value=1, max_value=7, required=False)
    resolved = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give at least one of csat, effort, resolved.")
        return attrs


class OutcomeOutputSerializer(serializers.ModelSerializer):
    call_id = serializers.CharField(source="call.external_id")

    class Meta:
        model = CallOutcome
        fields = ["call_id", "csat", "effort", "resolved", "recorded_at"]
        read_only_fields = fields


# --- platform payloads ---------------------------------------------------------------------------


class PlatformQueryInputSerializer(serializers.Serializer):
    call_id = serializers.CharField(
        max_length=128,
        required=False,
        help_text="The call, for payloads that do not name it (Transcribe: required).",
    )
    team = serializers.SlugField(
        max_length=64,
        required=False,
        help_text="Start an unknown call implicitly on this team (one of the key's).",
    )
    agent = serializers.CharField(max_length=128, required=False, help_text="With `team`.")
    agent_name = serializers.CharField(max_length=120, required=False, default="")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INBOUND)
    workflows = serializers.CharField(
        max_length=200, required=False, default="", help_text="Comma-separated, e.g. phi,tcpa."
    )
    customer_track = serializers.ChoiceField(
        choices=TRACKS, default="inbound_track", help_text="Twilio: which track is the customer."
    )

    def validate_workflows(self, value: str) -> list[str]:
        return [w.strip() for w in value.split(",") if w.strip()]


class PlatformIngestOutputSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    ended = serializers.BooleanField(help_text="The payload said the call is over; it is ended.")
    started = serializers.BooleanField(help_text="This payload started the call implicitly.")


class TwilioCallbackInputSerializer(serializers.Serializer):
    """Twilio real-time transcription status callback (form fields; schema only)."""

    CallSid = serializers.CharField()
    TranscriptionEvent = serializers.ChoiceField(
        choices=[
            "transcription-started",
            "transcription-content",
            "transcription-stopped",
            "transcription-error",
        ]
    )
    TranscriptionSid = serializers.CharField(required=False)
    Track = serializers.ChoiceField(choices=TRACKS, required=False)
    TranscriptionData = serializers.CharField(required=False, help_text="JSON string.")
    Final = serializers.CharField(required=False, help_text='"true" or "false".')
    SequenceId = serializers.CharField(required=False)
    Timestamp = serializers.CharField(required=False, help_text="RFC 3339.")
    LanguageCode = serializers.CharField(required=False)

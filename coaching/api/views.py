"""API v1 views: one per operation. Each parses its input, calls one service, renders the result."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coaching.api.auth import ApiKeyAuthentication, IntegrationRateThrottle, IsIntegration
from coaching.api.errors import ErrorSerializer
from coaching.api.selectors import call_prompts_page
from coaching.api.serializers import (
    CallEndInputSerializer,
    CallOutputSerializer,
    CallStartInputSerializer,
    EventsAcceptedOutputSerializer,
    EventsBatchInputSerializer,
    EventsBatchSchemaSerializer,
    HandoffInputSerializer,
    HandoffOutputSerializer,
    OutcomeInputSerializer,
    OutcomeOutputSerializer,
    PlatformIngestOutputSerializer,
    PlatformQueryInputSerializer,
    PromptListQueryInputSerializer,
    PromptOutputSerializer,
    PromptPageOutputSerializer,
    PromptResponseInputSerializer,
    TwilioCallbackInputSerializer,
)
from coaching.models import Integration
from coaching.services import calls, prompts
from rollout.audit import Actor

ERROR_DESCRIPTIONS = {
    400: "Invalid input; `fields` names each bad field (e.g. `events[2].speaker`).",
    401: "Missing, invalid or revoked API key.",
    404: "Unknown, or not on one of this key's teams.",
    409: "Conflicts with the current state (see `code`).",
    429: "Rate limit of the key exceeded; retry after `Retry-After` seconds.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses of an endpoint (401 and 429 apply to every one)."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in sorted({401, 429, *statuses})
    }


CALL_ID = OpenApiParameter(
    "call_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The platform's call id."
)


class IntegrationView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsIntegration]
    throttle_classes = [IntegrationRateThrottle]

    @property
    def integration(self) -> Integration:
        assert isinstance(self.request.auth, Integration)
        return self.request.auth

    @property
    def actor(self) -> Actor:
        return Actor.integration(self.integration.name)

    def call(self, call_id: str) -> Any:
        return calls.call_in_scope(integration=self.integration, external_id=call_id)


# --- calls ---------------------------------------------------------------------------------------


class CallStartView(IntegrationView):
    @extend_schema(
        operation_id="calls_start",
        tags=["calls"],
        summary="Start a call",
        description=(
            "Idempotent on the key's integration and `call_id`: the first request returns 201, a "
            "replay 200 with the same call (its other fields are ignored); a replay naming another "
            "team is refused with 409 `call_conflict`. A team outside the key's scope is "
            "400 `unknown_team`. The agent is created on first sight."
        ),
        request=CallStartInputSerializer,
        responses={201: CallOutputSerializer, 200: CallOutputSerializer, **errors(400, 409)},
    )
    def post(self, request: Request) -> Response:
        data = CallStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        call, created = calls.call_start(
            integration=self.integration,
            external_id=v["call_id"],
            team_slug=v["team"],
            agent_external_id=v["agent"],
            agent_name=v["agent_name"],
            direction=v["direction"],
            workflows=v["workflows"],
            language=v["language"],
            started_at=v.get("started_at"),
            actor=self.actor,
        )
        return Response(
            CallOutputSerializer(call).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


EVENTS_EXAMPLE = {
    "events": [
        {
            "event_id": "e1",
            "speaker": "agent",
            "offset_ms": 0,
            "end_offset_ms": 4200,
            "text": "Hi, this is Dana from Acme Health. This call may be recorded.",
        },
        {
            "event_id": "e2",
            "speaker": "customer",
            "offset_ms": 4300,
            "text": "Okay.",
            "sentiment": 0.1,
        },
        {
            "event_id": "e3",
            "speaker": "customer",
            "offset_ms": 6100,
            "text": "I want to",
            "is_partial": True,
        },
    ]
}


class EventsIngestView(IntegrationView):
    @extend_schema(
        operation_id="calls_events_ingest",
        tags=["calls"],
        summary="Send transcript events",
        description=(
            "1 to 200 canonical events (see DESIGN's canonical transcript format), in any order. "
            "All or nothing: one invalid event refuses the batch (400, `fields` like "
            "`events[2].speaker`) and stores nothing. Idempotent per `event_id` and `is_partial`: "
            "events already stored count as `duplicates` and change nothing. More than 200 events "
            "is 400 `batch_too_large`. On an ended call a batch of duplicates is still accepted, "
            "a new event is 409 `call_ended`."
        ),
        parameters=[CALL_ID],
        request=EventsBatchSchemaSerializer,
        responses={202: EventsAcceptedOutputSerializer, **errors(400, 404, 409)},
        examples=[
            OpenApiExample("A batch", value=EVENTS_EXAMPLE, request_only=True),
            OpenApiExample(
                "Accepted",
                value={"accepted": 3, "duplicates": 0},
                response_only=True,
                status_codes=["202"],
            ),
            OpenApiExample(
                "Replayed",
                value={"accepted": 0, "duplicates": 3},
                response_only=True,
                status_codes=["202"],
            ),
            OpenApiExample(
                "A bad event",
                value={
                    "code": "invalid",
                    "message": 'events[1].speaker: Must be "agent" or "customer".',
                    "fields": {"events[1].speaker": ['Must be "agent" or "customer".']},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request, call_id: str) -> Response:
        call = self.call(call_id)
        data = EventsBatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = calls.events_ingest(
            call=call, events=data.validated_data["events"], actor=self.actor
        )
        return Response(
            EventsAcceptedOutputSerializer(result).data, status=status.HTTP_202_ACCEPTED
        )


class CallEndView(IntegrationView):
    @extend_schema(
        operation_id="calls_end",
        tags=["calls"],
        summary="End a call",
        description="Idempotent: ending an ended call returns it unchanged.",
        parameters=[CALL_ID],
        request=CallEndInputSerializer,
        responses={200: CallOutputSerializer, **errors(400, 404)},
    )
    def post(self, request: Request, call_id: str) -> Response:
        call = self.call(call_id)
        data = CallEndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ended = calls.call_end(
            call=call, ended_at=data.validated_data.get("ended_at"), actor=self.actor
        )
        ended.team, ended.agent = call.team, call.agent
        return Response(CallOutputSerializer(ended).data)


class CallOutcomeView(IntegrationView):
    @extend_schema(
        operation_id="calls_outcome_record",
        tags=["calls"],
        summary="Record the post-call outcome",
        description=(
            "CSAT 1–5, customer effort 1–7, resolved: any subset, at least one. Upsert: fields "
            "sent overwrite, fields left out keep their value. 201 the first time, then 200."
        ),
        parameters=[CALL_ID],
        request=OutcomeInputSerializer,
        responses={201: OutcomeOutputSerializer, 200: OutcomeOutputSerializer, **errors(400, 404)},
    )
    def post(self, request: Request, call_id: str) -> Response:
        call = self.call(call_id)
        data = OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome, created = calls.outcome_record(call=call, actor=self.actor, **data.validated_data)
        outcome.call = call
        return Response(
            OutcomeOutputSerializer(outcome).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- prompts and handoffs ------------------------------------------------------------------------


class CallPromptsView(IntegrationView):
    @extend_schema(
        operation_id="calls_prompts_list",
        tags=["prompts"],
        summary="Cues for a call since a cue id",
        description=(
            "For agent desktops that poll: the call's prompts with id greater than `after`, "
            "oldest first, `limit` per page. Poll again with `after` = `next_after` (or the last "
            "id you saw)."
        ),
        parameters=[
            CALL_ID,
            OpenApiParameter(
                "audience",
                OpenApiTypes.STR,
                enum=["agent", "leads"],
                default="agent",
                description="Whose cues: the agent's (default) or the floor leads'.",
            ),
            OpenApiParameter(
                "after", OpenApiTypes.INT, default=0, description="Only prompts with a greater id."
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, default=50, description="Page size, 1 to 200."
            ),
        ],
        responses={200: PromptPageOutputSerializer, **errors(400, 404)},
    )
    def get(self, request: Request, call_id: str) -> Response:
        call = self.call(call_id)
        query = PromptListQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        rows, more = call_prompts_page(
            call=call, audience=q["audience"], after=q["after"], limit=q["limit"]
        )
        next_after = rows[-1].pk if more else None
        next_url = None
        if next_after is not None:
            params = request.query_params.copy()
            params["after"] = str(next_after)
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(
            {
                "results": PromptOutputSerializer(rows, many=True).data,
                "next_after": next_after,
                "next": next_url,
            }
        )


class PromptResponseView(IntegrationView):
    @extend_schema(
        operation_id="prompts_respond",
        tags=["prompts"],
        summary="Record the agent's response to a cue",
        description=(
            "The latest action wins, except that `acted` is final: changing it afterwards is "
            "409 `prompt_already_acted`. Repeating the current action is a no-op (200)."
        ),
        parameters=[OpenApiParameter("prompt_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=PromptResponseInputSerializer,
        responses={200: PromptOutputSerializer, **errors(400, 404, 409)},
    )
    def post(self, request: Request, prompt_id: int) -> Response:
        prompt = prompts.prompt_in_scope(integration=self.integration, prompt_id=prompt_id)
        data = PromptResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = prompts.prompt_respond(
            prompt=prompt, action=data.validated_data["action"], actor=self.actor
        )
        return Response(PromptOutputSerializer(updated).data)


class HandoffRequestView(IntegrationView):
    @extend_schema(
        operation_id="calls_handoffs_request",
        tags=["prompts"],
        summary="One-click handoff to the cue's desk",
        description=(
            "Hands the live call to the prompt's desk (save or revenue) and marks the prompt "
            "`acted`; the call's integration gets a signed `handoff.requested` webhook. "
            "Idempotent per prompt: 201 the first time, then 200 with the same handoff. A cue "
            "without a desk is 400 `no_handoff_desk`; an ended call is 409 `call_ended`."
        ),
        parameters=[CALL_ID],
        request=HandoffInputSerializer,
        responses={
            201: HandoffOutputSerializer,
            200: HandoffOutputSerializer,
            **errors(400, 404, 409),
        },
    )
    def post(self, request: Request, call_id: str) -> Response:
        call = self.call(call_id)
        data = HandoffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        handoff, created = prompts.handoff_request(
            call=call, prompt_id=data.validated_data["prompt"], actor=self.actor
        )
        handoff.call = call
        return Response(
            HandoffOutputSerializer(handoff).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- platform payloads ---------------------------------------------------------------------------

PLATFORM_DESCRIPTION = (
    " Mapped into canonical events and fed to the same ingest as `POST /calls/{call_id}/events/` "
    "(same idempotency, same 200-event limit per payload, same `call_ended` rule). The call must "
    "have been started with `POST /calls/` — or pass `?team=SLUG` (and `?agent=ID`, "
    "`?direction=`, `?workflows=phi,tcpa`) to start an unknown call from the payload. A payload "
    "that says the call is over ends it. A malformed payload is 400 `invalid_payload` with the "
    "platform's own field path. Vendor category matches are accepted but not stored yet."
)

PLATFORM_PARAMETERS = [
    OpenApiParameter(
        "call_id", OpenApiTypes.STR, description="The call, when the payload does not name it."
    ),
    OpenApiParameter("team", OpenApiTypes.STR, description="Start an unknown call on this team."),
    OpenApiParameter("agent", OpenApiTypes.STR, description="Agent id for an implicit start."),
    OpenApiParameter("agent_name", OpenApiTypes.STR, description="Display name of a new agent."),
    OpenApiParameter(
        "direction",
        OpenApiTypes.STR,
        enum=["inbound", "outbound"],
        description="Direction for an implicit start (default inbound).",
    ),
    OpenApiParameter(
        "workflows",
        OpenApiTypes.STR,
        description="Comma-separated workflow tags for an implicit start.",
    ),
]


class PlatformIngestView(IntegrationView):
    platform = ""

    def post(self, request: Request) -> Response:
        query = PlatformQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        payload = request.data.dict() if hasattr(request.data, "dict") else request.data
        start = None
        if q.get("team"):
            start = calls.ImplicitStart(
                team_slug=q["team"],
                agent_external_id=q.get("agent"),
                agent_name=q["agent_name"],
                direction=q["direction"],
                workflows=tuple(q["workflows"]),
            )
        result = calls.platform_payload_ingest(
            integration=self.integration,
            platform=self.platform,
            payload=payload,
            call_id=q.get("call_id"),
            start=start,
            customer_track=q["customer_track"],
            actor=self.actor,
        )
        body = {
            "call_id": result.call.external_id,
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "ended": result.ended,
            "started": result.started,
        }
        return Response(PlatformIngestOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)


def _platform_schema(operation_id: str, summary: str, description: str, **extra: Any) -> Any:
    extra.setdefault("request", OpenApiTypes.OBJECT)
    extra.setdefault("parameters", PLATFORM_PARAMETERS)
    return extend_schema(
        operation_id=operation_id,
        tags=["platform ingest"],
        summary=summary,
        description=description + PLATFORM_DESCRIPTION,
        responses={202: PlatformIngestOutputSerializer, **errors(400, 404, 409)},
        **extra,
    )


class ContactLensIngestView(PlatformIngestView):
    platform = "contact_lens"
    parser_classes = [JSONParser]

    @_platform_schema(
        "ingest_contact_lens",
        "Amazon Connect Contact Lens real-time segments",
        "One Kinesis record of a contact's real-time analysis (`EventType` STARTED / SEGMENTS / "
        "COMPLETED / FAILED); the call is `ContactId`. COMPLETED and FAILED end the call.",
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class TranscribeIngestView(PlatformIngestView):
    platform = "transcribe"
    parser_classes = [JSONParser]

    @_platform_schema(
        "ingest_transcribe",
        "Amazon Transcribe Call Analytics stream events",
        "An `UtteranceEvent` / `CategoryEvent` (or a list of them). Transcribe events do not name "
        "their call: `?call_id=` is required (400 `call_id_required`). End the call with "
        "`POST /calls/{call_id}/end/`.",
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class GoogleCcaiIngestView(PlatformIngestView):
    platform = "google_ccai"
    parser_classes = [JSONParser]

    @_platform_schema(
        "ingest_google_ccai",
        "Google CCAI conversation messages",
        'A `Message`, a `{"messages": [...]}` batch, a conversation-profile notification or its '
        "Pub/Sub push envelope; the call is the conversation id. Offsets count from the call's "
        "`started_at`, so start the call with the conversation's start time (an implicit start "
        "uses the earliest message time). CONVERSATION_FINISHED ends the call.",
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class TwilioIngestView(PlatformIngestView):
    platform = "twilio"
    parser_classes = [FormParser]

    @_platform_schema(
        "ingest_twilio",
        "Twilio real-time transcription callbacks",
        "Form-encoded status callbacks; the call is `CallSid`. Twilio cannot send an `Api-Key` "
        "header: put the key in the callback URL as Basic credentials "
        "(`https://twilio:<key>@host/...`). `?customer_track=` says which track is the customer "
        "(default inbound_track). transcription-stopped and -error end the call.",
        request={"application/x-www-form-urlencoded": TwilioCallbackInputSerializer},
        parameters=[
            *PLATFORM_PARAMETERS,
            OpenApiParameter(
                "customer_track",
                OpenApiTypes.STR,
                enum=["inbound_track", "outbound_track"],
                description="Which Twilio track is the customer (default inbound_track).",
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)

"""Reads for the live floor: the triage list, a call's timeline, an agent's cue panel.

Scope is decided here, once: ops admins see every call, floor leads the calls of their teams, agents
their own calls. Each selector runs a fixed number of queries however many calls are live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from coaching.models import (
    Call,
    CallEvent,
    CallStatus,
    Detection,
    Feedback,
    Prompt,
    PromptAudience,
)
from coaching.services.scoring import decayed_risk
from config.roles import is_agent, is_floor_lead, is_ops_admin

#: signal chips shown per triage row (the latest first)
TRIAGE_CHIPS = 3

DECISION_LABELS = {
    PromptAudience.AGENT: "Agent cued",
    PromptAudience.LEADS: "Leads only",
    "": "Recorded only",
}


def mmss(offset_ms: int) -> str:
    """Call time as ``m:ss`` (``h:mm:ss`` past an hour)."""
    seconds = max(0, offset_ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def monitor_url(template: str, external_id: str) -> str:
    """The integration's live-monitor link for a call, or ``""`` without a template."""
    from urllib.parse import quote

    if not template or "{call_id}" not in template:
        return ""
    return template.replace("{call_id}", quote(external_id, safe=""))


def calls_visible_to(user: Any) -> QuerySet[Call]:
    """Calls ``user`` may see: everything (ops admins), their teams' (floor leads), their own
    (agents); nothing otherwise."""
    calls = Call.objects.all()
    if is_ops_admin(user):
        return calls
    if is_floor_lead(user):
        return calls.filter(team__floor_leads=user)
    if is_agent(user):
        return calls.filter(agent__user=user)
    return calls.none()


def lead_calls(user: Any) -> QuerySet[Call]:
    """Calls a floor lead or ops admin may triage (agents get none: they have the cue panel)."""
    if is_ops_admin(user):
        return Call.objects.all()
    if is_floor_lead(user):
        return Call.objects.filter(team__floor_leads=user)
    return Call.objects.none()


# --- the triage list ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignalChip:
    key: str
    name: str
    category: str
    offset_ms: int
    call_time: str
    audience: str


@dataclass(frozen=True, slots=True)
class TriageRow:
    call_pk: int
    call_id: str
    agent: str
    team: str
    team_slug: str
    phase: int | None
    direction: str
    workflows: tuple[str, ...]
    started_at: datetime
    elapsed_s: int
    risk: float
    agent_cues: int
    max_agent_cues: int
    chips: tuple[SignalChip, ...]
    listen_url: str

    @property
    def risk_pct(self) -> int:
        return round(min(1.0, max(0.0, self.risk)) * 100)

    @property
    def elapsed(self) -> str:
        return mmss(self.elapsed_s * 1000)

    @property
    def risk_level(self) -> str:
        return "high" if self.risk >= 0.6 else "medium" if self.risk >= 0.3 else "low"


def _latest_chips(call_pks: list[int], per_call: int) -> dict[int, list[SignalChip]]:
    """The latest routed detections (leads or agent) of each call, newest first: one query."""
    if not call_pks:
        return {}
    rows = (
        Detection.objects.filter(call_id__in=call_pks)
        .exclude(audience="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("call_id")],
                order_by=[F("offset_ms").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_call)
        .values(
            "call_id", "offset_ms", "audience", "signal__key", "signal__name", "signal__category"
        )
        .order_by("call_id", "rank")
    )
    chips: dict[int, list[SignalChip]] = {}
    for row in rows:
        chips.setdefault(row["call_id"], []).append(
            SignalChip(
                key=row["signal__key"],
                name=row["signal__name"],
                category=row["signal__category"],
                offset_ms=row["offset_ms"],
                call_time=mmss(row["offset_ms"]),
                audience=row["audience"],
            )
        )
    return chips


def triage_rows(user: Any, now: datetime) -> list[TriageRow]:
    """The live calls ``user`` may triage, riskiest first: risk is stakes × confidence of the
    routed detections, decayed by the time since the last one (``decayed_risk``). Two queries."""
    calls = list(
        lead_calls(user)
        .filter(status=CallStatus.LIVE)
        .select_related("team", "team__rollout", "agent", "integration")
        .order_by("started_at", "pk")
    )
    chips = _latest_chips([c.pk for c in calls], TRIAGE_CHIPS)
    rows = []
    for call in calls:
        rollout = getattr(call.team, "rollout", None)
        rows.append(
            TriageRow(
                call_pk=call.pk,
                call_id=call.external_id,
                agent=call.agent.display_name if call.agent else "Unassigned",
                team=call.team.name,
                team_slug=call.team.slug,
                phase=rollout.phase if rollout else None,
                direction=call.direction,
                workflows=tuple(call.workflows or ()),
                started_at=call.started_at,
                elapsed_s=max(0, int((now - call.started_at).total_seconds())),
                risk=decayed_risk(call.risk, call.last_detection_at, now),
                agent_cues=call.agent_cues,
                max_agent_cues=call.team.max_agent_cues,
                chips=tuple(chips.get(call.pk, ())),
                listen_url=monitor_url(call.integration.monitor_url_template, call.external_id),
            )
        )
    # Riskiest first; among equals the call with the freshest signal, then the longest call.
    rows.sort(key=lambda r: (-round(r.risk, 4), -(r.chips[0].offset_ms if r.chips else -1)))
    return rows


# --- a call's timeline ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineDetection:
    pk: int
    signal_key: str
    signal_name: str
    category: str
    confidence: float
    offset_ms: int
    call_time: str
    audience: str
    decision: str
    reason_message: str
    evidence: str
    my_feedback: bool | None

    @property
    def confidence_pct(self) -> int:
        return round(self.confidence * 100)


@dataclass(frozen=True, slots=True)
class TimelineUtterance:
    event_id: str
    speaker: str
    offset_ms: int
    call_time: str
    text: str
    detections: tuple[TimelineDetection, ...]


@dataclass(frozen=True, slots=True)
class CallDetail:
    call: Call
    phase: int | None
    listen_url: str
    timeline: tuple[TimelineUtterance, ...]
    #: detections not tied to an utterance on screen (deadlines, upstream, partials)
    unattached: tuple[TimelineDetection, ...]
    detections: int


def _timeline_detection(d: Detection, mine: dict[int, bool]) -> TimelineDetection:
    return TimelineDetection(
        pk=d.pk,
        signal_key=d.signal.key,
        signal_name=d.signal.name,
        category=d.signal.category,
        confidence=d.confidence,
        offset_ms=d.offset_ms,
        call_time=mmss(d.offset_ms),
        audience=d.audience,
        decision=DECISION_LABELS.get(d.audience, d.audience),
        reason_message=d.reason_message,
        evidence=d.evidence,
        my_feedback=mine.get(d.pk),
    )


def call_detail(user: Any, call_pk: int) -> CallDetail:
    """One call's transcript in call-time order with every detection inline (its decision and
    reason) and ``user``'s own feedback. ``Http404`` outside the user's scope."""
    call = (
        lead_calls(user)
        .select_related("team", "team__rollout", "agent", "integration")
        .filter(pk=call_pk)
        .first()
    )
    if call is None:
        raise Http404("No such call.")
    events = list(
        CallEvent.objects.filter(call=call, is_partial=False)
        .order_by("offset_ms", "pk")
        .only("event_id", "speaker", "offset_ms", "text")
    )
    detections = list(
        Detection.objects.filter(call=call).select_related("signal").order_by("offset_ms", "pk")
    )
    mine = dict(
        Feedback.objects.filter(detection__call=call, user=user).values_list(
            "detection_id", "useful"
        )
    )
    by_event: dict[str, list[TimelineDetection]] = {}
    unattached: list[TimelineDetection] = []
    event_ids = {e.event_id for e in events}
    for d in detections:
        item = _timeline_detection(d, mine)
        if d.event_ref in event_ids:
            by_event.setdefault(d.event_ref, []).append(item)
        else:
            unattached.append(item)
    timeline = tuple(
        TimelineUtterance(
            event_id=e.event_id,
            speaker=e.speaker,
            offset_ms=e.offset_ms,
            call_time=mmss(e.offset_ms),
            text=e.text,
            detections=tuple(by_event.get(e.event_id, ())),
        )
        for e in events
    )
    rollout = getattr(call.team, "rollout", None)
    return CallDetail(
        call=call,
        phase=rollout.phase if rollout else None,
        listen_url=monitor_url(call.integration.monitor_url_template, call.external_id)
        if call.status == CallStatus.LIVE
        else "",
        timeline=timeline,
        unattached=tuple(unattached),
        detections=len(detections),
    )


def detection_for_feedback(user: Any, detection_pk: int) -> Detection:
    """A detection on a call the lead may triage, else ``Http404``."""
    detection = (
        Detection.objects.filter(pk=detection_pk, call__in=lead_calls(user))
        .select_related("signal", "call")
        .first()
    )
    if detection is None:
        raise Http404("No such detection.")
    return detection


# --- the agent's cue panel ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentCue:
    pk: int
    signal_key: str
    category: str
    label: str
    handoff_desk: str
    status: str
    call_time: str
    handed_off: bool


@dataclass(frozen=True, slots=True)
class AgentPanel:
    agent_name: str | None
    call: Call | None
    cues: tuple[AgentCue, ...]
    budget: int


def agent_panel(user: Any) -> AgentPanel:
    """The agent's latest live call and its cues, oldest first, never more than the team's budget
    (``max_agent_cues``; the newest are kept)."""
    call = (
        Call.objects.filter(agent__user=user, status=CallStatus.LIVE)
        .select_related("team", "agent")
        .order_by("-started_at", "-pk")
        .first()
    )
    if call is None:
        from rollout.models import Agent

        name = Agent.objects.filter(user=user).values_list("display_name", flat=True).first()
        return AgentPanel(agent_name=name, call=None, cues=(), budget=0)
    budget = call.team.max_agent_cues
    prompts = list(
        Prompt.objects.filter(call=call, audience=PromptAudience.AGENT)
        .select_related("detection__signal", "handoff")
        .order_by("-pk")[:budget]
    )
    prompts.reverse()
    cues = tuple(
        AgentCue(
            pk=p.pk,
            signal_key=p.signal_key,
            category=p.detection.signal.category,
            label=p.label,
            handoff_desk=p.handoff_desk,
            status=p.status,
            call_time=mmss(p.detection.offset_ms),
            handed_off=_has_handoff(p),
        )
        for p in prompts
    )
    return AgentPanel(
        agent_name=call.agent.display_name if call.agent else None,
        call=call,
        cues=cues,
        budget=budget,
    )


def _has_handoff(prompt: Prompt) -> bool:
    try:
        return prompt.handoff is not None
    except Prompt.handoff.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def agent_prompt(user: Any, prompt_pk: int) -> Prompt:
    """One of the signed-in agent's own cues, else ``Http404``."""
    prompt = (
        Prompt.objects.filter(pk=prompt_pk, audience=PromptAudience.AGENT, call__agent__user=user)
        .select_related("call", "call__team", "call__agent", "call__integration", "detection")
        .first()
    )
    if prompt is None:
        raise Http404("No such cue.")
    return prompt

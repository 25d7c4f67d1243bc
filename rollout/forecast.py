"""Density forecasts: replay a transcript set under a team's current config and under a proposed
change (built in memory, never saved) and compare agent cues per call and firing rates.

Where transcripts come from:
- a source registered by another app (``register_transcript_source``) — the coaching app registers
  the team's recent stored calls in its ``AppConfig.ready()``; rollout never imports coaching;
- an uploaded canonical file (JSON, JSON array or JSON Lines; read by ``load_calls``);
- the built-in demo corpus (the labelled quality cases shipped with ``signals``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from rollout.audit import Actor
from rollout.models import ForecastRun, ForecastStatus, SignalEnablement, Team
from rollout.replay import DensityForecast, density_forecast, replay_call
from rollout.selectors import EffectiveConfig, effective_config, policy_for, spec_for
from signals.engine.routing import Budget
from signals.engine.spec import SignalSpec
from signals.engine.transcript import Transcript, load_calls, parse_call
from signals.models import Signal

#: replays longer than this run as a Celery task with a progress bar
ASYNC_CALLS = 200
DEMO_SOURCE = "demo"
UPLOAD_SOURCE = "upload"

TranscriptSource = Callable[[Team], Iterable[Transcript]]


@dataclass(frozen=True, slots=True)
class RegisteredSource:
    name: str
    label: str
    fn: TranscriptSource


_SOURCES: dict[str, RegisteredSource] = {}


def register_transcript_source(
    fn: TranscriptSource, *, name: str = "recent_calls", label: str = "Recent calls (14 days)"
) -> TranscriptSource:
    """Let another app supply transcripts for forecasts: ``fn(team)`` yields canonical
    ``Transcript`` objects (e.g. the team's stored calls of the last 14 days)."""
    _SOURCES[name] = RegisteredSource(name=name, label=label, fn=fn)
    return fn


def unregister_transcript_source(name: str) -> None:
    _SOURCES.pop(name, None)


def demo_corpus_path() -> Path:
    import signals

    return Path(signals.__file__).resolve().parent / "quality" / "cases"


def transcript_sources() -> list[tuple[str, str]]:
    """(name, label) of every source an ops admin can pick, registered ones first."""
    out = [(s.name, s.label) for s in _SOURCES.values()]
    if any(demo_corpus_path().glob("*.jsonl")):
        out.append((DEMO_SOURCE, "Demo corpus (built-in sample calls)"))
    out.append((UPLOAD_SOURCE, "Uploaded file"))
    return out


def demo_transcripts() -> list[Transcript]:
    calls: list[Transcript] = []
    for path in sorted(demo_corpus_path().glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = _json_loads(line)
                obj.pop("expected", None)
                obj.pop("labels", None)
                calls.append(parse_call({k: obj[k] for k in _CALL_KEYS if k in obj}))
    return calls


_CALL_KEYS = ("call_id", "direction", "workflows", "language", "events")


def _json_loads(text: str) -> dict[str, Any]:
    import json

    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return value


def parse_upload(text: str) -> list[Transcript]:
    """Canonical calls from an uploaded file; raises ``TranscriptError`` naming the bad field."""
    return list(load_calls(text))


def load_source(
    team: Team, source: str, uploaded: list[dict[str, Any]] | None = None
) -> list[Transcript]:
    if source == UPLOAD_SOURCE:
        return [parse_call(c) for c in uploaded or []]
    if source == DEMO_SOURCE:
        return demo_transcripts()
    registered = _SOURCES.get(source)
    if registered is None:
        raise KeyError(source)
    return list(registered.fn(team))


# --- configs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposedChange:
    signal: str
    enabled: bool
    audience: str
    threshold: float | None
    agent_threshold: float | None


def proposed_config(team: Team, change: ProposedChange) -> EffectiveConfig:
    """The team's effective config with one enablement changed, built in memory (nothing saved)."""
    current = effective_config(team)
    signal = Signal.objects.get(key=change.signal)
    policy = policy_for(current.phase)
    specs = [s for s in current.specs if s.key != change.signal]
    if change.enabled and signal.active:
        probe = SignalEnablement(
            team=team,
            signal=signal,
            enabled=True,
            audience=change.audience,
            threshold=change.threshold,
            agent_threshold=change.agent_threshold,
        )
        specs.append(spec_for(signal, probe, policy))
    specs.sort(key=lambda s: s.key)
    return replace(current, specs=tuple(specs))


def config_to_json(config: EffectiveConfig) -> dict[str, Any]:
    return {
        "team_id": config.team_id,
        "team_slug": config.team_slug,
        "version": config.version,
        "phase": config.phase,
        "budget": {
            "max_agent_cues": config.budget.max_agent_cues,
            "cooldown_s": config.budget.cooldown_s,
        },
        "specs": [{**asdict(s), "params": dict(s.params)} for s in config.specs],
    }


def config_from_json(data: dict[str, Any]) -> EffectiveConfig:
    return EffectiveConfig(
        team_id=data["team_id"],
        team_slug=data["team_slug"],
        version=data["version"],
        phase=data["phase"],
        specs=tuple(SignalSpec(**s) for s in data["specs"]),
        budget=Budget(**data["budget"]),
    )


def forecast_as_dict(f: DensityForecast) -> dict[str, Any]:
    return {
        "calls": f.calls,
        "agent_cues_median": f.agent_cues_median,
        "agent_cues_p95": f.agent_cues_p95,
        "agent_cues_max": f.agent_cues_max,
        "signal_rates": f.signal_rates,
    }


def compare(
    transcripts: list[Transcript],
    current: EffectiveConfig,
    proposed: EffectiveConfig,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Replay every call under both configs (the same ``replay_call`` the backtests use)."""
    now_lines: list[dict[str, Any]] = []
    new_lines: list[dict[str, Any]] = []
    total = max(1, len(transcripts))
    for i, t in enumerate(transcripts, start=1):
        now_lines.append(replay_call(t, current))
        new_lines.append(replay_call(t, proposed))
        if progress is not None and (i % 25 == 0 or i == total):
            progress(int(i * 100 / total))
    return {
        "current": forecast_as_dict(density_forecast(now_lines)),
        "proposed": forecast_as_dict(density_forecast(new_lines)),
    }


# --- runs -----------------------------------------------------------------------------------------


def forecast_run_create(
    *,
    team: Team,
    actor: Any,
    change: ProposedChange,
    source: str,
    uploaded: list[Transcript] | None = None,
) -> ForecastRun:
    """Record a forecast request with both configs frozen as JSON (so the result matches what was
    asked even if the team's config changes meanwhile). Does not run it."""
    current = effective_config(team)
    proposed = proposed_config(team, change)
    return ForecastRun.objects.create(
        team=team,
        requested_by=Actor.of(actor).user,
        proposed_config={
            "change": asdict(change),
            "current": config_to_json(current),
            "proposed": config_to_json(proposed),
        },
        source=source,
        source_calls=[_transcript_json(t) for t in uploaded or []],
    )


def _transcript_json(t: Transcript) -> dict[str, Any]:
    return {
        "call_id": t.meta.call_id,
        "direction": t.meta.direction,
        "workflows": sorted(t.meta.workflows),
        "language": t.meta.language,
        "events": [e.to_dict() for e in t.events],
    }


def forecast_run_execute(
    *, run_id: int, transcripts: list[Transcript] | None = None
) -> ForecastRun:
    """Run a recorded forecast (``transcripts``: already loaded by the caller, else read from the
    run's source); idempotent (a finished or running run is left alone)."""
    with transaction.atomic():
        run = ForecastRun.objects.select_for_update().select_related("team").get(pk=run_id)
        if run.status != ForecastStatus.PENDING:
            return run
        run.status = ForecastStatus.RUNNING
        run.save(update_fields=["status"])

    def progress(pct: int) -> None:
        ForecastRun.objects.filter(pk=run_id).update(progress=min(99, pct))

    try:
        if transcripts is None:
            transcripts = load_source(run.team, run.source, run.source_calls)
        result = compare(
            transcripts,
            config_from_json(run.proposed_config["current"]),
            config_from_json(run.proposed_config["proposed"]),
            progress=progress,
        )
    except Exception as exc:  # noqa: BLE001 - recorded on the run, shown on the page
        ForecastRun.objects.filter(pk=run_id).update(
            status=ForecastStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
        )
    else:
        result["source"] = run.source
        result["finished_at"] = timezone.now().isoformat()
        ForecastRun.objects.filter(pk=run_id).update(
            status=ForecastStatus.DONE, progress=100, result=result
        )
    run.refresh_from_db()
    return run

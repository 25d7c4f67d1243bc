"""The signal catalog pages (mounted at /catalog/, namespace ``signals_web``).

They live in rollout because their writes are rollout services (``signal_create``/``signal_update``
are audited and bump team config versions); signals must not import rollout.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from config.roles import OPS_ADMIN, role_required
from rollout.errors import RolloutError
from rollout.selectors import spec_for
from rollout.services import signal_create, signal_update
from rollout.web import selectors as web
from rollout.web.forms import SignalForm, TryItForm, add_service_errors
from rollout.web.views import HtmxHttpRequest
from signals.engine import CallMeta, CallState, Event, evaluate
from signals.models import Signal

PHRASE = "phrase"
_PREFIX = re.compile(r"^\s*(agent|customer)\s*:\s*", re.IGNORECASE)


@require_GET
@role_required(OPS_ADMIN)
def catalog(request: HtmxHttpRequest) -> HttpResponse:
    """Every signal with its detector, version and how many teams enable it."""
    return render(request, "rollout/catalog.html", {"signals": web.catalog_signals()})


@require_http_methods(["GET", "POST"])
@role_required(OPS_ADMIN)
def signal_new(request: HtmxHttpRequest) -> HttpResponse:
    """Create a phrase/pattern signal (no code) through ``signal_create``."""
    form = SignalForm(
        request.POST or None,
        initial={
            "speaker": "customer",
            "active": True,
            "default_threshold": 0.8,
            "stakes": "medium",
        },
    )
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["key"].strip()
        try:
            signal = signal_create(key=key, actor=request.user, **form.service_fields())
        except RolloutError as exc:
            add_service_errors(form, exc)
        else:
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = signal_url(signal)
                return response
            return redirect("signals_web:signal", key=signal.key)
    template = "rollout/signal.html#signal-form" if request.htmx else "rollout/signal.html"
    return render(request, template, {"form": form, "signal": None, "creating": True})


def signal_url(signal: Signal) -> str:
    from django.urls import reverse

    return reverse("signals_web:signal", kwargs={"key": signal.key})


@require_http_methods(["GET", "POST"])
@role_required(OPS_ADMIN)
def signal_detail(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """A signal's page: its edit form (versioned edits through ``signal_update``) and *try it*."""
    signal = get_object_or_404(Signal, key=key)
    phrase = signal.detector == PHRASE
    ctx: dict[str, Any] = {"signal": signal, "creating": False, "try_form": TryItForm()}
    if request.method == "POST":
        form = SignalForm(request.POST, phrase=phrase)
        if form.is_valid():
            fields = form.service_fields()
            reason = form.cleaned_data["reason"]
            try:
                signal = signal_update(signal=signal, actor=request.user, reason=reason, **fields)
            except RolloutError as exc:
                add_service_errors(form, exc)
            else:
                ctx["signal"] = signal
                ctx["flash"] = f"Saved: {signal.key} is now version {signal.version}."
                form = SignalForm(initial=SignalForm.initial_for(signal), phrase=phrase)
                ctx["form"] = form
                response = render(request, _tpl(request, "signal-form"), ctx)
                return trigger_client_event(response, "signal-changed", {"key": signal.key})
    else:
        form = SignalForm(initial=SignalForm.initial_for(signal), phrase=phrase)
    ctx["form"] = form
    return render(request, _tpl(request, "signal-form"), ctx)


def _tpl(request: HtmxHttpRequest, partial: str) -> str:
    return f"rollout/signal.html#{partial}" if request.htmx else "rollout/signal.html"


def parse_sample(text: str) -> list[Event]:
    """One utterance per line, optionally ``agent:``/``customer:`` (default customer), 4 s apart."""
    events: list[Event] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        speaker = "customer"
        m = _PREFIX.match(line)
        if m:
            speaker = m.group(1).lower()
            line = line[m.end() :]
        n = len(events)
        events.append(
            Event(
                event_id=f"u{n + 1}",
                speaker=speaker,  # type: ignore[arg-type]
                offset_ms=n * 4000,
                end_offset_ms=n * 4000 + 3500,
                text=line.strip(),
            )
        )
    return events


@require_POST
@role_required(OPS_ADMIN)
def signal_try(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """Run the engine with this one signal over pasted sample text; show what fires."""
    signal = get_object_or_404(Signal, key=key)
    form = TryItForm(request.POST)
    ctx: dict[str, Any] = {"signal": signal, "try_form": form}
    if form.is_valid():
        events = parse_sample(form.cleaned_data["text"])
        spec = spec_for(signal, None, None)
        meta = CallMeta(
            call_id="try-it",
            direction=form.cleaned_data["direction"],
            workflows=frozenset(form.cleaned_data["workflows"]),
        )
        state = CallState.new(meta)
        result = evaluate(state, events, [spec])
        last = max((e.end_offset_ms or e.offset_ms for e in events), default=0)
        # the sample is the whole call: deadline windows that never closed warn too
        tail = evaluate(state, [], [spec], now_offset_ms=last + 3_600_000).candidates
        texts = {e.event_id: e for e in events}
        ctx["tried"] = True
        ctx["events"] = events
        ctx["candidates"] = [
            {
                "c": c,
                "above": c.confidence >= spec.leads_threshold,
                "event": texts.get(c.event_id),
            }
            for c in [*result.candidates, *tail]
        ]
        ctx["threshold"] = spec.leads_threshold
    return render(request, "rollout/signal.html#try-result", ctx)

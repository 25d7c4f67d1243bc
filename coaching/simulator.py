"""The demo floor: scripted calls played through the real HTTP API so the live pages have a floor.

``start_demo_floor(base_url)`` (what ``manage.py serve --demo-floor`` calls) rotates the demo
integration's API key, ends calls an earlier run left live, and starts a daemon thread that waits
for the server to answer, then keeps about ``CONCURRENT_CALLS`` simulated calls going across the
four demo teams. Each call is a script from ``coaching/demo_calls/<team slug>.json`` (canonical
transcript format, ``offset_ms`` from the call start) played in real time: an utterance is posted
when its offset comes due, so calls run at speaking pace (an utterance every 2–5 s) and compliance
windows measured on the wall clock agree with the script. Ended calls are replaced by new ones.

Everything goes through ``/api/v1/`` with ``Authorization: Api-Key``, exactly as a telephony
platform would: the simulator never writes rows itself (beyond the key rotation at start).
"""

from __future__ import annotations

import atexit
import json
import logging
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger(__name__)

CALLS_DIR = Path(__file__).resolve().parent / "demo_calls"
CONCURRENT_CALLS = 6
TICK_S = 0.25
#: pause between a call's last utterance and its end, and before a free agent takes the next call
WRAP_UP_S = (2.0, 5.0)
STARTUP_TIMEOUT_S = 60.0
SYSTEM_ACTOR = "demo_floor"


@dataclass(frozen=True, slots=True)
class Script:
    """One scripted call of a team."""

    script_id: str
    team: str
    direction: str
    workflows: tuple[str, ...]
    events: tuple[dict[str, Any], ...]
    expect: tuple[str, ...]

    @property
    def duration_s(self) -> float:
        return (self.events[-1]["offset_ms"] / 1000) if self.events else 0.0


def load_scripts(directory: Path = CALLS_DIR) -> dict[str, list[Script]]:
    """Demo scripts by team slug (``<slug>.json``: a JSON array of canonical calls)."""
    scripts: dict[str, list[Script]] = {}
    for path in sorted(directory.glob("*.json")):
        team = path.stem
        for call in json.loads(path.read_text()):
            scripts.setdefault(team, []).append(
                Script(
                    script_id=call["call_id"],
                    team=team,
                    direction=call.get("direction", "inbound"),
                    workflows=tuple(call.get("workflows", ())),
                    events=tuple(call["events"]),
                    expect=tuple(call.get("expect", ())),
                )
            )
    return scripts


@dataclass(slots=True)
class LiveCall:
    script: Script
    agent: str
    call_id: str
    started: float  # monotonic time the call's offset 0 corresponds to
    posted: int = 0
    ends_at: float | None = None


@dataclass(slots=True)
class DemoFloor:
    """The simulator loop. ``run()`` blocks until ``stop()``; errors are logged, never raised."""

    base_url: str
    api_key: str
    agents: dict[str, list[str]]  # team slug -> agent external ids
    scripts: dict[str, list[Script]]
    concurrency: int = CONCURRENT_CALLS
    rng: random.Random = field(default_factory=random.Random)
    stopping: threading.Event = field(default_factory=threading.Event)
    live: list[LiveCall] = field(default_factory=list)
    _decks: dict[str, list[Script]] = field(default_factory=dict)
    _next_start: float = 0.0

    def stop(self) -> None:
        self.stopping.set()

    # --- the loop ---------------------------------------------------------------------------------

    def run(self) -> None:
        with httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Api-Key {self.api_key}"},
            timeout=10.0,
        ) as http:
            if not self._wait_for_server(http):
                log.warning("demo floor: the server did not answer; not starting")
                return
            first_wave = True
            while not self.stopping.is_set():
                try:
                    self._tick(http, first_wave=first_wave)
                    first_wave = False
                except httpx.HTTPError as exc:
                    log.warning("demo floor: %s", type(exc).__name__)
                    self.stopping.wait(1.0)
                except _Unauthorized:
                    log.warning(
                        "demo floor: the API key was refused (rotated elsewhere?); stopping"
                    )
                    return
                self.stopping.wait(TICK_S)

    def _wait_for_server(self, http: httpx.Client) -> bool:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.stopping.is_set() and time.monotonic() < deadline:
            try:
                if http.get("/healthz").status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            self.stopping.wait(0.3)
        return False

    def _tick(self, http: httpx.Client, *, first_wave: bool = False) -> None:
        now = time.monotonic()
        for call in list(self.live):
            due = [
                e
                for e in call.script.events[call.posted :]
                if e["offset_ms"] / 1000 <= now - call.started
            ]
            if due:
                self._post(http, f"/api/v1/calls/{call.call_id}/events/", {"events": due})
                call.posted += len(due)
            if call.posted >= len(call.script.events):
                if call.ends_at is None:
                    call.ends_at = now + self.rng.uniform(*WRAP_UP_S)
                elif now >= call.ends_at:
                    self._post(http, f"/api/v1/calls/{call.call_id}/end/", {})
                    self.live.remove(call)
        # First wave: fill the floor at once, each call already some way in, so the page has
        # something to show within seconds. Later: one new call at a time, a little apart.
        while len(self.live) < self.concurrency and (first_wave or now >= self._next_start):
            if not self._start_call(http, head_start=first_wave):
                break
            self._next_start = now + self.rng.uniform(*WRAP_UP_S)
            if not first_wave:
                break

    # --- calls ------------------------------------------------------------------------------------

    def _free_agents(self) -> list[tuple[str, str]]:
        busy = {c.agent for c in self.live}
        return [
            (team, agent)
            for team, agents in sorted(self.agents.items())
            if self.scripts.get(team)
            for agent in agents
            if agent not in busy
        ]

    def _next_script(self, team: str) -> Script:
        deck = self._decks.get(team)
        if not deck:
            deck = list(self.scripts[team])
            self.rng.shuffle(deck)
            self._decks[team] = deck
        return deck.pop()

    def _start_call(self, http: httpx.Client, *, head_start: bool) -> bool:
        free = self._free_agents()
        if not free:
            return False
        team, agent = self.rng.choice(free)
        script = self._next_script(team)
        # A head start puts the call part-way into its script (its earlier lines go out at once).
        ahead = self.rng.uniform(0.2, 0.6) * script.duration_s if head_start else 0.0
        started_at = datetime.now(UTC) - timedelta(seconds=ahead)
        call = LiveCall(
            script=script,
            agent=agent,
            call_id=f"demo-{script.script_id}-{uuid.uuid4().hex[:6]}",
            started=time.monotonic() - ahead,
        )
        self._post(
            http,
            "/api/v1/calls/",
            {
                "call_id": call.call_id,
                "team": team,
                "agent": agent,
                "direction": script.direction,
                "workflows": list(script.workflows),
                "started_at": started_at.isoformat(),
            },
        )
        self.live.append(call)
        return True

    def _post(self, http: httpx.Client, path: str, body: dict[str, Any]) -> None:
        response = http.post(path, json=body)
        if response.status_code == 401:
            raise _Unauthorized
        if response.status_code >= 400:
            log.warning("demo floor: POST %s answered %s", path, response.status_code)


class _Unauthorized(Exception):
    pass


# --- start-up -------------------------------------------------------------------------------------


def _prepare() -> tuple[str, dict[str, list[str]]] | None:
    """Rotate the demo integration's key and end calls a previous run left live. Returns the key
    and the demo agents by team, or ``None`` when the demo data is missing."""
    from coaching.demo import DEMO_INTEGRATION, TEAMS
    from coaching.models import CallStatus, Integration
    from coaching.services.calls import call_end
    from coaching.services.integrations import integration_key_rotate
    from rollout.audit import Actor

    integration = Integration.objects.filter(name=DEMO_INTEGRATION).first()
    if integration is None:
        log.warning("demo floor: no %r integration; run `manage.py demo_seed`", DEMO_INTEGRATION)
        return None
    actor = Actor.system(SYSTEM_ACTOR)
    _integration, key = integration_key_rotate(
        integration=integration, actor=actor, reason="Demo floor simulator started"
    )
    for call in integration.calls.filter(status=CallStatus.LIVE).order_by("pk"):
        call_end(call=call, actor=actor)
    agents = {slug: [a[0] for a in team_agents] for slug, *_rest, team_agents in TEAMS}
    return key, agents


def start_demo_floor(
    base_url: str, *, concurrency: int = CONCURRENT_CALLS
) -> threading.Thread | None:
    """Start the demo floor against the server at ``base_url`` in a daemon thread (see the module
    docstring). Returns the thread, or ``None`` when the demo data has not been seeded."""
    prepared = _prepare()
    if prepared is None:
        return None
    key, agents = prepared
    # httpx logs every request at INFO; a demo floor makes several a second.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    floor = DemoFloor(
        base_url=base_url.rstrip("/"),
        api_key=key,
        agents=agents,
        scripts=load_scripts(),
        concurrency=concurrency,
    )
    atexit.register(floor.stop)
    thread = threading.Thread(target=floor.run, name="demo-floor", daemon=True)
    thread.floor = floor  # type: ignore[attr-defined]  # lets callers (tests) stop it
    thread.start()
    return thread

"""End-to-end benchmark: event accepted → agent cue pushed, on the full local stack.

    python bench/load.py --start-stack --calls 1000 --interval 3 --duration 60 [--write-docs]
    python bench/load.py --start-stack --sweep 100,250,500,1000        # several levels, one stack

With ``--start-stack`` it runs what production runs, on this machine: PostgreSQL and Redis
(already listening on 127.0.0.1), a fresh ``coachplane_bench`` database, uvicorn (ASGI: API + SSE)
and a Celery worker, as subprocesses. Without it, it targets ``--url`` with ``--api-key`` (a team
slug via ``--team``; that team must enable ``churn_intent`` for agents).

Each simulated call starts through ``POST /api/v1/calls/`` and posts one utterance every
``--interval`` seconds (± 30 % jitter) through ``POST /api/v1/calls/{id}/events/``. One utterance
per call, at a random position, is a churn statement that the team routes to the agent; every other
line is ordinary conversation. A subscriber on ``GET /api/v1/stream/`` (server-sent events)
records when each cue arrives. Latency = cue received − event POST sent (so it includes the API,
the queue, scoring, routing, the bus and the stream). After the run it waits for the queue to
drain, then counts events sent vs stored vs scored: anything sent but not stored or not scored is
*lost*.

Traffic goes to 127.0.0.1 only; every loop is bounded by ``--duration``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOC = ROOT / "docs" / "performance.md"
SECTION = "## End-to-end latency"
BENCH_DB = "coachplane_bench"
BENCH_REDIS = "redis://127.0.0.1:6379/3"
PORT = 8055

SMALL_TALK = [
    "Hi, thanks for calling, how can I help you today?",
    "Sure, I can take a look at that for you.",
    "Can you confirm the account number for me?",
    "Yes, it's the one ending in four two seven.",
    "Okay, give me one moment while I pull that up.",
    "I see the charge from last Tuesday on the statement.",
    "Right, that's the one I was asking about.",
    "I've added a note to the account.",
    "Is there anything else I can help with today?",
    "No, that's all, thank you.",
]
TRIGGER = "Honestly I want to cancel my service and switch to another provider."


@dataclass
class Stats:
    sent: int = 0
    accepted: int = 0
    errors: int = 0
    calls_started: int = 0
    trigger_sent_at: dict[tuple[str, str], float] = field(default_factory=dict)
    cue_latency_ms: list[float] = field(default_factory=list)
    api_latency_ms: list[float] = field(default_factory=list)
    cues_received: int = 0
    error_samples: list[str] = field(default_factory=list)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- the stack -----------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        "REDIS_URL": BENCH_REDIS,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def prepare_database(team_slug: str) -> str:
    """Recreate the bench database, migrate, and create a phase-3 team whose churn cue reaches
    agents, plus an integration. Returns the integration's API key."""
    env = _env()
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", BENCH_DB],
        check=True,
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], check=True)
    subprocess.run([_python(), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    script = f"""
from rollout.audit import Actor
from rollout.services import team_create, enablement_set, phase_advance
from signals.models import Signal
from coaching.services.integrations import integration_create
actor = Actor.system("bench")
team = team_create(name="Bench", slug="{team_slug}", actor=actor, max_agent_cues=3, cooldown_s=0)
for phase in (2, 3):
    phase_advance(team=team, actor=actor, reason="bench", override_reason="bench set-up")
enablement_set(team=team, signal=Signal.objects.get(key="churn_intent"), actor=actor,
               audience="agents", agent_threshold=0.85)
for key in ("frustration_spike", "escalation_request", "sentiment_recovery"):
    enablement_set(team=team, signal=Signal.objects.get(key=key), actor=actor)
_, key = integration_create(name="bench", team_slugs=["{team_slug}"], actor=actor,
                            rate_limit_per_minute=600_000)
print(key)
"""
    out = subprocess.run(
        [_python(), "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def start_stack(web_workers: int, worker_concurrency: int) -> list[subprocess.Popen[bytes]]:
    env = _env()
    subprocess.run(["redis-cli", "-n", "3", "flushdb"], check=False, capture_output=True)
    procs = [
        subprocess.Popen(
            [
                _python(),
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(PORT),
                "--workers",
                str(web_workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [
                _python(),
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--concurrency",
                str(worker_concurrency),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-O",
                "fair",
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    else:
        stop_stack(procs)
        raise SystemExit(f"uvicorn did not come up on port {PORT}")
    time.sleep(3)  # let the Celery worker connect
    return procs


def stop_stack(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def count_events(prefix: str) -> tuple[int, int]:
    """(stored, scored) events of calls whose id starts with ``prefix``, in the bench DB."""
    sql = (
        "SELECT count(*), count(e.scored_at) FROM coaching_callevent e "
        "JOIN coaching_call c ON c.id = e.call_id "
        f"WHERE c.external_id LIKE '{prefix}%'"
    )
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", BENCH_DB, "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    stored, scored = out.stdout.strip().split("|")
    return int(stored), int(scored)


# --- the load ------------------------------------------------------------------------------------


async def subscribe(client: aiohttp.ClientSession, stats: Stats, ready: asyncio.Event) -> None:
    timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
    async with client.get("/api/v1/stream/", timeout=timeout) as response:
        response.raise_for_status()
        ready.set()
        async for raw in response.content:
            line = raw.decode().rstrip("\r\n")
            if not line.startswith("data: "):
                continue
            received = time.perf_counter()
            message = json.loads(line[6:])
            if message.get("audience") != "agent":
                continue
            stats.cues_received += 1
            sent = stats.trigger_sent_at.get((message["call_id"], message.get("event_id", "")))
            if sent is not None:
                stats.cue_latency_ms.append((received - sent) * 1000)


async def _post(client: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> tuple[int, str]:
    async with client.post(path, json=body) as response:
        return response.status, await response.text()


async def one_call(
    client: aiohttp.ClientSession,
    stats: Stats,
    *,
    call_id: str,
    team: str,
    interval: float,
    utterances: int,
    start_delay: float,
    stop_at: float,
    rng: random.Random,
) -> None:
    await asyncio.sleep(start_delay)
    try:
        status, text = await _post(
            client,
            "/api/v1/calls/",
            {"call_id": call_id, "team": team, "agent": f"agent-{call_id[-3:]}"},
        )
    except (aiohttp.ClientError, TimeoutError) as exc:
        stats.errors += 1
        stats.error_samples.append(f"start: {type(exc).__name__}")
        return
    if status not in (200, 201):
        stats.errors += 1
        stats.error_samples.append(f"start: {status} {text[:120]}")
        return
    stats.calls_started += 1
    trigger_at = rng.randrange(2, max(3, utterances))
    for n in range(utterances):
        if time.perf_counter() > stop_at:
            break
        is_trigger = n == trigger_at
        text = TRIGGER if is_trigger else SMALL_TALK[n % len(SMALL_TALK)]
        event = {
            "event_id": f"e{n}",
            "speaker": "customer" if (n % 2 or is_trigger) else "agent",
            "offset_ms": int(n * interval * 1000),
            "text": text,
        }
        stats.sent += 1
        sent_at = time.perf_counter()
        if is_trigger:
            stats.trigger_sent_at[(call_id, event["event_id"])] = sent_at
        try:
            status, text = await _post(
                client, f"/api/v1/calls/{call_id}/events/", {"events": [event]}
            )
            stats.api_latency_ms.append((time.perf_counter() - sent_at) * 1000)
            if status == 202:
                stats.accepted += 1
            else:
                stats.errors += 1
                if len(stats.error_samples) < 5:
                    stats.error_samples.append(f"events: {status} {text[:120]}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            stats.errors += 1
            if len(stats.error_samples) < 5:
                stats.error_samples.append(f"events: {type(exc).__name__}")
        await asyncio.sleep(interval * rng.uniform(0.7, 1.3))
    with contextlib.suppress(aiohttp.ClientError, TimeoutError):
        await _post(client, f"/api/v1/calls/{call_id}/end/", {})


async def run_level(
    *, url: str, key: str, team: str, calls: int, interval: float, duration: float, seed: int
) -> dict[str, Any]:
    stats = Stats()
    rng = random.Random(seed)
    prefix = f"b{seed}-{calls}-"
    headers = {"Authorization": f"Api-Key {key}"}
    async with (
        aiohttp.ClientSession(
            url,
            headers=headers,
            connector=aiohttp.TCPConnector(limit=300),
            timeout=aiohttp.ClientTimeout(total=30),
        ) as client,
        aiohttp.ClientSession(url, headers=headers) as stream_client,
    ):
        ready = asyncio.Event()
        subscriber = asyncio.create_task(subscribe(stream_client, stats, ready))
        await asyncio.wait_for(ready.wait(), 10)
        started = time.perf_counter()
        stop_at = started + duration
        utterances = max(3, int(duration / interval))
        tasks = [
            asyncio.create_task(
                one_call(
                    client,
                    stats,
                    call_id=f"{prefix}{i:05d}",
                    team=team,
                    interval=interval,
                    utterances=utterances,
                    start_delay=rng.uniform(0, interval),
                    stop_at=stop_at,
                    rng=random.Random(rng.random()),
                )
            )
            for i in range(calls)
        ]
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
        # drain: cues still in flight
        drain_until = time.perf_counter() + 15
        expected = len(stats.trigger_sent_at)
        while len(stats.cue_latency_ms) < expected and time.perf_counter() < drain_until:
            await asyncio.sleep(0.25)
        subscriber.cancel()
        with contextlib.suppress(asyncio.CancelledError, aiohttp.ClientError):
            await subscriber
    return {
        "prefix": prefix,
        "calls": calls,
        "interval_s": interval,
        "duration_s": round(elapsed, 1),
        "events_sent": stats.sent,
        "events_accepted": stats.accepted,
        "events_per_s": round(stats.accepted / elapsed, 1) if elapsed else 0,
        "errors": stats.errors,
        "error_samples": stats.error_samples[:5],
        "cues_expected": expected,
        "cues_received": len(stats.cue_latency_ms),
        "p50_ms": round(_pct(stats.cue_latency_ms, 0.50), 1),
        "p95_ms": round(_pct(stats.cue_latency_ms, 0.95), 1),
        "p99_ms": round(_pct(stats.cue_latency_ms, 0.99), 1),
        "max_ms": round(max(stats.cue_latency_ms), 1) if stats.cue_latency_ms else None,
        "api_p50_ms": round(_pct(stats.api_latency_ms, 0.50), 1),
        "api_p95_ms": round(_pct(stats.api_latency_ms, 0.95), 1),
    }


def settle_counts(result: dict[str, Any], timeout: float = 60) -> None:
    """Wait for the queue to drain, then record stored/scored/lost."""
    deadline = time.monotonic() + timeout
    stored, scored = count_events(result["prefix"])
    while scored < stored and time.monotonic() < deadline:
        time.sleep(1)
        stored, scored = count_events(result["prefix"])
    result["events_stored"] = stored
    result["events_scored"] = scored
    result["lost"] = (result["events_accepted"] - stored) + (stored - scored)


# --- reporting -----------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def markdown(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        SECTION,
        "",
        "Measured by `python bench/load.py --start-stack "
        f"--sweep {','.join(str(r['calls']) for r in results)} --interval {args.interval} "
        f"--duration {args.duration} --write-docs`: uvicorn ({args.web_workers} worker"
        f"{'s' if args.web_workers > 1 else ''}), a Celery worker (concurrency "
        f"{args.worker_concurrency}), PostgreSQL, Redis and the load generator all on one box. "
        "Latency is cue received on the SSE stream minus the event POST sent; *lost* counts "
        "events accepted but not stored, or stored but never scored.",
        "",
        f"- Machine: {machine()}",
        f"- Date: {time.strftime('%Y-%m-%d')}",
        "",
        "| concurrent calls | events/s | cue p50 ms | cue p95 ms | cue p99 ms | API p95 ms "
        "| errors | cues (got/expected) | lost |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['calls']} | {r['events_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
            f"| {r['api_p95_ms']} | {r['errors']} | {r['cues_received']}/{r['cues_expected']} "
            f"| {r.get('lost', '?')} |"
        )
    holding = [r["calls"] for r in results if r["p95_ms"] <= 500 and r["errors"] == 0]
    target = [r for r in results if r["calls"] >= 1000]
    lines.append("")
    if target:
        r = target[0]
        verdict = (
            "met" if r["p95_ms"] <= 250 and not r.get("lost") and not r["errors"] else "missed"
        )
        lines.append(
            f"Target (1,000 concurrent calls, p95 ≤ 250 ms, nothing lost): **{verdict}** "
            f"(p95 {r['p95_ms']} ms, lost {r.get('lost')}, errors {r['errors']})."
        )
    lines.append(
        "Highest measured concurrency holding p95 ≤ 500 ms with no errors: "
        f"**{max(holding) if holding else 'none of the levels run'}**."
    )
    return "\n".join(lines) + "\n"


def write_docs(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Performance\n\n"
    if SECTION in text:
        before, _, rest = text.partition(SECTION)
        after = rest.split("\n## ", 1)
        tail = ("\n## " + after[1]) if len(after) > 1 else ""
        text = before + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--sweep", help="comma-separated concurrency levels, e.g. 100,250,500,1000")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between utterances")
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of load per level")
    parser.add_argument("--start-stack", action="store_true")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--url", default=f"http://127.0.0.1:{PORT}")
    parser.add_argument("--api-key", default=os.environ.get("COACHPLANE_API_KEY", ""))
    parser.add_argument("--team", default="bench")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    levels = [int(x) for x in args.sweep.split(",")] if args.sweep else [args.calls]
    procs: list[subprocess.Popen[bytes]] = []
    key = args.api_key
    try:
        if args.start_stack:
            key = prepare_database(args.team)
            procs = start_stack(args.web_workers, args.worker_concurrency)
        if not key:
            raise SystemExit("Give --api-key (or COACHPLANE_API_KEY), or use --start-stack.")
        results = []
        for i, calls in enumerate(levels):
            result = asyncio.run(
                run_level(
                    url=args.url,
                    key=key,
                    team=args.team,
                    calls=calls,
                    interval=args.interval,
                    duration=args.duration,
                    seed=args.seed + i,
                )
            )
            if args.start_stack:
                settle_counts(result)
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        stop_stack(procs)
    section = markdown(results, args)
    print(section)
    if args.write_docs:
        write_docs(section)


if __name__ == "__main__":
    main()

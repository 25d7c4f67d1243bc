"""Engine throughput: utterances/second through ``signals.engine.evaluate`` on one core.

    python bench/engine.py [--calls 400] [--repeats 5] [--seed 7] [--markdown] [--write-docs]

Builds the full seed catalog (``signals/catalog.py``), generates a deterministic synthetic corpus of
realistic calls (agent/customer turns of realistic length, ~10% of utterances carrying a signal
trigger, a mix of inbound/outbound and phi/tcpa workflows) and feeds it event by event, the way a
live call arrives. Reports the median of several timed repeats after a warm-up, and a per-kind cost
in microseconds per utterance (each detector kind run alone, minus the engine's own overhead).

Text is composed from fragments plus random names and numbers so per-text caches do not flatter the
result; caches are cleared before every repeat.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate  # noqa: E402
from signals.engine.detectors import REGISTRY  # noqa: E402

TARGET_UTTERANCES_PER_S = 10_000
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Engine throughput"

FALLBACK_CATALOG: list[dict[str, object]] = [
    {"key": "frustration_spike", "category": "emotion", "stakes": "medium",
     "default_threshold": 0.8, "detector": "frustration_spike", "params": {}},
    {"key": "sentiment_recovery", "category": "emotion", "stakes": "low",
     "default_threshold": 0.7, "detector": "sentiment_recovery", "params": {}},
    {"key": "escalation_request", "category": "emotion", "stakes": "high",
     "default_threshold": 0.8, "detector": "intent", "params": {"intent": "escalation"}},
    {"key": "disclosure_missing", "category": "compliance", "stakes": "high",
     "default_threshold": 0.9, "detector": "disclosure_window", "params": {}},
    {"key": "identity_verification_incomplete", "category": "compliance", "stakes": "high",
     "default_threshold": 0.9, "detector": "identity_before_phi", "params": {}},
    {"key": "tcpa_consent_missing", "category": "compliance", "stakes": "high",
     "default_threshold": 0.9, "detector": "tcpa_consent", "params": {}},
    {"key": "churn_intent", "category": "intent", "stakes": "high",
     "default_threshold": 0.8, "detector": "intent", "params": {"intent": "churn"}},
    {"key": "expansion_opportunity", "category": "intent", "stakes": "medium",
     "default_threshold": 0.7, "detector": "intent", "params": {"intent": "expansion"}},
]  # fmt: skip


def catalog_specs() -> list[SignalSpec]:
    try:
        from signals.catalog import CATALOG
    except ImportError:
        CATALOG = FALLBACK_CATALOG
    specs = []
    for entry in CATALOG:
        if entry["detector"] not in REGISTRY:
            print(f"warning: detector kind {entry['detector']!r} not registered; skipped")
            continue
        threshold = float(entry.get("default_threshold", 0.5))
        specs.append(
            SignalSpec(
                key=str(entry["key"]),  # catalog entries are plain dicts
                category=entry["category"],
                detector=str(entry["detector"]),
                params=dict(entry.get("params") or {}),
                stakes=entry.get("stakes", "medium"),
                leads_threshold=threshold,
                agent_threshold=threshold,
            )
        )
    return specs


# --- synthetic corpus ----------------------------------------------------------------------------

NAMES = ["Dana", "Marcus", "Priya", "Jordan", "Lena", "Omar", "Ava", "Sam", "Rosa", "Kai", "Nia"]
COMPANIES = ["Acme Health", "Northwind", "Summit Wireless", "Brightline Energy", "Harbor Bank"]
PRODUCTS = ["internet plan", "phone line", "policy", "account", "subscription", "router", "card"]

AGENT = [
    "Thanks for calling {co}, this is {name}, how can I help you today?",
    "Let me pull up your {product}, one moment please.",
    "I can see the charge from the {n}th on your {product}.",
    "Okay, I've updated that for you, you should see it within {n} business days.",
    "Is there anything else I can help you with today?",
    "I understand, let me check what options we have for your {product}.",
    "So the new rate would be {n} dollars a month starting next cycle.",
    "I'm going to put a note on the {product} so the next person sees it.",
    "Can you tell me a bit more about when this started happening?",
    "Perfect, I've scheduled the technician for {day} between {n} and {m}.",
]
CUSTOMER = [
    "Hi, I'm calling about my {product}.",
    "It stopped working on {day} and I haven't been able to use it since.",
    "Okay.",
    "Yeah, that's right.",
    "I was charged {n} dollars and I'm not sure what it's for.",
    "Can you tell me when the {product} will be back up?",
    "My name is {name}, the account is under my husband's name actually.",
    "Sure, that works for me.",
    "I think I changed the plan back in {month} but I'm not certain.",
    "Alright, thank you, that's helpful.",
    "Mm-hmm.",
    "How long will that take, roughly?",
]
TRIGGERS_CUSTOMER = [
    "This is the third time I've called about this and nobody fixed it.",
    "I've been on hold for an hour, this is ridiculous.",
    "I want to cancel my {product}, {co2} is offering me a better deal.",
    "Can I speak to your supervisor please?",
    "We're growing, I'd like to add {n} more lines to the plan.",
    "Oh that worked, thank you so much for your help!",
    "My last lab results showed my A1C was high.",
    "No, please don't text me.",
]
TRIGGERS_AGENT = [
    "Your metformin prescription was refilled on the {n}th.",
    "I'll sign you up for text reminders for your {product}.",
    "Just so you know, this call may be recorded for quality purposes.",
    "Can I get your date of birth to verify your identity?",
    "Do I have your permission to send automated texts to this number?",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the weekend"]
MONTHS = ["January", "March", "May", "August", "October", "December"]
_FIELD = re.compile(r"\{(\w+)\}")


def _fill(template: str, rng: random.Random) -> str:
    values = {
        "co": rng.choice(COMPANIES),
        "co2": rng.choice(COMPANIES),
        "name": rng.choice(NAMES),
        "product": rng.choice(PRODUCTS),
        "n": str(rng.randint(2, 400)),
        "m": str(rng.randint(2, 12)),
        "day": rng.choice(DAYS),
        "month": rng.choice(MONTHS),
    }
    text = _FIELD.sub(lambda m: values[m.group(1)], template)
    if rng.random() < 0.35:  # run-on turns: real utterances are often two clauses
        text += " " + _FIELD.sub(lambda m: values[m.group(1)], rng.choice(CUSTOMER + AGENT))
    return text


def synthetic_calls(n_calls: int, seed: int) -> list[tuple[CallMeta, list[Event]]]:
    rng = random.Random(seed)
    calls = []
    for c in range(n_calls):
        direction = cast(
            Literal["inbound", "outbound"], rng.choice(["outbound", "inbound", "inbound"])
        )
        workflows = frozenset(w for w, p in (("phi", 0.35), ("tcpa", 0.35)) if rng.random() < p)
        meta = CallMeta(call_id=f"bench-{c}", direction=direction, workflows=workflows)
        events = []
        offset = 0
        for i in range(rng.randint(30, 80)):
            speaker = "agent" if i % 2 == 0 else "customer"
            trigger = rng.random() < 0.10
            if speaker == "agent":
                pool = TRIGGERS_AGENT if trigger else AGENT
            else:
                pool = TRIGGERS_CUSTOMER if trigger else CUSTOMER
            text = _fill(rng.choice(pool), rng)
            sentiment = round(rng.uniform(-1, 1), 2) if rng.random() < 0.2 else None
            events.append(
                Event(f"e{i}", speaker, offset, text, sentiment=sentiment)  # type: ignore[arg-type]
            )
            offset += 1_000 + 55 * len(text) + rng.randint(0, 1_500)
        calls.append((meta, events))
    return calls


# --- measurement ---------------------------------------------------------------------------------


def _clear_caches() -> None:
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if not name.startswith("signals.engine"):
            continue
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def run_once(calls: Sequence[tuple[CallMeta, list[Event]]], specs: Sequence[SignalSpec]) -> float:
    """Seconds to stream every call's events through ``evaluate`` one event at a time."""
    _clear_caches()
    gc.collect()
    start = time.perf_counter()
    for meta, events in calls:
        state = CallState.new(meta)
        for event in events:
            evaluate(state, (event,), specs)
    return time.perf_counter() - start


def median_seconds(fn: Callable[[], float], repeats: int) -> float:
    fn()  # warm-up: lazy VADER load, pattern compilation, detector instances
    return statistics.median(fn() for _ in range(repeats))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


@dataclass(frozen=True)
class Result:
    machine: str
    signals: int
    calls: int
    utterances: int
    repeats: int
    seconds: float
    engine_seconds: float
    per_kind_us: dict[str, float]
    kinds: dict[str, int]

    @property
    def rate(self) -> float:
        return self.utterances / self.seconds

    @property
    def us_per_utt(self) -> float:
        return self.seconds / self.utterances * 1e6

    @property
    def engine_us(self) -> float:
        return self.engine_seconds / self.utterances * 1e6

    @property
    def met(self) -> bool:
        return self.rate >= TARGET_UTTERANCES_PER_S


def measure(n_calls: int, repeats: int, seed: int) -> Result:
    specs = catalog_specs()
    calls = synthetic_calls(n_calls, seed)
    n_utt = sum(len(events) for _m, events in calls)
    total = median_seconds(lambda: run_once(calls, specs), repeats)
    empty = median_seconds(lambda: run_once(calls, []), repeats)
    per_kind: dict[str, float] = {}
    for kind in sorted({s.detector for s in specs}):
        subset = [s for s in specs if s.detector == kind]

        def run_subset(subset: list[SignalSpec] = subset) -> float:
            return run_once(calls, subset)

        secs = median_seconds(run_subset, max(1, repeats // 2))
        per_kind[kind] = max(0.0, (secs - empty) / n_utt * 1e6)
    return Result(
        machine=machine(),
        signals=len(specs),
        calls=n_calls,
        utterances=n_utt,
        repeats=repeats,
        seconds=total,
        engine_seconds=empty,
        per_kind_us=per_kind,
        kinds={k: sum(1 for s in specs if s.detector == k) for k in per_kind},
    )


def _by_cost(r: Result) -> list[tuple[str, float]]:
    return sorted(r.per_kind_us.items(), key=lambda kv: -kv[1])


def table(r: Result) -> str:
    lines = [
        f"machine      {r.machine}",
        f"corpus       {r.calls} calls, {r.utterances} utterances, {r.signals} signals",
        f"throughput   {r.rate:,.0f} utterances/s  ({r.us_per_utt:.1f} µs/utterance, "
        f"median of {r.repeats})",
        f"target       {TARGET_UTTERANCES_PER_S:,} utterances/s  {'MET' if r.met else 'MISSED'}",
        f"engine only  {r.engine_us:.1f} µs/utterance (no signals enabled)",
        "",
        f"{'detector kind':<22}{'signals':>8}{'µs/utterance':>15}",
    ]
    for kind, us in _by_cost(r):
        lines.append(f"{kind:<22}{r.kinds[kind]:>8}{us:>15.1f}")
    return "\n".join(lines)


def markdown(r: Result) -> str:
    out = [
        SECTION,
        "",
        "Measured by `python bench/engine.py --write-docs` (`make bench-engine` prints it): the "
        f"full seed catalog ({r.signals} signals) through `signals.engine.evaluate` on one core, "
        "events streamed one at a time as on a live call, over a deterministic synthetic corpus "
        f"({r.calls} calls, {r.utterances} utterances, ~10% carrying a signal trigger, mixed "
        "inbound/outbound and phi/tcpa calls, ~20% with an upstream sentiment). Per-text caches "
        f"are cleared before each run; the figure is the median of {r.repeats} runs after a "
        "warm-up.",
        "",
        f"- Machine: {r.machine}",
        f"- **Throughput: {r.rate:,.0f} utterances/s** ({r.us_per_utt:.1f} µs per utterance); "
        f"target ≥ {TARGET_UTTERANCES_PER_S:,}/s: {'met' if r.met else 'missed'}.",
        f"- Engine overhead with no signals enabled: {r.engine_us:.1f} µs/utterance.",
        f"- Load average when measured: {os.getloadavg()[0]:.2f} (a busy shared box reads lower).",
        "",
        "| detector kind | signals | µs / utterance |",
        "|---|---:|---:|",
    ]
    for kind, us in _by_cost(r):
        out.append(f"| `{kind}` | {r.kinds[kind]} | {us:.1f} |")
    out += [
        "",
        "Per-kind cost is each kind run alone minus the engine's own overhead, so the rows do not "
        "sum exactly to the total: text normalisation and the VADER score are cached per "
        "utterance, so they are paid once when the kinds run together.",
        "",
    ]
    return "\n".join(out)


def write_section(md: str) -> None:
    """Replace (or append) only the ``## Engine throughput`` section of docs/performance.md."""
    if DOC.exists():
        text = DOC.read_text()
    else:
        text = (
            '# Performance\n\nMeasured numbers for Coachplane\'s targets (DESIGN.md, "Targets"). '
            "Each section says how to reproduce it.\n\n"
        )
    start = text.find(SECTION + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + md
    else:
        nxt = text.find("\n## ", start + len(SECTION))
        end = len(text) if nxt == -1 else nxt + 1
        text = text[:start] + md + ("\n" if nxt != -1 else "") + text[end:]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text.rstrip("\n") + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--markdown", action="store_true", help="also print a markdown snippet")
    parser.add_argument(
        "--write-docs", action="store_true", help="write the section into docs/performance.md"
    )
    args = parser.parse_args(argv)
    result = measure(args.calls, args.repeats, args.seed)
    print(table(result))
    if args.markdown or args.write_docs:
        md = markdown(result)
        if args.markdown:
            print()
            print(md)
        if args.write_docs:
            write_section(md)
            print(f"wrote {SECTION!r} in {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

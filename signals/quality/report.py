"""Detection-quality report: run the real engine over labelled data and write ``docs/detection.md``.

Two kinds of evidence, both deterministic:

- held-out utterances for the intent signals (Bitext validation csv, the held-out fifth of
banking77,
  the held-out quarter of our hand-written examples), each wrapped as a one-utterance customer call;
- labelled transcript cases, ``signals/quality/cases/*.jsonl``: one canonical call a line plus
  ``"expected": {"signal_key": true | false}``; an optional ``"end_ms"`` sweeps deadlines to that
  call
  time (default: the end of the last utterance).

Every catalog signal runs at its catalog default threshold. Signals whose detector kind is not
registered are skipped with a note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signals.catalog import CATALOG
from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate
from signals.engine.detectors.base import REGISTRY
from signals.engine.transcript import parse_call

#: the issue's precision targets; recall target is 0.80 everywhere "where precision allows"
PRECISION_TARGETS: dict[str, float] = {
    "disclosure_missing": 0.95,
    "identity_verification_incomplete": 0.95,
    "tcpa_consent_missing": 0.95,
    "escalation_request": 0.95,
    "churn_intent": 0.90,
    "expansion_opportunity": 0.80,
    "frustration_spike": 0.80,
}
RECALL_TARGET = 0.80
INTENT_SIGNALS = {"escalation": "escalation_request", "churn": "churn_intent"}
INTENT_SIGNALS["expansion"] = "expansion_opportunity"
BINS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DATA_LICENSES = [
    ("Bitext customer-support intent sample (training + validation)", "CDLA-Sharing-1.0"),
    ("PolyAI banking77 (train split)", "CC BY 4.0"),
    ("ASAPP ABCD (ontology, guidelines; used for compliance cases)", "MIT"),
    ("Coachplane hand-written utterances and transcript cases", "project-owned"),
]


def catalog_specs() -> tuple[list[SignalSpec], list[str]]:
    """Specs for every catalog signal whose detector kind is registered, and notes for the rest."""
    specs: list[SignalSpec] = []
    notes: list[str] = []
    for entry in CATALOG:
        if entry["detector"] not in REGISTRY:
            notes.append(
                f"`{entry['key']}` skipped: detector kind `{entry['detector']}` is not "
                f"registered yet."
            )
            continue
        threshold = float(entry["default_threshold"])
        specs.append(
            SignalSpec(
                key=entry["key"],
                category=entry["category"],
                detector=entry["detector"],
                params=dict(entry["params"]),
                stakes=entry["stakes"],
                leads_threshold=threshold,
                agent_threshold=threshold,
                cue_label=entry["cue_label"],
                handoff_desk=entry["handoff_desk"],
            )
        )
    return specs, notes


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    #: (confidence, actually positive) for every candidate the detector emitted
    scored: list[tuple[float, bool]] = field(default_factory=list)

    def add(self, *, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


def _max_confidences(candidates: Iterable[Any]) -> dict[str, float]:
    best: dict[str, float] = {}
    for c in candidates:
        best[c.signal] = max(best.get(c.signal, 0.0), c.confidence)
    return best


def score_utterances(examples: Sequence[Any], specs: Sequence[SignalSpec]) -> dict[str, Tally]:
    """Each example as a one-utterance inbound customer call through ``evaluate``."""
    intent_specs = [s for s in specs if s.detector == "intent"]
    tallies = {s.key: Tally() for s in intent_specs}
    for i, ex in enumerate(examples):
        state = CallState.new(CallMeta(call_id=f"u{i}"))
        event = Event(event_id="e1", speaker="customer", offset_ms=0, text=ex.text)
        best = _max_confidences(evaluate(state, [event], intent_specs).candidates)
        for spec in intent_specs:
            intent = spec.params["intent"]
            actual = intent in ex.labels
            conf = best.get(spec.key)
            if conf is not None:
                tallies[spec.key].scored.append((conf, actual))
            tallies[spec.key].add(
                predicted=conf is not None and conf >= spec.leads_threshold, actual=actual
            )
    return tallies


def load_cases(cases_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """``(file name, case object)`` for every line of every ``*.jsonl`` under ``cases_dir``."""
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(cases_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append((path.name, json.loads(line)))
    return out


def score_cases(
    cases: Sequence[tuple[str, dict[str, Any]]], specs: Sequence[SignalSpec]
) -> tuple[dict[str, Tally], list[str]]:
    """Run each labelled call through the engine; compare against its ``expected`` map."""
    by_key = {s.key: s for s in specs}
    tallies: dict[str, Tally] = {}
    misses: list[str] = []
    for name, case in cases:
        call = parse_call(case)
        last = max((e.end_offset_ms or e.offset_ms for e in call.events), default=0)
        end_ms = int(case.get("end_ms", last))
        state = CallState.new(call.meta)
        result = evaluate(state, list(call.events), specs, now_offset_ms=end_ms)
        best = _max_confidences(result.candidates)
        for key, expected in sorted(case.get("expected", {}).items()):
            spec = by_key.get(key)
            if spec is None:
                continue
            conf = best.get(key)
            predicted = conf is not None and conf >= spec.leads_threshold
            tally = tallies.setdefault(key, Tally())
            if conf is not None:
                tally.scored.append((conf, bool(expected)))
            tally.add(predicted=predicted, actual=bool(expected))
            if predicted != bool(expected):
                misses.append(f"{name} `{call.call_id}`: `{key}` expected {expected}, got {conf}")
    return tallies, misses


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def metrics_table(tallies: dict[str, Tally], thresholds: dict[str, float]) -> list[str]:
    lines = [
        "| signal | threshold | precision | recall | F1 | support (positives) | TP | FP | FN | "
        "TN |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(tallies):
        t = tallies[key]
        lines.append(
            f"| `{key}` | {thresholds.get(key, 0):.2f} | {_fmt(t.precision)} | {_fmt(t.recall)} | "
            f"{_fmt(t.f1)} | {t.support} | {t.tp} | {t.fp} | {t.fn} | {t.tn} |"
        )
    return lines


def reliability_table(tallies: dict[str, Tally]) -> list[str]:
    header = " | ".join(f"[{lo:.1f}, {hi:.1f})" for lo, hi in zip(BINS, BINS[1:], strict=False))
    lines = [
        f"| signal | {header} |",
        "|---|" + "---|" * (len(BINS) - 1),
    ]
    for key in sorted(tallies):
        cells: list[str] = []
        for lo, hi in zip(BINS, BINS[1:], strict=False):
            top = hi >= 1.0
            hits = [a for c, a in tallies[key].scored if lo <= c < hi or (top and c == 1.0)]
            if hits:
                cells.append(f"{sum(hits) / len(hits):.2f} (n={len(hits)})")
            else:
                cells.append("—")
        lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
    return lines


def targets_table(primary: dict[str, Tally]) -> tuple[list[str], bool]:
    lines = [
        "| signal | precision target | recall target | precision | recall | met? |",
        "|---|---|---|---|---|---|",
    ]
    all_met = True
    for entry in CATALOG:
        key = entry["key"]
        p_target = PRECISION_TARGETS.get(key)
        tally = primary.get(key)
        if tally is None or p_target is None:
            verdict = "no target" if p_target is None else "not measured"
            if p_target is not None:
                all_met = False
            p_cell = f"≥ {p_target:.2f}" if p_target is not None else "—"
            lines.append(f"| `{key}` | {p_cell} | — | — | — | {verdict} |")
            continue
        p, r = tally.precision, tally.recall
        p_ok = p is not None and p >= p_target
        r_ok = r is not None and r >= RECALL_TARGET
        if p_ok and r_ok:
            verdict = "yes"
        elif p_ok:
            verdict = "precision yes, recall no"
        else:
            verdict = "no"
        all_met = all_met and p_ok and r_ok
        lines.append(
            f"| `{key}` | ≥ {p_target:.2f} | ≥ {RECALL_TARGET:.2f} | {_fmt(p)} | {_fmt(r)} | "
            f"{verdict} |"
        )
    return lines, all_met


@dataclass
class Report:
    markdown: str
    all_targets_met: bool
    utterances: dict[str, Tally]
    cases: dict[str, Tally]


def build_report(data_dir: Path | None, cases_dir: Path) -> Report:
    """Evaluate everything and render the Markdown report (no timestamps: reproducible)."""
    specs, notes = catalog_specs()
    thresholds = {s.key: s.leads_threshold for s in specs}
    utterances: dict[str, Tally] = {}
    per_source: dict[str, dict[str, Tally]] = {}
    if data_dir is not None and (data_dir / "bitext").is_dir():
        from signals.training.data import load_examples

        holdout = [ex for ex in load_examples(data_dir) if ex.split == "holdout"]
        utterances = score_utterances(holdout, specs)
        for source in sorted({ex.source for ex in holdout}):
            subset = [ex for ex in holdout if ex.source == source]
            per_source[source] = score_utterances(subset, specs)
    else:
        notes.append(f"Held-out utterances skipped: no data under `{data_dir}`.")
    cases, misses = score_cases(load_cases(cases_dir), specs)

    primary = dict(cases)
    primary.update(utterances)  # intent signals are judged on the larger held-out utterance set
    target_lines, all_met = targets_table(primary)

    md: list[str] = [
        "# Detection quality",
        "",
        "Generated by `python manage.py detection_report` (deterministic: same code, weights and "
        "data "
        "give the same file). Every signal runs through the real `signals.engine.evaluate` at its "
        "catalog default threshold (`signals/catalog.py`). A detection counts when its "
        "confidence is "
        "at or above that threshold.",
        "",
        "## Targets (from the issue)",
        "",
        "Intent signals are judged on held-out utterances; the others on the labelled transcript "
        "cases. "
        "Recall ≥ 0.80 applies where precision allows.",
        "",
        *target_lines,
        "",
        "## Intent signals on held-out utterances",
        "",
        "Each utterance is a one-utterance inbound customer call. Never trained on: the Bitext "
        "Validation csv, a fixed 1-in-5 CRC32 split of banking77, a fixed 1-in-4 split of the "
        "hand-written examples (`signals/training/data.py`).",
        "",
    ]
    if utterances:
        md += ["### All held-out sources", "", *metrics_table(utterances, thresholds), ""]
        for source, tallies in per_source.items():
            md += [f"### {source}", "", *metrics_table(tallies, thresholds), ""]
        md += [
            "### Confidence reliability (held-out utterances)",
            "",
            "Observed precision of the candidates whose confidence falls in each bin (n = "
            "candidates). "
            "Candidates below 0.5 are never emitted (`min_confidence`).",
            "",
            *reliability_table(utterances),
            "",
        ]
    md += ["## Labelled transcript cases", ""]
    if cases:
        md += [
            "Multi-turn canonical calls in `signals/quality/cases/*.jsonl`, each with the "
            "signals it "
            "must and must not raise.",
            "",
            *metrics_table(cases, thresholds),
            "",
            "### Confidence reliability (cases)",
            "",
            *reliability_table(cases),
            "",
        ]
        if misses:
            md += ["### Misclassified cases", ""] + [f"- {m}" for m in misses] + [""]
    else:
        md += ["No case files found.", ""]
    md += ["## Data sources and licenses", ""]
    md += [f"- {name} — {lic}" for name, lic in DATA_LICENSES]
    md += [
        "",
        "Caveats: Bitext is templated and clean text, not speech recognition output; the held-out "
        "hand-written set is small; the cases are written by the team that built the detectors "
        "(one intent look-alike, 'close the old ticket', was fixed after a case caught it). "
        "Expect "
        "lower numbers on live ASR transcripts; re-measure with replay on real calls before "
        "phase 2.",
        "",
    ]
    if notes:
        md += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return Report("\n".join(md), all_met, utterances, cases)

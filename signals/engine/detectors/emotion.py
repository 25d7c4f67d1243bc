"""Customer emotion: ``frustration_spike`` and ``sentiment_recovery``.

Both kinds follow the same per-call trajectory of the customer's sentiment (kept in ``memory`` as
plain JSON) and differ only in what they report:

- each final customer utterance gets a score in -1..1: the platform's ``sentiment`` when it sent
  one, else VADER's compound score, adjusted by contact-center cues lexicons miss ("third time I've
  called", "been on hold for an hour" score 0.0 in VADER) and by a few lexicon corrections for words
  that are routine on support calls ("problem", "yes", "help");
- a **spike** is a sharp drop against the caller's own EMA baseline (once there are
  ``min_baseline_utterances``), or a strong frustration cue even without a baseline. After a spike
  the detector is disarmed until the caller recovers (hysteresis), so a run of angry utterances
  fires once;
- a **recovery** is the score coming back up (``recover_level`` and ``recover_delta`` above the low)
  after a spike or after a low below ``low_level``; it fires once per low.

Short acknowledgements ("okay", "mm-hmm", "yes") neither move the baseline nor cost a VADER call.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar, Protocol

from signals.engine.detectors.base import Detector, register
from signals.engine.spec import Candidate
from signals.engine.text import clip, normalize, param_float, param_int, reject_unknown, span_around
from signals.engine.transcript import CallMeta, Event

# Cues lexicons miss. Weights are subtracted from the utterance score (positive cues added).
FRUSTRATION_CUES: tuple[tuple[str, float], ...] = (
    (r"\b(?:third|fourth|fifth|sixth|3rd|4th|5th|umpteenth|hundredth|millionth) time\b", 0.6),
    (
        r"\b(?:called|calling|call|phoned|rang|contacted|reached out)\b[^.?!]{0,30}\b"
        r"(?:two|three|four|five|six|several|multiple|many|so many|a dozen|\d+) times\b",
        0.6,
    ),
    (r"\bhow many (?:more )?times\b", 0.5),
    (
        r"\b(?:nobody|no one|noone|no-one)\b[^.?!]{0,25}\b(?:fixed|fixes|helped|helps|called"
        r"|calls|got back|gets back|cares|listens|knows|bothered|did anything|follows? up)\b",
        0.55,
    ),
    (
        r"\bon hold\b[^.?!]{0,25}\b(?:an hour|over an hour|hours|forever|ages|\d{2,} minutes"
        r"|(?:twenty|thirty|forty|fifty|forty-five|forty five) minutes)\b",
        0.5,
    ),
    (
        r"\b(?:waiting|waited)\b[^.?!]{0,20}\b(?:for|over) (?:an hour|hours|weeks|months|ages)\b",
        0.4,
    ),
    (r"\bthis is (?:ridiculous|absurd|unacceptable|insane|a joke|crazy|outrageous|nuts)\b", 0.6),
    (r"\b(?:ridiculous|unacceptable|outrageous|absurd|pathetic|unbelievable|incompetent)\b", 0.35),
    (
        r"\bstill (?:not|isn't|isnt|doesn't|doesnt|hasn't|hasnt|haven't|havent|can't|cant"
        r"|won't|wont|broken|down|no|nothing)\b",
        0.45,
    ),
    (r"\b(?:not|isn't|doesn't|hasn't) (?:working|fixed|resolved) (?:again|yet)\b", 0.4),
    (r"\b(?:waste|wasting|wasted) (?:of )?(?:my )?(?:time|whole day|afternoon|morning)\b", 0.6),
    (r"\b(?:fed up|sick and tired|sick of|had enough|at my wits'? end|beyond frustrated)\b", 0.6),
    (
        r"\b(?:i'm|im|i am|i've been|i have been|getting) (?:so |really |very |extremely |"
        r"absolutely |pretty |beyond )?(?:frustrated|angry|furious|upset|pissed|livid|annoyed"
        r"|irritated|mad)\b",
        0.5,
    ),
    (
        r"\b(?:keep|kept) (?:getting |being )?(?:transferred|passed around|bounced|disconnected"
        r"|hung up on)\b|\b(?:the )?run ?around\b",
        0.5,
    ),
    (r"\btransferred (?:me )?(?:two|three|four|five|several|multiple|\d+) times\b", 0.55),
    (r"\bi (?:already|just) (?:told|explained|gave) (?:you|this|that|them|it)\b", 0.35),
    (r"\b(?:are you (?:kidding|serious)|you(?:'ve| have)? got to be kidding)\b", 0.45),
    (
        r"\b(?:worst|terrible|horrible|awful|lousy) (?:service|company|experience|customer"
        r"|support)\b",
        0.5,
    ),
    (
        r"\bnever (?:got|received|heard|gotten)\b[^.?!]{0,20}\b(?:call ?back|response|refund"
        r"|reply|back)\b",
        0.4,
    ),
    (r"\b(?:you|they|y'all) (?:promised|said)\b[^.?!]{0,40}\b(?:never|didn't|did not)\b", 0.45),
    (r"\bnothing (?:has|ever|was|got|gets) (?:been )?(?:done|fixed|changed)\b", 0.45),
    # sarcasm: "oh great, just great", "perfect, just perfect"
    (
        r"\b(?P<sarcasm>great|perfect|wonderful|fantastic|lovely|awesome),? just (?P=sarcasm)\b",
        0.55,
    ),
    (
        r"^(?:oh|well),? (?:great|perfect|wonderful|fantastic|lovely)\b[^.?!]{0,10}[.!]?"
        r" ?(?:so|now|and)\b",
        0.35,
    ),
)
RELIEF_CUES: tuple[tuple[str, float], ...] = (
    (
        r"\b(?:that|it)(?:'s| is)? (?:worked|works|working now|fixed it|did it|did the trick)\b",
        0.45,
    ),
    (
        r"\b(?:thank you|thanks) (?:so much|very much|a lot|for (?:your|all|the) help"
        r"|for fixing)\b",
        0.4,
    ),
    (
        r"\b(?:you've|you have) been (?:really |very |so )?(?:helpful|great|amazing|wonderful)\b",
        0.4,
    ),
    (r"\bi (?:really )?appreciate\b", 0.35),
    (r"\b(?:that's|that is|that'd be) (?:great|perfect|wonderful|awesome|a relief|amazing)\b", 0.3),
    (r"\b(?:finally|what a relief|much better)\b", 0.25),
)

# Words routine on support calls that VADER scores too strongly (raw VADER valences, -4..4).
LEXICON_OVERRIDES: dict[str, float] = {
    "problem": -0.8,
    "problems": -0.8,
    "help": 0.4,
    "please": 0.3,
    "yes": 0.4,
    "sure": 0.4,
    "ok": 0.3,
    "okay": 0.3,
    "yeah": 0.3,
    "well": 0.0,
    "kind": 0.3,
    "pay": 0.0,
    "charged": -0.3,
    "cancel": -0.4,
    "no": -0.5,
    "sorry": -0.1,
}

ACKNOWLEDGEMENTS = frozenset(
    {
        "ok", "okay", "okay.", "ok.", "yes", "yes.", "yeah", "yep", "yup", "sure", "right",
        "alright", "all right", "mm-hmm", "mhm", "mm hmm", "uh-huh", "uh huh", "hmm", "um", "uh",
        "got it", "i see", "okay thanks", "ok thanks", "yes please", "no", "nope", "hello",
        "hi", "hey", "bye", "goodbye", "go ahead", "one sec", "one second", "hold on",
    }
)  # fmt: skip
_ACK_STRIP = re.compile(r"[^\w\s'-]+")
_WORDS = re.compile(r"\w+")
_LEADING_PARTICLE = re.compile(r"^(?:no|nope|nah|yes|yeah|yep|ok|okay|well|um|uh|oh)[,.!]+\s*")

VADER_MAX_CHARS = 1_000


class _Analyzer(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


_analyzer: _Analyzer | None = None
_analyzer_lock = threading.Lock()


def _vader() -> _Analyzer:
    """The module-wide VADER analyzer, built on first use (loading the lexicon takes ~10 ms)."""
    global _analyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                analyzer = SentimentIntensityAnalyzer()
                analyzer.lexicon.update(LEXICON_OVERRIDES)
                _analyzer = analyzer
    return _analyzer


_FRUSTRATION = tuple((re.compile(p), w) for p, w in FRUSTRATION_CUES)
_RELIEF = tuple((re.compile(p), w) for p, w in RELIEF_CUES)
# One pass to rule out the common case (no cue at all) before trying each cue for its weight.
_ANY_FRUSTRATION = re.compile("|".join(f"(?:{p})" for p, _w in FRUSTRATION_CUES))
_ANY_RELIEF = re.compile("|".join(f"(?:{p})" for p, _w in RELIEF_CUES))


def _cues(
    text: str, cues: tuple[tuple[re.Pattern[str], float], ...]
) -> tuple[float, tuple[int, int] | None]:
    """Combined cue weight (strongest + a quarter of the rest, at most 1) and the strongest span."""
    best = 0.0
    total = 0.0
    span: tuple[int, int] | None = None
    for pattern, weight in cues:
        m = pattern.search(text)
        if m is None:
            continue
        total += weight
        if weight > best:
            best, span = weight, m.span()
    if span is None:
        return 0.0, None
    return min(1.0, best + 0.25 * (total - best)), span


@lru_cache(maxsize=4096)
def _text_score(text: str) -> tuple[float, float, float, int, int]:
    """(lexicon score, frustration weight, relief weight, span start, span end) for normalized text.

    Cached because both emotion kinds (and replays) score the same utterance.
    """
    frustration, f_span = (
        _cues(text, _FRUSTRATION) if _ANY_FRUSTRATION.search(text) else (0.0, None)
    )
    relief, r_span = _cues(text, _RELIEF) if _ANY_RELIEF.search(text) else (0.0, None)
    # An answer particle ("nope, have a great day") is not a negation of what follows.
    lexical = _LEADING_PARTICLE.sub("", text[:VADER_MAX_CHARS])
    compound = float(_vader().polarity_scores(lexical).get("compound", 0.0))
    if frustration >= 0.3:
        # Positive words beside a clear frustration cue are filler or sarcasm ("honestly").
        compound = min(compound, 0.0)
    span = f_span or r_span or (-1, -1)
    return compound, frustration, relief, span[0], span[1]


def _span(text: str, start: int, end: int) -> str:
    """Evidence excerpt: the strongest cue with a little context, else the utterance's start."""
    if start < 0:
        return clip(text, 100)
    return clip(span_around(text, start, end, context=20), 100)


def is_acknowledgement(text: str) -> bool:
    """A back-channel ("okay", "mm-hmm") carries no sentiment worth tracking."""
    if len(text) > 24:
        return False
    return _ACK_STRIP.sub("", text).strip() in ACKNOWLEDGEMENTS


def _clamp(x: float, lo: float = -1.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


PARAMS: dict[str, float | int] = {
    # spike
    "drop_threshold": 0.5,  # baseline - score needed for a spike
    "spike_level": -0.3,  # and the score itself must be at or below this
    "min_baseline_utterances": 2,  # scored customer utterances before the baseline counts
    "ema_alpha": 0.35,  # weight of the newest utterance in the baseline
    "strong_cue": 0.5,  # a cue this strong fires without a baseline
    "rearm_level": 0.05,  # a score at/above this re-arms the spike after a low
    # recovery
    "low_level": -0.5,  # a score at/below this opens a low even without a spike
    "recover_level": 0.3,  # recovery needs a score at/above this...
    "recover_delta": 0.55,  # ...and this far above the low
    # scoring
    "upstream_cue_factor": 0.5,  # cues count for less when the platform sent its own sentiment
}
_FLOAT_RANGES: dict[str, tuple[float, float]] = {
    "drop_threshold": (0.05, 2.0),
    "spike_level": (-1.0, 1.0),
    "ema_alpha": (0.01, 1.0),
    "strong_cue": (0.0, 1.0),
    "rearm_level": (-1.0, 1.0),
    "low_level": (-1.0, 1.0),
    "recover_level": (-1.0, 1.0),
    "recover_delta": (0.0, 2.0),
    "upstream_cue_factor": (0.0, 1.0),
}


class _CustomerSentiment(Detector):
    """The shared trajectory; subclasses pick which transition they report."""

    accepts_partials: ClassVar[bool] = False

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        p = self.params
        self.drop_threshold = float(p["drop_threshold"])
        self.spike_level = float(p["spike_level"])
        self.min_baseline = int(p["min_baseline_utterances"])
        self.alpha = float(p["ema_alpha"])
        self.strong_cue = float(p["strong_cue"])
        self.rearm_level = float(p["rearm_level"])
        self.low_level = float(p["low_level"])
        self.recover_level = float(p["recover_level"])
        self.recover_delta = float(p["recover_delta"])
        self.upstream_cue_factor = float(p["upstream_cue_factor"])

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        params = super().validate_params(params)
        reject_unknown(params, list(PARAMS))
        out: dict[str, Any] = {}
        for name, (lo, hi) in _FLOAT_RANGES.items():
            out[name] = param_float(params, name, float(PARAMS[name]), lo=lo, hi=hi)
        out["min_baseline_utterances"] = param_int(
            params, "min_baseline_utterances", int(PARAMS["min_baseline_utterances"]), lo=0, hi=20
        )
        return out

    # -- scoring ------------------------------------------------------------------------------

    def score(self, event: Event) -> tuple[float, float, str, int, int] | None:
        """(score, cue weight, normalized text, cue span) or ``None`` for a back-channel."""
        text = normalize(event.text)
        if not text or is_acknowledgement(text) or not _WORDS.search(text):
            return None
        compound, frustration, relief, start, end = _text_score(text)
        if event.sentiment is not None:
            base, factor = event.sentiment, self.upstream_cue_factor
        else:
            base, factor = compound, 1.0
        score = _clamp(base - factor * frustration + factor * relief)
        return score, frustration * factor, text, start, end

    # -- trajectory ---------------------------------------------------------------------------

    def step(self, event: Event, memory: dict[str, Any]) -> tuple[str, float, str] | None:
        """Advance the trajectory by one utterance; return (transition, confidence, evidence)."""
        if event.speaker != "customer":
            return None
        scored = self.score(event)
        if scored is None:
            return None
        score, cue, text, start, end = scored
        n = int(memory.get("n", 0))
        baseline = memory.get("baseline")
        armed = bool(memory.get("armed", True))
        low = memory.get("low")
        result: tuple[str, float, str] | None = None

        ref = 0.0 if baseline is None or n < self.min_baseline else float(baseline)
        drop = ref - score
        has_baseline = baseline is not None and n >= self.min_baseline
        strong = cue >= self.strong_cue
        if (
            armed
            and score <= self.spike_level
            and (drop >= self.drop_threshold or strong)
            and (has_baseline or strong)
        ):
            size = max(0.0, drop - self.drop_threshold) / 0.5
            confidence = 0.7 + 0.2 * min(1.0, size) + 0.12 * min(1.0, cue)
            if not has_baseline:
                confidence -= 0.05
            evidence = (
                f"drop {drop:.2f} vs baseline {ref:.2f} (score {score:.2f}): "
                f"'{_span(text, start, end)}'"
            )
            result = ("spike", round(min(0.97, confidence), 3), evidence)
            armed = False
            low = score if low is None else min(float(low), score)
        elif score <= self.low_level:
            low = score if low is None else min(float(low), score)
        elif low is not None and score >= self.recover_level and score - low >= self.recover_delta:
            rise = score - float(low)
            confidence = 0.6 + 0.3 * min(1.0, (rise - self.recover_delta) / 0.6)
            evidence = (
                f"rise {rise:.2f} from low {float(low):.2f} (score {score:.2f}): "
                f"'{_span(text, start, end)}'"
            )
            result = ("recovery", round(min(0.95, confidence), 3), evidence)
            low = None
            armed = True
        if not armed and result is None and score >= self.rearm_level and low is None:
            armed = True

        memory["n"] = n + 1
        memory["baseline"] = round(
            score if baseline is None else (1 - self.alpha) * float(baseline) + self.alpha * score,
            4,
        )
        memory["armed"] = armed
        memory["low"] = None if low is None else round(float(low), 4)
        memory["last"] = round(score, 4)
        return result


class _TrajectoryEvent(_CustomerSentiment):
    """Fires on one kind of turn in the caller's trajectory (``"spike"`` or ``"recovery"``)."""

    fires_on: ClassVar[str] = ""

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        found = self.step(event, memory)
        if found is None or found[0] != self.fires_on:
            return None
        return Candidate(
            signal=self.spec.key,
            confidence=found[1],
            event_id=event.event_id,
            offset_ms=event.offset_ms,
            evidence=found[2],
        )


@register
class FrustrationSpike(_TrajectoryEvent):
    kind: ClassVar[str] = "frustration_spike"
    fires_on: ClassVar[str] = "spike"


@register
class SentimentRecovery(_TrajectoryEvent):
    kind: ClassVar[str] = "sentiment_recovery"
    fires_on: ClassVar[str] = "recovery"

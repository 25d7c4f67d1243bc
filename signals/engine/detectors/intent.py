"""Customer intent detector: escalation requests, churn intent, expansion opportunities.

One kind, ``"intent"``, serves three catalog signals through ``params["intent"]``. Per customer
utterance it works in three cheap steps, all pure Python:

1. a cue pre-filter (one compiled regex per intent): no cue word, no work and no candidate;
2. features: word unigrams and bigrams plus a few rule flags (``#strong`` for unmistakable
phrasings,
   ``#veto`` for look-alikes such as "cancel this order" or "my manager asked me to call", ``#neg``
   for negated intent such as "I don't want to cancel", ``#other`` for someone else's intent);
3. a logistic regression over those features, trained offline (``manage.py train_intent``) and
stored
   in ``intent_weights.json``; its probability is the candidate's confidence.

The rule flags are features, not overrides, so the model learns how much each is worth and the
confidence stays calibrated. Agent speech and partial transcripts are ignored.

Firing: at most once per call, unless a later utterance is much stronger (by ``refire_margin``),
so a
lead-only early hint can still be followed by an agent-grade cue. Routing applies its own
once-per-call rule for agents.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from signals.engine.detectors.base import Detector, register
from signals.engine.errors import SpecError
from signals.engine.spec import Candidate, SignalSpec
from signals.engine.transcript import CallMeta, Event

INTENTS: tuple[str, ...] = ("escalation", "churn", "expansion")
WEIGHTS_PATH = Path(__file__).with_name("intent_weights.json")
MAX_EVIDENCE_CHARS = 200
EXTRA_PHRASE_CONFIDENCE = 0.9

_NEG = r"(?:\b(?:not|never|no|dont|cannot)|n't)"
# Words allowed between a negation and the intent verb ("I'm not really planning to cancel").
_NEG_GAP = (
    r"(?:(?:really|actually|even|want|wanting|wanna|going|gonna|planning|plan|intend|intending|"
    r"looking|trying|thinking|need|needing|asking|calling|to|of|about|on|be|do|i|am|i'm|it|"
    r"any|anything|like|that|want\s+to)\s+){0,4}"
)
# Negation scope for the shared features: the first content word after a negation (and the words
# allowed in between) gets a ``not_`` prefix, so "don't want to cancel" carries no "cancel"
# evidence.
_NEG_SCOPE_RE = re.compile(
    _NEG + r"\s+((?:(?:really|actually|even|want|wanting|wanna|going|gonna|planning|plan|intend|"
    r"intending|looking|trying|thinking|need|needing|asking|calling|to|of|about|on|be|do|i|am|"
    r"i'm|it|any|like|a|an|the|my|your|this|that)\s+){0,4})([a-z]+)"
)

# Cue pre-filters: prefixes, matched on lower-cased text; deliberately broad (recall first).
_CUES: dict[str, str] = {
    "escalation": (
        r"manag|supervis|operator|super\b|boss|superior|human|person|people|somebody|someone|"
        r"anyone|anybody|agent|operator|represent|\brep\b|assistant|escalat|higher|in charge|"
        r"real|live|staff|employee|team lead|lead\b|above you|else"
    ),
    "churn": (
        r"cancel|clos|terminat|go away|want out|i.m "
        r"done|leav|switch|quit|discontinu|delet|deactivat|remov|\bend\b|"
        r"ending|done with|stop|drop|unsubscrib|withdraw|exit|elsewhere|competitor|"
        r"provider|carrier|port|move|moving|contract|penalt|churn|rid of|get out|goodbye|"
        r"shut|renew|going with|go with|sign up with|signed up with|walk away|take my business"
    ),
    "expansion": (
        r"upgrad|\badd|more|extra|additional|seat|line|licen[cs]|plan\b|plans|premium|platinum|"
        r"gold|\bpro\b|bigger|higher|larger|expand|buy|purchas|order|acquir|shop|another|second|"
        r"increase|boost|tier|enterprise|business|unlimited|family|bundle|earn|step up|"
        r"bump|grow|hiring|scale|top tier|new user|account for|several|couple"
    ),
}

_STRONG: dict[str, str] = {
    "escalation": (
        r"\b(?:speak|talk|chat|connect|transfer|put|get|escalate|pass|send|give|let)\w*\b"
        r"(?:\s+\w+){0,4}?\s+(?:to|with|through|me)?\s*(?:a|an|the|your|some|someone|somebody)?\s*"
        r"(?:manager|supervisor|superior|boss|human|real person|live person|actual person|"
        r"live agent|human agent|someone else|somebody else|someone in charge|"
        r"someone higher|higher up|person in charge|team lead)\b"
        r"|\b(?:your|a|the|get me a|get me the|want a|need a)\s+(?:manager|supervisor)\b"
        r"|\bescalate\b|\bhigher up\b|\bsomeone (?:above|higher than) you\b"
        r"|\b(?:real|live|actual) (?:human|person)\b|\bhuman being\b"
        r"|\b(?:someone|somebody|anyone|anybody) else\b"
        r"|\b(?:speak|talk|chat|contact)\w*\s+(?:to\s+|with\s+)?(?:a|an|some|another|a "
        r"different|a real|"
        r"a live)?\s*(?:operator|agent|representative|rep|person|human|somebody|someone|"
        r"assistant)\b(?!\s+(?:about|regarding|at|from|who))"
    ),
    "churn": (
        r"\b(?:cancel|close|terminate|end|discontinue|delete|deactivate|shut down|stop)\w*\s+"
        r"(?:\w+\s+){0,2}?(?:service|account|subscription|membership|plan|contract|policy|"
        r"internet|phone|line|plan|everything)\b"
        r"|\b(?:switch|switching|move|moving|go|going|port|porting)\s+(?:\w+\s+){0,2}?"
        r"(?:to|over to|with)\s+(?:a\s+|another\s+|your\s+|the\s+)?"
        r"(?:competitor|another (?:provider|company|carrier|bank)|different "
        r"(?:provider|company|carrier|bank)|"
        r"[a-z]+ (?:instead))\b"
        r"|\b(?:leave|leaving|quit|quitting|done with)\s+(?:you|your|this company|the company)\b"
        r"|\b(?:switch|switching|move|moving|port|porting)\s+(?:over\s+)?to\s+"
        r"(?!paperless|autopay|auto|the\b|a\b|an\b|my\b|premium|pro\b|gold|platinum|basic|free|"
        r"freemium|standard|e-?bill|online|email|text|card|new|unlimited|business|family)[a-z]+"
        r"|\bgo(?:ing)? with (?:them|another|a different|someone else|[a-z]+ instead)\b"
        r"|\b(?:i'm|i am|we're|we are|i'll|i will|going to|gonna|want to|calling to|like to|"
        r"need to|just) (?:just |be |probably |definitely |have to |honestly )?"
        r"(?:cancel\w*|leav\w*|quit\w*)(?=\s*(?:[.,!?]|$|now\b|today\b|then\b|and\b|but\b|"
        r"because\b|unless\b|if\b|so\b|at\b|this\b))"
        r"|\btake my business elsewhere\b|\bwalk away\b|\bearly termination\b|\bnot (?:going to "
        r")?renew\b"
        r"|\b(?:cancellation|termination|withdrawal|exit) (?:fee|charge|penalt)"
    ),
    "expansion": (
        r"\bupgrad\w*\b"
        r"|\b(?:add|adding|get|buy|need|want|purchase)\w*\s+(?:\w+\s+){0,2}?(?:more|extra|addition"
        r"al|"
        r"another|a second|new|[0-9]+|two|three|four|five|ten|a few|some)\s+(?:\w+\s+)?"
        r"(?:seats?|lines?|licen[cs]es?|users?|phones?|devices?|accounts?|members?|data|storage|"
        r"channels?|locations?)\b"
        r"|\b(?:higher|bigger|larger|better|premium|top|business|enterprise|unlimited|family)\s+"
        r"(?:plan|tier|package|bundle|account)\b"
        r"|\b(?:switch|move|change|go|step)\w*\s+up\b"
    ),
}

_VETO: dict[str, str] = {
    "escalation": (
        # someone else's manager, or a manager as the topic rather than the person asked for
        r"\bmy (?:manager|supervisor|boss|team lead)\b"
        r"|\b(?:account|office|branch|property|store|regional|case|project|relationship|"
        r"product|hr|hiring) manager\b"
        r"|\bmanage\b|\bmanaging\b|\bpassword manager\b"
        r"|\b(?:not|no need|don't need|dont need|no reason)\s+(?:\w+\s+){0,3}?"
        r"(?:manager|supervisor|escalate|escalat)"
        r"|\b(?:i am|i'm|im) (?:a|the) (?:manager|supervisor)\b"
        r"|\bcustomer (?:service|support|care|assistance)\b"
    ),
    "churn": (
        r"\b(?:cancel|cancell?ing|cancell?ed)\s+(?:\w+\s+){0,2}?(?:order|purchase|"
        r"appointment|booking|reservation|delivery|shipment|payment|transfer|check|"
        r"request|ticket|meeting|visit|refund|return|item|items)\b"
        r"|\b(?:order|purchase|appointment|delivery|shipment|payment|booking|"
        r"reservation)\s+(?:\w+\s+){0,2}?(?:cancel\w*|canceled|cancelled)\b"
        r"|\bnewsletter|\bunsubscrib|\bemails?\b|\bmailing "
        r"list|\bmarketing|\bpromo|\bnotifications?\b"
        r"|\bclos\w*\s+(?:out\s+)?(?:\w+\s+){0,2}?(?:ticket|case|window|tab|app|door|complaint|"
        r"claim|dispute|request)s?\b"
        r"|\bswitch (?:the )?(?:card|payment|address|date|email|number)\b"
        r"|\b(?:leave|leaving) (?:a |the )?(?:message|voicemail|review|note|feedback|package)\b"
        r"|\bmov(?:e|ing) (?:house|home|address|apartment)\b"
        r"|\bport(?:ing)? (?:my|the) number (?:in|to you)\b"
    ),
    "expansion": (
        r"\bdowngrad\w*|\b(?:cheaper|lower|smaller|basic|free|freemium|standard|less)\s+"
        r"(?:plan|tier|package|account|bundle)\b"
        r"|\bfewer\b|\b(?:remove|drop|cut|reduce)\w*\s+(?:\w+\s+){0,2}?(?:seats?|lines?|"
        r"licen[cs]es?|users?|channels?)\b"
        r"|\b(?:more|extra|additional) (?:time|information|info|details|questions?|help|"
        r"minutes|problems?|issues?|charges?|fees?)\b"
        r"|\bcharged? (?:me )?more\b|\bno more\b|\bany ?more\b|\bonce more\b|\bmore than\b"
        r"|\b(?:order|purchase) (?:status|number|id|history|tracking)\b"
        r"|\b(?:where|track)\w* (?:is )?(?:my|the) order\b"
        r"|\bwrong (?:order|item|plan)\b"
        r"|\badd(?:ress|ing)? (?:my |a |the )?(?:card|payment|address|note|comment|email)\b"
        r"|\bone more (?:thing|question)\b|\bmore (?:expensive|confusing|broken)\b"
    ),
}

_NEGATED: dict[str, str] = {
    "escalation": (
        _NEG + r"\s+" + _NEG_GAP + r"(?:speak|talk|need|want|ask)\w*\s+(?:\w+\s+){0,3}?"
        r"(?:manager|supervisor|human|person|someone else)"
    ),
    "churn": (
        _NEG
        + r"\s+"
        + _NEG_GAP
        + r"(?:cancel|close|leave|leaving|switch|quit|terminate|end|discontinue|delete|go anywhere)"
        r"|\bstay(?:ing)?\b|\bkeep (?:my|the) (?:account|service|plan)\b|\bstill want\b"
    ),
    "expansion": (
        _NEG + r"\s+" + _NEG_GAP + r"(?:upgrade|add|buy|purchase|get|more|extra|expand)"
        r"|\bnot interested\b|\bno thanks\b|\bno thank you\b"
    ),
}

# Someone other than the speaker: "does my wife need to cancel" is a question, not the caller's
# intent.
_OTHER = (
    r"\b(?:my|our|his|her|their) (?:wife|husband|son|daughter|mother|father|mom|dad|friend|"
    r"neighbou?r|coworker|colleague|brother|sister|partner|client|boss|manager)s? (?:wants?|wanted|"
    r"asked|said|is|was|needs?|tried|called|did|has|had)\b"
    r"|\b(?:he|she|they) (?:wants?|wanted|asked|said|is going|are going|tried|needs?)\b"
    r"|\bdoes (?:he|she|they|my \w+)\b"
    r"|\b(?:asked me to|told me to|sent me to|wanted me to)\b"
    r"|\bother (?:customers|people) \w+\b"
)

# Function words carry no intent on their own (and the templated training sets make them look like
# they do); they still take part in bigrams ("my account", "to cancel").
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "i'm",
        "me",
        "my",
        "we",
        "our",
        "us",
        "you",
        "your",
        "to",
        "of",
        "on",
        "in",
        "at",
        "for",
        "with",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "be",
        "it",
        "this",
        "that",
        "do",
        "does",
        "can",
        "could",
        "would",
        "will",
        "please",
        "there",
        "here",
        "so",
        "just",
    ]
)
_TOKEN_RE = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
_NORMALIZE = {
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "im": "i'm",
    "wanna": "want",
    "gonna": "going",
    "u": "you",
    "ur": "your",
    "ya": "you",
    "pls": "please",
    "plz": "please",
    "cancelling": "canceling",
    "cancelled": "canceled",
}


class _Rules:
    __slots__ = ("cue", "negated", "other", "strong", "veto")

    def __init__(self, intent: str, extra_phrases: tuple[str, ...] = ()) -> None:
        extra = "".join("|" + re.escape(p.lower()) for p in extra_phrases)
        self.cue = re.compile(_CUES[intent] + extra)
        self.strong = re.compile(_STRONG[intent])
        self.veto = re.compile(_VETO[intent])
        self.negated = re.compile(_NEGATED[intent])
        self.other = re.compile(_OTHER)


_RULES: dict[str, _Rules] = {intent: _Rules(intent) for intent in INTENTS}


def normalize(text: str) -> str:
    """Lower-case with typographic apostrophes folded; the form every rule is written against."""
    return text.lower().replace("\u2019", "'")


def tokenize(lowered: str) -> list[str]:
    return [_NORMALIZE.get(t, t) for t in _TOKEN_RE.findall(lowered)]


def _mark_negated(match: re.Match[str]) -> str:
    return match.group(0)[: match.start(2) - match.start(0)] + "not_" + match.group(2)


def text_features(lowered: str) -> list[str]:
    """Word unigrams and adjacent bigrams (shared by the three intents)."""
    if "n" in lowered:
        lowered = _NEG_SCOPE_RE.sub(_mark_negated, lowered)
    tokens = tokenize(lowered)
    feats = [t for t in tokens if t not in _STOPWORDS]
    feats.extend([a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)])
    # binary features, as in training: a word said ten times counts once
    return list(dict.fromkeys(feats))


def rule_flags(lowered: str, rules: _Rules) -> tuple[list[str], re.Match[str] | None]:
    """The rule-flag features for one intent, and the strong match (evidence) if any."""
    flags: list[str] = []
    strong = rules.strong.search(lowered)
    negated = rules.negated.search(lowered)
    if negated is not None:
        flags.append("#neg")
        if strong is not None and strong.start() < negated.end():
            # the strong phrase is the negated one ("I don't want to close my account")
            strong = rules.strong.search(lowered, negated.end())
    if strong is not None:
        flags.append("#strong")
    if rules.veto.search(lowered) is not None:
        flags.append("#veto")
    if rules.other.search(lowered) is not None:
        flags.append("#other")
    if "?" in lowered:
        flags.append("#question")
    return flags, strong


def features(text: str, intent: str) -> list[str]:
    """Every feature the model for ``intent`` sees for ``text`` (training uses exactly this)."""
    lowered = normalize(text)
    flags, _ = rule_flags(lowered, _RULES[intent])
    return text_features(lowered) + flags


def has_cue(text: str, intent: str) -> bool:
    return _RULES[intent].cue.search(normalize(text)) is not None


class IntentModel:
    """A logistic regression stored as a sparse weight dict."""

    __slots__ = ("bias", "weights")

    def __init__(self, bias: float, weights: Mapping[str, float]) -> None:
        self.bias = float(bias)
        self.weights = dict(weights)

    def probability(self, feats: list[str]) -> float:
        get = self.weights.get
        z = self.bias
        for f in feats:
            z += get(f, 0.0)
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        ez = math.exp(z)
        return ez / (1.0 + ez)


_MODELS: dict[str, IntentModel] = {}


def load_models(path: Path = WEIGHTS_PATH) -> dict[str, IntentModel]:
    """Read the weights file (cached for the default path)."""
    if path == WEIGHTS_PATH and _MODELS:
        return _MODELS
    data = json.loads(path.read_text(encoding="utf-8"))
    models = {intent: IntentModel(m["bias"], m["weights"]) for intent, m in data["models"].items()}
    if path == WEIGHTS_PATH:
        _MODELS.update(models)
    return models


def reload_models() -> None:
    """Forget the cached weights (after retraining in the same process)."""
    _MODELS.clear()


# One-entry cache: the three intent signals see the same utterance back to back.
_last: list[Any] = [None, "", []]


def _shared(text: str) -> tuple[str, list[str] | None]:
    if _last[0] is text:
        return _last[1], _last[2]
    lowered = normalize(text)
    _last[0], _last[1], _last[2] = text, lowered, None
    return lowered, None


def _shared_features(text: str, lowered: str) -> list[str]:
    cached: list[str] | None = _last[2] if _last[0] is text else None
    if cached is None:
        cached = text_features(lowered)
        if _last[0] is text:
            _last[2] = cached
    return cached


def _evidence(text: str, start: int, end: int) -> str:
    lo = max(0, start - 60)
    hi = min(len(text), end + 60)
    span = text[lo:hi].strip()
    return span[:MAX_EVIDENCE_CHARS]


@register
class IntentDetector(Detector):
    kind: ClassVar[str] = "intent"
    accepts_partials: ClassVar[bool] = False

    DEFAULTS: ClassVar[dict[str, Any]] = {
        "intent": "churn",
        "min_confidence": 0.5,
        "refire_margin": 0.15,
        "extra_phrases": [],
    }

    def __init__(self, spec: SignalSpec) -> None:
        super().__init__(spec)
        intent: str = self.params["intent"]
        self.intent = intent
        self.min_confidence: float = self.params["min_confidence"]
        self.refire_margin: float = self.params["refire_margin"]
        extra = tuple(self.params["extra_phrases"])
        self.rules = _Rules(intent, extra) if extra else _RULES[intent]
        self.model = load_models()[intent]
        self._extra_re = (
            re.compile("|".join(r"\b" + re.escape(p.lower()) + r"\b" for p in extra))
            if extra
            else None
        )

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(params, Mapping):
            raise SpecError("Detector parameters must be an object.", field="params")
        unknown = sorted(set(params) - set(cls.DEFAULTS))
        if unknown:
            raise SpecError(f'Unknown parameter "{unknown[0]}".', field=f"params.{unknown[0]}")
        out = {**cls.DEFAULTS, **params}
        if out["intent"] not in INTENTS:
            raise SpecError(f"Must be one of: {', '.join(INTENTS)}.", field="params.intent")
        for name in ("min_confidence", "refire_margin"):
            value = out[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SpecError("Must be a number from 0 to 1.", field=f"params.{name}")
            if not 0.0 <= float(value) <= 1.0:
                raise SpecError("Must be a number from 0 to 1.", field=f"params.{name}")
            out[name] = float(value)
        phrases = out["extra_phrases"]
        if not isinstance(phrases, list) or not all(
            isinstance(p, str) and 2 <= len(p.strip()) <= 100 for p in phrases
        ):
            raise SpecError(
                "Must be a list of phrases, each 2 to 100 characters.",
                field="params.extra_phrases",
            )
        if len(phrases) > 50:
            raise SpecError("At most 50 phrases.", field="params.extra_phrases")
        out["extra_phrases"] = [p.strip() for p in phrases]
        return out

    def score(self, text: str) -> tuple[float, str]:
        """Confidence that ``text`` (a customer utterance) expresses this intent, and its
        evidence."""
        lowered, _ = _shared(text)
        rules = self.rules
        cue = rules.cue.search(lowered)
        if cue is None:
            return 0.0, ""
        flags, strong = rule_flags(lowered, rules)
        feats = _shared_features(text, lowered)
        p = self.model.probability(feats + flags) if flags else self.model.probability(feats)
        match = strong or cue
        if self._extra_re is not None and "#veto" not in flags and "#neg" not in flags:
            extra = self._extra_re.search(lowered)
            if extra is not None:
                # an admin-added phrase is a deliberate choice: trust it like a strong pattern
                p = max(p, EXTRA_PHRASE_CONFIDENCE)
                match = extra
        return p, _evidence(text, match.start(), match.end())

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        if event.speaker != "customer" or not event.text:
            return None
        confidence, evidence = self.score(event.text)
        if confidence < self.min_confidence:
            return None
        best = memory.get("best")
        if isinstance(best, (int, float)) and confidence < best + self.refire_margin:
            return None
        memory["best"] = round(confidence, 4)
        return Candidate(
            signal=self.spec.key,
            confidence=round(confidence, 4),
            event_id=event.event_id,
            offset_ms=event.offset_ms,
            evidence=evidence,
        )

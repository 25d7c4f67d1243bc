"""Agent-side compliance rules with time and order semantics.

- ``disclosure_window`` (``disclosure_missing``): on outbound calls the agent must give each
  required disclosure group (default: a recording notice) within ``window_ms``. The warning fires
  *before* the window closes, at ``window_ms - warn_before_ms`` of call time, from ``on_time`` so
  silent calls warn too (``evaluate_deadlines``); ``deadline_ms`` is the window close.
- ``identity_before_phi`` (``identity_verification_incomplete``): on ``phi`` calls, protected health
  information must not be discussed before identity is verified (agent request + customer answer,
  or an explicit agent confirmation).
- ``tcpa_consent`` (``tcpa_consent_missing``): on ``tcpa`` calls, consent to automated calls/texts
  must be captured before the agent takes the step that needs it (text enrolment, automated calls).

Every phrase set is a parameter (a list of regular expressions, matched against lowercased text)
with defaults covering common paraphrases; each detector fires at most once per call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from signals.engine.detectors.base import Detector, register
from signals.engine.errors import SpecError
from signals.engine.spec import Candidate, SignalSpec
from signals.engine.text import (
    check_pattern_list,
    normalize,
    param_float,
    param_int,
    param_patterns,
    reject_unknown,
    span_around,
    union,
)
from signals.engine.transcript import CallMeta, Event


def _search(pattern: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    return None if pattern is None else pattern.search(text)


def _evidence(text: str, m: re.Match[str]) -> str:
    return span_around(text, m.start(), m.end(), context=25, limit=120)


# --- disclosure_window ---------------------------------------------------------------------------

RECORDING_NOTICE = [
    r"\b(?:call|calls|conversation|line)\b[^.?!]{0,40}\b(?:is|are|may|might|will|could|can|being"
    r"|be)\b[^.?!]{0,25}\b(?:recorded|monitored|recording|taped)\b",
    r"\b(?:recorded|monitored)\b[^.?!]{0,40}\b(?:quality|training|compliance|record-keeping)\b",
    r"\brecorded line\b",
    r"\b(?:i'm|i am|we're|we are|we'll be|i'll be)\s+(?:recording|monitoring)\b",
    r"\b(?:record|recording|monitor|monitoring)\s+(?:this|our|the)\s+(?:call|conversation)\b",
    r"\bfor (?:quality|training) (?:assurance |and training |and quality )?purposes\b",
]
DEBT_COLLECTION_NOTICE = [
    r"\b(?:this is an|an|this is|this call is an) attempt to collect (?:a|the) debt\b",
    r"\bthis (?:communication|call) is from a debt collector\b",
]
CALLER_IDENTITY = [
    r"\b(?:my name is|this is|i'm|i am)\s+\w+(?:\s+\w+)?\s+(?:from|with|at|calling from"
    r"|calling on behalf of|on behalf of)\b",
    r"\bcalling (?:from|on behalf of)\b",
]
DEFAULT_REQUIRED: list[dict[str, Any]] = [
    {"name": "recording notice", "patterns": RECORDING_NOTICE}
]


def _required_groups(value: Any) -> list[dict[str, Any]]:
    """``required``: a list of groups, each a list of patterns or ``{"name", "patterns"}``."""
    field = "params.required"
    if not isinstance(value, (list, tuple)) or not value:
        raise SpecError("Must be a non-empty list of disclosure groups.", field=field)
    if len(value) > 10:
        raise SpecError("At most 10 disclosure groups.", field=field)
    groups: list[dict[str, Any]] = []
    for i, group in enumerate(value):
        where = f"{field}[{i}]"
        if isinstance(group, Mapping):
            name = group.get("name", f"disclosure {i + 1}")
            if not isinstance(name, str) or not name.strip() or len(name) > 80:
                raise SpecError("Must be a short name.", field=f"{where}.name")
            patterns = check_pattern_list(
                group.get("patterns"), f"{where}.patterns", allow_empty=False
            )
        else:
            name = f"disclosure {i + 1}"
            patterns = check_pattern_list(group, where, allow_empty=False)
        groups.append({"name": name.strip(), "patterns": patterns})
    return groups


@register
class DisclosureWindow(Detector):
    kind: ClassVar[str] = "disclosure_window"
    accepts_partials: ClassVar[bool] = False

    def __init__(self, spec: SignalSpec) -> None:
        super().__init__(spec)
        self.groups = [
            (str(g["name"]), union(list(g["patterns"]))) for g in self.params["required"]
        ]
        self.window_ms = int(self.params["window_ms"])
        self.warn_at_ms = max(0, self.window_ms - int(self.params["warn_before_ms"]))
        self.confidence = float(self.params["confidence"])

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        params = super().validate_params(params)
        reject_unknown(params, ["required", "window_ms", "warn_before_ms", "confidence"])
        window = param_int(params, "window_ms", 30_000, lo=1_000, hi=600_000)
        warn = param_int(params, "warn_before_ms", 10_000, lo=0, hi=600_000)
        if warn >= window:
            raise SpecError("Must be shorter than window_ms.", field="params.warn_before_ms")
        return {
            "required": _required_groups(params.get("required", DEFAULT_REQUIRED)),
            "window_ms": window,
            "warn_before_ms": warn,
            "confidence": param_float(params, "confidence", 0.95, lo=0.0, hi=1.0),
        }

    def applies(self, meta: CallMeta) -> bool:
        return meta.direction == "outbound"

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        if event.speaker != "agent" or memory.get("fired"):
            return None
        given: list[int] = memory.setdefault("given", [])
        if len(given) == len(self.groups):
            return None
        text = normalize(event.text)
        for i, (_name, pattern) in enumerate(self.groups):
            if i not in given and _search(pattern, text) is not None:
                given.append(i)
        return None

    def on_time(
        self, now_offset_ms: int, meta: CallMeta, memory: dict[str, Any], last_event_id: str
    ) -> Candidate | None:
        if now_offset_ms < self.warn_at_ms or memory.get("fired"):
            return None
        given = memory.get("given", [])
        missing = [name for i, (name, _p) in enumerate(self.groups) if i not in given]
        if not missing:
            return None
        memory["fired"] = True
        closes = self.window_ms / 1000
        when = "window closed" if now_offset_ms >= self.window_ms else "window closes"
        return Candidate(
            signal=self.spec.key,
            confidence=self.confidence,
            event_id=last_event_id,
            offset_ms=now_offset_ms,
            evidence=(
                f"no {', '.join(missing)} by {now_offset_ms / 1000:.1f}s; {when} at {closes:.1f}s"
            ),
            deadline_ms=self.window_ms,
        )


# --- identity_before_phi -------------------------------------------------------------------------

PHI_PATTERNS = [
    # diagnoses and conditions
    r"\b(?:diagnos(?:is|ed|es)|prognosis|tested positive|biopsy|tumou?r|cancer|diabetes|diabetic"
    r"|hypertension|hiv|hepatitis|pregnancy|pregnant|depression|bipolar|anxiety disorder|asthma"
    r"|copd|chemo(?:therapy)?|dialysis|std|sti|dementia|stroke|fracture)\b",
    # prescriptions and medication names
    r"\b(?:prescriptions?|prescribed|refills?|medications?|meds|dosage|\d+ ?(?:mg|milligrams?)"
    r"|lisinopril|metformin|atorvastatin|lipitor|insulin|ozempic|wegovy|sertraline|zoloft|prozac"
    r"|xanax|adderall|oxycodone|amoxicillin|levothyroxine|synthroid|albuterol|gabapentin"
    r"|hydrocodone|warfarin|eliquis|omeprazole|amlodipine|losartan|jardiance|humira)\b",
    # lab and test results
    r"\b(?:lab|labs|blood ?work|blood|test|biopsy|mri|ct|cat|pet|x-?ray|scan|screening|a1c"
    r"|cholesterol|pathology|imaging|ultrasound|mammogram)\s+(?:results?|report|findings|came back"
    r"|showed|shows)\b",
    r"\bresults? (?:came back|show(?:ed)?|were|are) (?:positive|negative|normal|abnormal"
    r"|elevated)\b",
    # treatment and procedures
    r"\b(?:treatment plan|surgery|procedure|physical therapy|radiation|admitted|discharged"
    r"|hospitali[sz](?:ed|ation)|referral to|follow-up with dr"
    r"|your doctor (?:ordered|prescribed|noted))\b",
    # claims and records
    r"\b(?:date of service|dates of service|claim (?:number|#|for (?:your|the)|was (?:denied|paid"
    r"|approved)|status|amount)|billed amount|procedure code|cpt code|icd|diagnosis code"
    r"|medical records?|patient records?|chart notes|explanation of benefits|eob)\b",
]
VERIFY_REQUEST = [
    r"\b(?:date of birth|birth ?date|dob|d\.o\.b\.?)\b",
    r"\b(?:member|subscriber|policy|patient|medicare|medicaid|insurance|account)"
    r" (?:id|i\.d\.|number)\b",
    r"\blast (?:four|4)(?: digits)?(?: of (?:your|the))? (?:social|ssn|ss|security)\b",
    r"\b(?:verify|confirm|validate) (?:your|the patient's|a few|some|the) ?(?:identity|details"
    r"|information|info|name and|full name|address|home address)\b",
    r"\bbefore (?:we|i) (?:go|get|discuss|look)\b[^.?!]{0,40}\b(?:verify|confirm)\b",
]
VERIFY_CONFIRMED = [
    r"\b(?:thank you|thanks) for (?:verifying|confirming)(?: that| your| the)?\b",
    r"\b(?:i've|i have|you've|you have|you're|you are|that's|that is|everything's|everything is"
    r"|all|you're all|we're all|we are all|identity is|identity has been|account is)\s+"
    r"(?:(?:already|now|been|all|just|fully) ){0,3}(?:verified|authenticated|confirmed)\b",
    r"\b(?:that|it|everything|all of that|the information) (?:all )?match(?:es|ed)?\b",
    r"\bverification (?:is |was )?(?:complete|completed|done|successful)\b",
]
CUSTOMER_IDENTIFIER = [
    r"\d",
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b",
    r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety|hundred|thousand)\b",
    r"\bborn\b",
]
CUSTOMER_REFUSAL = [
    r"\b(?:i )?(?:don't|do not|dont) (?:know|have|remember|recall)\b",
    r"\b(?:why do you need|i'd rather not|i would rather not|not comfortable|i won't give)\b",
    r"\bhold on\b|\blet me (?:find|get|check|look)\b",
]
CUSTOMER_VOLUNTEERED = [
    r"\b(?:my )?(?:date of birth|birth ?date|birthday|dob|member id|member number|policy number)\b"
    r"[^.?!]{0,25}(?:\d|january|february|march|april|may|june|july|august|september|october"
    r"|november|december)",
    r"\bi was born (?:on|in)\b",
]


@register
class IdentityBeforePhi(Detector):
    """Fires on PHI before verification: at once when the agent discusses it, after
    ``customer_mentions`` PHI mentions by the customer with no verification started."""

    kind: ClassVar[str] = "identity_before_phi"
    accepts_partials: ClassVar[bool] = False

    _PATTERN_PARAMS: ClassVar[dict[str, list[str]]] = {
        "phi_patterns": PHI_PATTERNS,
        "verify_request_patterns": VERIFY_REQUEST,
        "verified_patterns": VERIFY_CONFIRMED,
        "customer_answer_patterns": CUSTOMER_IDENTIFIER,
        "customer_refusal_patterns": CUSTOMER_REFUSAL,
        "customer_volunteered_patterns": CUSTOMER_VOLUNTEERED,
    }

    def __init__(self, spec: SignalSpec) -> None:
        super().__init__(spec)
        p = self.params
        self.phi = union(p["phi_patterns"])
        self.request = union(p["verify_request_patterns"])
        self.confirmed = union(p["verified_patterns"])
        self.answer = union(p["customer_answer_patterns"])
        self.refusal = union(p["customer_refusal_patterns"])
        self.volunteered = union(p["customer_volunteered_patterns"])
        self.workflow = str(p["workflow"])
        self.agent_confidence = float(p["confidence"])
        self.customer_confidence = float(p["customer_confidence"])
        self.customer_mentions = int(p["customer_mentions"])

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        params = super().validate_params(params)
        names = [*cls._PATTERN_PARAMS, "workflow", "confidence", "customer_confidence"]
        reject_unknown(params, [*names, "customer_mentions"])
        out: dict[str, Any] = {
            name: param_patterns(params, name, default)
            for name, default in cls._PATTERN_PARAMS.items()
        }
        workflow = params.get("workflow", "phi")
        if not isinstance(workflow, str) or not workflow.strip():
            raise SpecError('Must be a workflow tag such as "phi".', field="params.workflow")
        out["workflow"] = workflow.strip().lower()
        out["confidence"] = param_float(params, "confidence", 0.95, lo=0.0, hi=1.0)
        out["customer_confidence"] = param_float(params, "customer_confidence", 0.9, lo=0.0, hi=1.0)
        out["customer_mentions"] = param_int(params, "customer_mentions", 2, lo=1, hi=10)
        return out

    def applies(self, meta: CallMeta) -> bool:
        return self.workflow in meta.workflows

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        if memory.get("fired") or memory.get("verified"):
            return None
        text = normalize(event.text)
        if event.speaker == "agent":
            if _search(self.confirmed, text):
                memory["verified"] = True
                return None
            if _search(self.request, text):
                memory["requested"] = True
                # Gating ("before we discuss your results, your date of birth?") is the right move.
                return None
        else:
            answered = _search(self.volunteered, text) is not None or (
                memory.get("requested")
                and _search(self.answer, text) is not None
                and _search(self.refusal, text) is None
            )
            if answered:
                memory["answered"] = True
            if memory.get("requested") and memory.get("answered"):
                memory["verified"] = True
                return None
        m = _search(self.phi, text)
        if m is None:
            return None
        if event.speaker == "agent":
            confidence = self.agent_confidence
            who = "agent"
        else:
            if memory.get("requested"):
                return None  # verification under way; the customer talking is not a disclosure
            mentions = int(memory.get("customer_mentions", 0)) + 1
            memory["customer_mentions"] = mentions
            if mentions < self.customer_mentions:
                return None
            confidence = self.customer_confidence
            who = "customer"
        memory["fired"] = True
        state = "requested, not answered" if memory.get("requested") else "not started"
        return Candidate(
            signal=self.spec.key,
            confidence=confidence,
            event_id=event.event_id,
            offset_ms=event.offset_ms,
            evidence=f"{who} PHI before verification ({state}): '{_evidence(text, m)}'",
        )


# --- tcpa_consent --------------------------------------------------------------------------------

CONSENT_REQUEST = [
    r"\b(?:do i have|may i have|can i have|can i get|could i get|could i have|i need|i'll need)"
    r" (?:your )?(?:permission|consent|ok|okay|approval|authorization)\b",
    r"\b(?:is it|is that|would it be|are you) (?:ok|okay|alright|all right|fine)\b[^.?!]{0,60}"
    r"\b(?:text|texts|texting|sms|call|calls|automated|prerecorded|pre-recorded|autodialed"
    r"|message|messages)\b",
    r"\bdo you (?:agree|consent)\b",
    r"\b(?:text|texts|texting|sms|automated|alerts|reminders|messages|calls)\b[^.?!]{0,80}"
    r"\b(?:is that|is it|would that be|are you|is this) (?:ok|okay|alright|all right|fine)\b",
    r"\b(?:would|do) you (?:like|want) (?:to )?(?:receive|get|us to send|me to send)\b[^.?!]{0,40}"
    r"\b(?:text|texts|sms|automated|prerecorded|pre-recorded|reminders|alerts)\b",
    r"\bcan (?:we|i) (?:text|send you (?:a )?texts?|reach you by text|contact you)\b",
]
CONSENT_YES = [
    r"^(?:yes|yeah|yep|yup|sure|ok|okay|of course|absolutely|definitely|certainly|fine|please"
    r"|go ahead|you do|you can|that's fine|that works|sounds good|why not)\b",
    r"\b(?:i agree|i consent|you have my (?:permission|consent)|that's fine|go ahead|please do"
    r"|yes you can|yes you may|sure you can|that works)\b",
]
CONSENT_NO = [
    r"^(?:no|nope|nah|not really|i'd rather not|i would rather not|absolutely not|no thanks"
    r"|no thank you)\b(?! problem)",
    r"\b(?:don't|do not|dont|please don't|never)\b[^.?!]{0,20}\b(?:text|texts|call|calls|message"
    r"|contact|send)\b",
    r"\b(?:i'd rather you didn't|i do not consent|i don't consent|not comfortable|don't want"
    r"|do not want|stop (?:texting|calling))\b",
]
CONSENT_VOLUNTEERED = [
    r"\b(?:you can|feel free to|please|go ahead and|it's fine to|it's okay to)"
    r" (?:text|call|message) me\b",
    r"\b(?:text|texts|texting) (?:is|are) (?:fine|ok|okay|great|good)\b",
]
CONSENT_ON_FILE = [
    r"\b(?:already|previously) (?:opted in|consented|agreed|gave (?:us )?(?:your )?consent"
    r"|signed up)\b",
    r"\b(?:consent|opt-in) (?:is )?on file\b",
]
CONSENT_STEP = [
    r"\b(?:i'll|i will|i'm going to|i am going to|let me|i can|i've|i have|we'll|we will|i'm|i am"
    r"|i just|we've)\b[^.?!]{0,30}\b(?:sign(?:ed|ing)? you up|enroll(?:ed|ing)?(?: you)?"
    r"|set(?:ting)? (?:you |that |those |it )?up|add(?:ed|ing)? you|opt(?:ed|ing)? you in"
    r"|schedul(?:e|ed|ing)"
    r"|turn(?:ed|ing)? on|activat(?:e|ed|ing)|put you down)\b[^.?!]{0,40}\b(?:text|texts|sms"
    r"|automated|auto-?dial(?:ed|er)?|pre-?recorded|robo ?calls?|reminder calls|text alerts"
    r"|text reminders|text message)",
    r"\byou'll (?:start )?(?:receive|get|be getting|be receiving|start getting|start receiving)"
    r"\b[^.?!]{0,30}\b(?:automated|pre-?recorded|text|texts|sms|robo)\b",
    r"\b(?:text|sms) (?:reminders|alerts|notifications|updates|messages) (?:are|have been|is"
    r"|will be) (?:now )?(?:on|set up|active|enabled|turned on|scheduled)\b",
    r"\b(?:an? )?automated (?:call|callback|reminder|message)s? (?:is|are|has been|have been"
    r"|will be)? ?(?:scheduled|set up|booked)\b",
]


_CONTACT_WORDS = re.compile(
    r"\b(?:text|texts|texting|call|calls|calling|message|messages|contact)\b"
)


@register
class TcpaConsent(Detector):
    kind: ClassVar[str] = "tcpa_consent"
    accepts_partials: ClassVar[bool] = False

    _PATTERN_PARAMS: ClassVar[dict[str, list[str]]] = {
        "request_patterns": CONSENT_REQUEST,
        "yes_patterns": CONSENT_YES,
        "no_patterns": CONSENT_NO,
        "volunteered_patterns": CONSENT_VOLUNTEERED,
        "on_file_patterns": CONSENT_ON_FILE,
        "step_patterns": CONSENT_STEP,
    }

    def __init__(self, spec: SignalSpec) -> None:
        super().__init__(spec)
        p = self.params
        self.request = union(p["request_patterns"])
        self.yes = union(p["yes_patterns"])
        self.no = union(p["no_patterns"])
        self.volunteered = union(p["volunteered_patterns"])
        self.on_file = union(p["on_file_patterns"])
        self.step_pattern = union(p["step_patterns"])
        self.workflow = str(p["workflow"])
        self.confidence = float(p["confidence"])

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        params = super().validate_params(params)
        reject_unknown(params, [*cls._PATTERN_PARAMS, "workflow", "confidence"])
        out: dict[str, Any] = {
            name: param_patterns(params, name, default)
            for name, default in cls._PATTERN_PARAMS.items()
        }
        workflow = params.get("workflow", "tcpa")
        if not isinstance(workflow, str) or not workflow.strip():
            raise SpecError('Must be a workflow tag such as "tcpa".', field="params.workflow")
        out["workflow"] = workflow.strip().lower()
        out["confidence"] = param_float(params, "confidence", 0.93, lo=0.0, hi=1.0)
        return out

    def applies(self, meta: CallMeta) -> bool:
        return self.workflow in meta.workflows

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        if memory.get("fired"):
            return None
        text = normalize(event.text)
        if event.speaker == "customer":
            self._customer(text, memory)
            return None
        if _search(self.on_file, text):
            memory["consent"] = True
        asked = _search(self.request, text) is not None
        if asked and memory.get("consent") is not True:
            memory.update(asked=True, pending=True, consent=None)
        step = _search(self.step_pattern, text)
        if step is None or memory.get("consent") is True:
            return None
        if asked:
            # "I'll set up text reminders, is that okay?" - the answer decides, not this line.
            return None
        return self._fire(event, text, step, memory)

    def _customer(self, text: str, memory: dict[str, Any]) -> None:
        refused = _search(self.no, text) is not None
        if memory.get("pending"):
            # The answer to the agent's consent question.
            if refused:
                memory.update(consent=False, pending=False)
            elif _search(self.yes, text) or _search(self.volunteered, text):
                memory.update(consent=True, pending=False)
            return
        if refused and _CONTACT_WORDS.search(text):
            memory["consent"] = False
        elif _search(self.volunteered, text):
            memory["consent"] = True

    def _fire(
        self, event: Event, text: str, step: re.Match[str], memory: dict[str, Any]
    ) -> Candidate:
        memory["fired"] = True
        consent = memory.get("consent")
        if consent is False:
            why, confidence = "customer declined", min(1.0, self.confidence + 0.04)
        elif memory.get("asked"):
            why, confidence = "asked, no clear yes", max(0.0, self.confidence - 0.03)
        else:
            why, confidence = "never asked", self.confidence
        return Candidate(
            signal=self.spec.key,
            confidence=round(confidence, 3),
            event_id=event.event_id,
            offset_ms=event.offset_ms,
            evidence=f"consent step without consent ({why}): '{_evidence(text, step)}'",
        )


__all__: Sequence[str] = ["DisclosureWindow", "IdentityBeforePhi", "TcpaConsent"]

"""Text helpers shared by the built-in detectors: normalisation, safe pattern compilation, params.

Detectors see ASR output (lowercase or not, curly or straight quotes, stray whitespace), so every
detector matches against ``normalize(text)``; it is cached because each utterance is looked at by
several detectors. Patterns supplied by ops admins are validated here with errors naming the
parameter (``params.patterns[2]``) and guarded against the classic catastrophic-backtracking shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from signals.engine.errors import SpecError

MAX_PATTERN_CHARS = 600
MAX_PHRASE_CHARS = 200
MAX_LIST_ITEMS = 200
EVIDENCE_CHARS = 160

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_SPACES = re.compile(r"\s+")
# A quantified group that itself contains a quantifier: (a+)+, (\w+\s?)*, (.*){2,} ...
_NESTED_QUANTIFIER = re.compile(
    r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,)"
)
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """Lowercase, straight quotes, single spaces. Cached: several detectors read each utterance."""
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip().lower()


def clip(text: str, limit: int = EVIDENCE_CHARS) -> str:
    """A short, single-line excerpt for a candidate's evidence."""
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def span_around(
    text: str, start: int, end: int, *, context: int = 30, limit: int = EVIDENCE_CHARS
) -> str:
    """The matched span with a little context either side, clipped for evidence."""
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    prefix = "\u2026" if lo > 0 else ""
    suffix = "\u2026" if hi < len(text) else ""
    return clip(prefix + text[lo:hi] + suffix, limit)


# --- pattern compilation -------------------------------------------------------------------------


def check_pattern(value: Any, field: str) -> str:
    """Validate one admin-supplied regular expression; return it or raise ``SpecError``."""
    if not isinstance(value, str) or not value.strip():
        raise SpecError("Must be a non-empty regular expression string.", field=field)
    if len(value) > MAX_PATTERN_CHARS:
        raise SpecError(f"At most {MAX_PATTERN_CHARS} characters.", field=field)
    if _NESTED_QUANTIFIER.search(value):
        raise SpecError(
            "Nested quantifiers such as (a+)+ can take exponential time; rewrite the pattern.",
            field=field,
        )
    if _BACKREFERENCE.search(value):
        raise SpecError("Backreferences are not supported.", field=field)
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise SpecError(f"Not a valid regular expression: {exc}.", field=field) from exc
    return value


def check_phrase(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError("Must be a non-empty phrase.", field=field)
    if len(value) > MAX_PHRASE_CHARS:
        raise SpecError(f"At most {MAX_PHRASE_CHARS} characters.", field=field)
    return value


def phrase_source(phrase: str) -> str:
    """A literal phrase as a regex source: case-folded, flexible whitespace, word boundaries."""
    words = normalize(phrase).split(" ")
    body = r"\s+".join(re.escape(w) for w in words)
    return rf"(?<!\w){body}(?!\w)"


def union(sources: Sequence[str]) -> re.Pattern[str] | None:
    """One compiled alternation of several (already validated) sources, or ``None`` if empty."""
    if not sources:
        return None
    return re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE)


# --- parameter helpers ---------------------------------------------------------------------------


def _field(name: str) -> str:
    return f"params.{name}"


def param_float(
    params: Mapping[str, Any], name: str, default: float, *, lo: float, hi: float
) -> float:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise SpecError("Must be a number.", field=_field(name))
    if not lo <= float(value) <= hi:
        raise SpecError(f"Must be between {lo:g} and {hi:g}.", field=_field(name))
    return float(value)


def param_int(params: Mapping[str, Any], name: str, default: int, *, lo: int, hi: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError("Must be a whole number.", field=_field(name))
    if not lo <= value <= hi:
        raise SpecError(f"Must be between {lo} and {hi}.", field=_field(name))
    return value


def param_bool(params: Mapping[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    if not isinstance(value, bool):
        raise SpecError("Must be true or false.", field=_field(name))
    return value


def param_choice(params: Mapping[str, Any], name: str, default: str, choices: Sequence[str]) -> str:
    value = params.get(name, default)
    if value not in choices:
        options = ", ".join(f'"{c}"' for c in choices)
        raise SpecError(f"Must be one of {options}.", field=_field(name))
    return str(value)


def param_patterns(
    params: Mapping[str, Any], name: str, default: Sequence[str], *, allow_empty: bool = True
) -> list[str]:
    """A list of regular expressions; each validated with an error naming ``params.name[i]``."""
    value = params.get(name, default)
    return check_pattern_list(value, _field(name), allow_empty=allow_empty)


def check_pattern_list(value: Any, field: str, *, allow_empty: bool = True) -> list[str]:
    if not isinstance(value, (list, tuple)):
        raise SpecError("Must be a list of regular expressions.", field=field)
    if len(value) > MAX_LIST_ITEMS:
        raise SpecError(f"At most {MAX_LIST_ITEMS} entries.", field=field)
    if not value and not allow_empty:
        raise SpecError("Must contain at least one pattern.", field=field)
    return [check_pattern(v, f"{field}[{i}]") for i, v in enumerate(value)]


def param_phrases(params: Mapping[str, Any], name: str, default: Sequence[str]) -> list[str]:
    value = params.get(name, default)
    field = _field(name)
    if not isinstance(value, (list, tuple)):
        raise SpecError("Must be a list of phrases.", field=field)
    if len(value) > MAX_LIST_ITEMS:
        raise SpecError(f"At most {MAX_LIST_ITEMS} entries.", field=field)
    return [check_phrase(v, f"{field}[{i}]") for i, v in enumerate(value)]


def reject_unknown(params: Mapping[str, Any], known: Sequence[str]) -> None:
    """Typos in parameter names should fail loudly rather than silently use a default."""
    for name in params:
        if name not in known:
            raise SpecError(
                f"Unknown parameter. Known: {', '.join(sorted(known))}.", field=_field(str(name))
            )

"""Forms of the ops admin pages: they parse input; the services validate the domain rules."""

from __future__ import annotations

import re

from django import forms

from rollout.errors import RolloutError
from rollout.models import WORKFLOW_CHOICES, Audience
from signals.models import HandoffDesk, SignalCategory, Stakes


def add_service_errors(form: forms.Form, exc: RolloutError) -> None:
    """Put a service error's field messages on the form's fields (others: non-field)."""
    for name, messages in exc.fields.items():
        field = _form_field(name)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def _form_field(name: str) -> str:
    # engine/spec errors name a dotted path: "params.phrases[2]" → "phrases"
    name = re.sub(r"\[\d+\]$", "", name)
    return name.removeprefix("params.")


class AdvanceForm(forms.Form):
    to_phase = forms.IntegerField(min_value=2, max_value=4)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RollbackForm(forms.Form):
    to_phase = forms.IntegerField(min_value=1, max_value=3)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BudgetForm(forms.Form):
    max_agent_cues = forms.IntegerField(label="Agent cues per call (max)")
    cooldown_s = forms.IntegerField(label="Cool-down between agent cues (s)")
    reason = forms.CharField(required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(required=False)


class EnablementForm(forms.Form):
    enabled = forms.BooleanField(required=False)
    audience = forms.ChoiceField(choices=Audience.choices)
    threshold = forms.FloatField(required=False, min_value=0, max_value=1)
    agent_threshold = forms.FloatField(required=False, min_value=0, max_value=1)
    reason = forms.CharField(required=False)


class ForecastSourceForm(forms.Form):
    source = forms.CharField()
    transcripts = forms.FileField(required=False)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SignalForm(forms.Form):
    """A phrase/pattern signal (the detector ops admins define without code)."""

    key = forms.CharField(max_length=64, required=False)
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(choices=SignalCategory.choices)
    stakes = forms.ChoiceField(choices=Stakes.choices)
    default_threshold = forms.FloatField(min_value=0, max_value=1)
    cue_label = forms.CharField(max_length=60, help_text="A short visual label, never a script.")
    handoff_desk = forms.ChoiceField(choices=HandoffDesk.choices, required=False)
    phrases = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line."
    )
    patterns = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Regular expressions, one per line.",
    )
    speaker = forms.ChoiceField(
        choices=[("customer", "Customer"), ("agent", "Agent"), ("any", "Either")]
    )
    exclude = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Exclude phrases",
        help_text="One per line; a match in the same utterance vetoes the signal.",
    )
    active = forms.BooleanField(required=False, initial=True)
    reason = forms.CharField(required=False, label="Reason for the change")

    def __init__(self, *args: object, phrase: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not phrase:
            # a built-in detector: its parameters are code-defined
            for name in ("phrases", "patterns", "speaker", "exclude"):
                del self.fields[name]

    def service_fields(self) -> dict[str, object]:
        d = self.cleaned_data
        out: dict[str, object] = {
            k: d[k]
            for k in (
                "name",
                "description",
                "category",
                "stakes",
                "default_threshold",
                "cue_label",
                "handoff_desk",
                "active",
            )
        }
        out["handoff_desk"] = out["handoff_desk"] or ""
        if "phrases" in self.fields:
            out["detector"] = "phrase"
            out["params"] = {
                "phrases": _lines(d["phrases"]),
                "patterns": _lines(d["patterns"]),
                "speaker": d["speaker"],
                "exclude": _lines(d["exclude"]),
            }
        return out

    @classmethod
    def initial_for(cls, signal: object) -> dict[str, object]:
        params = dict(getattr(signal, "params", {}) or {})
        return {
            **{
                k: getattr(signal, k)
                for k in (
                    "key",
                    "name",
                    "description",
                    "category",
                    "stakes",
                    "default_threshold",
                    "cue_label",
                    "handoff_desk",
                    "active",
                )
            },
            "phrases": "\n".join(params.get("phrases", [])),
            "patterns": "\n".join(params.get("patterns", [])),
            "speaker": params.get("speaker", "customer"),
            "exclude": "\n".join(params.get("exclude", [])),
        }


class TryItForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One utterance per line, optionally prefixed agent: or customer:.",
    )
    direction = forms.ChoiceField(choices=[("inbound", "Inbound"), ("outbound", "Outbound")])
    workflows = forms.MultipleChoiceField(
        choices=[(w, w.upper()) for w in WORKFLOW_CHOICES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

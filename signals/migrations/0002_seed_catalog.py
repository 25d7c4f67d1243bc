"""Seed the eight catalog signals (DESIGN.md). Data is frozen here on purpose: later edits to the
catalog go through the signal services, not through this migration."""

from django.db import migrations

SEED = [
    ("frustration_spike", "Frustration spike", "emotion", "medium", 0.7,
     "Customer frustrated", "", "frustration_spike", {},
     "Customer sentiment drops sharply against the caller's own baseline."),
    ("sentiment_recovery", "Sentiment recovery", "emotion", "low", 0.7,
     "Customer recovering", "", "sentiment_recovery", {},
     "Sentiment comes back after a low (good news for triage)."),
    ("escalation_request", "Escalation request", "emotion", "high", 0.75,
     "Escalation requested", "", "intent", {"intent": "escalation"},
     "Customer asks for a manager, a supervisor or someone else."),
    ("disclosure_missing", "Outbound disclosure missing", "compliance", "high", 0.8,
     "Disclosure not given yet", "", "disclosure_window", {},
     "Outbound call: the required disclosure has not been given inside its window."),
    ("identity_verification_incomplete", "Identity not verified before PHI", "compliance", "high", 0.8,
     "Verify identity first", "", "identity_before_phi", {},
     "PHI workflow: protected information discussed before identity is verified."),
    ("tcpa_consent_missing", "TCPA consent missing", "compliance", "high", 0.8,
     "Consent not captured", "", "tcpa_consent", {},
     "TCPA-sensitive call: consent not captured before the consent-requiring step."),
    ("churn_intent", "Churn intent", "intent", "high", 0.75,
     "Churn risk — save desk available", "save", "intent", {"intent": "churn"},
     "Customer wants to cancel, leave or switch provider."),
    ("expansion_opportunity", "Expansion opportunity", "intent", "medium", 0.75,
     "Expansion — revenue desk available", "revenue", "intent", {"intent": "expansion"},
     "Customer wants more: an upgrade, more seats or lines."),
]


def seed(apps, schema_editor):
    Signal = apps.get_model("signals", "Signal")
    for key, name, category, stakes, threshold, label, desk, detector, params, desc in SEED:
        Signal.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "description": desc,
                "category": category,
                "stakes": stakes,
                "default_threshold": threshold,
                "cue_label": label,
                "handoff_desk": desk,
                "detector": detector,
                "params": params,
                "is_builtin": True,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("signals", "Signal").objects.filter(key__in=[s[0] for s in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

"""Seed the eight catalog signals (DESIGN.md) from ``signals.catalog`` — the one list the engine's
quality report, benchmarks and replay also read. Later edits go through the signal services."""

from django.db import migrations

DESCRIPTIONS = {
    "frustration_spike": "Customer sentiment drops sharply against the caller's own baseline.",
    "sentiment_recovery": "Sentiment comes back after a low (good news for triage).",
    "escalation_request": "Customer asks for a manager, a supervisor or someone else.",
    "disclosure_missing": "Outbound call: the required disclosure has not been given in its window.",
    "identity_verification_incomplete": (
        "PHI workflow: protected information discussed before identity is verified."
    ),
    "tcpa_consent_missing": (
        "TCPA-sensitive call: consent not captured before the consent-requiring step."
    ),
    "churn_intent": "Customer wants to cancel, leave or switch provider.",
    "expansion_opportunity": "Customer wants more: an upgrade, more seats or lines.",
}


def seed(apps, schema_editor):
    from signals.catalog import CATALOG

    Signal = apps.get_model("signals", "Signal")
    for entry in CATALOG:
        Signal.objects.update_or_create(
            key=entry["key"],
            defaults={
                "name": entry["name"],
                "description": DESCRIPTIONS.get(entry["key"], ""),
                "category": entry["category"],
                "stakes": entry["stakes"],
                "default_threshold": entry["default_threshold"],
                "cue_label": entry["cue_label"],
                "handoff_desk": entry["handoff_desk"],
                "detector": entry["detector"],
                "params": entry["params"],
                "is_builtin": True,
            },
        )


def unseed(apps, schema_editor):
    from signals.catalog import CATALOG

    apps.get_model("signals", "Signal").objects.filter(
        key__in=[entry["key"] for entry in CATALOG]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

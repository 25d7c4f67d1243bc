"""Seed the four phase policies (DESIGN.md defaults) and the three role groups."""

from django.db import migrations

POLICIES = [
    # phase, name, min, max, agents, max agent signals, categories, signals, min agent thr, reason, gates
    (1, "Leads only", 4, 6, False, 0, [], [], 0.0, False,
     {"min_feedback": 20, "min_useful_rate": 0.6}),
    (2, "Limited agent coaching", 6, 8, True, 2, ["compliance"], ["churn_intent"], 0.85, False,
     {"min_agent_prompts": 30, "max_dismiss_rate": 0.35, "min_acted_rate": 0.2}),
    (3, "Expanded set, tuned thresholds", 8, 12, True, None, [], [], 0.0, False,
     {"min_agent_prompts": 50, "max_dismiss_rate": 0.3}),
    (4, "Steady state", 0, None, True, None, [], [], 0.0, True, {}),
]

ROLES = ["ops_admin", "floor_lead", "agent"]


def seed(apps, schema_editor):
    PhasePolicy = apps.get_model("rollout", "PhasePolicy")
    for (phase, name, mn, mx, agents, max_sig, cats, sigs, thr, reason, gates) in POLICIES:
        PhasePolicy.objects.update_or_create(
            phase=phase,
            defaults={
                "name": name,
                "min_weeks": mn,
                "max_weeks": mx,
                "agents_allowed": agents,
                "max_agent_signals": max_sig,
                "agent_categories": cats,
                "agent_signals": sigs,
                "min_agent_threshold": thr,
                "changes_need_reason": reason,
                "gate_params": gates,
            },
        )
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def unseed(apps, schema_editor):
    apps.get_model("rollout", "PhasePolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("rollout", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, unseed)]

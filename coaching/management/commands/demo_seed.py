"""``manage.py demo_seed``: create the demo teams, people and history (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from coaching.demo import DEMO_PASSWORD, USERS, demo_seed


class Command(BaseCommand):
    help = "Create demo teams in the four phases, their people, enablements and history."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_seed()
        if result["teams"]:
            self.stdout.write(f"Created demo teams: {', '.join(result['teams'])}")
        else:
            self.stdout.write("Demo data already present.")
        self.stdout.write(f"\nLog in at http://127.0.0.1:8000/ (password for all: {DEMO_PASSWORD})")
        for user in USERS:
            self.stdout.write(f"  {user.username:<7} {user.description}")

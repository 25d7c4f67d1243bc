"""``manage.py create_integration NAME --teams SLUG[,SLUG] [--webhook-url URL]``: a new API key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coaching.errors import CoachingError
from coaching.services.integrations import integration_create
from rollout.audit import Actor


class Command(BaseCommand):
    help = "Create an API integration scoped to teams and print its key (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--teams", required=True, help="Comma-separated team slugs.")
        parser.add_argument("--webhook-url", default="")
        parser.add_argument(
            "--monitor-url-template", default="", help="e.g. https://pbx.example/monitor/{call_id}"
        )
        parser.add_argument("--rate-limit", type=int, default=6000, help="Requests per minute.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            integration, key = integration_create(
                name=options["name"],
                team_slugs=options["teams"].split(","),
                webhook_url=options["webhook_url"],
                monitor_url_template=options["monitor_url_template"],
                rate_limit_per_minute=options["rate_limit"],
                actor=Actor.system("manage.py create_integration"),
            )
        except CoachingError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        teams = ", ".join(integration.teams.order_by("slug").values_list("slug", flat=True))
        self.stdout.write(f"Integration {integration.name!r} for teams: {teams}")
        self.stdout.write("API key (shown once, store it now):")
        self.stdout.write(key)
        if integration.webhook_secret:
            self.stdout.write("Webhook signing secret (verify X-Coachplane-Signature with it):")
            self.stdout.write(integration.webhook_secret)

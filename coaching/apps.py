from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Forecasts on the rollout pages replay a team's recent stored calls; rollout cannot import
        # coaching (dependencies point coaching → rollout), so coaching offers them.
        from coaching.transcripts import recent_team_transcripts
        from rollout.forecast import register_transcript_source

        register_transcript_source(
            recent_team_transcripts, name="recent_calls", label="Recent calls (14 days)"
        )

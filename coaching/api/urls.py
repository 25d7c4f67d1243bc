"""API v1 routes (mounted under ``/api/v1/``)."""

from django.urls import path, re_path

from coaching.api import views
from coaching.api.errors import not_found

app_name = "coaching_api"

urlpatterns = [
    path("calls/", views.CallStartView.as_view(), name="call-start"),
    path("calls/<str:call_id>/events/", views.EventsIngestView.as_view(), name="call-events"),
    path("calls/<str:call_id>/end/", views.CallEndView.as_view(), name="call-end"),
    path("calls/<str:call_id>/prompts/", views.CallPromptsView.as_view(), name="call-prompts"),
    path("calls/<str:call_id>/handoffs/", views.HandoffRequestView.as_view(), name="call-handoffs"),
    path("calls/<str:call_id>/outcome/", views.CallOutcomeView.as_view(), name="call-outcome"),
    path(
        "prompts/<int:prompt_id>/response/",
        views.PromptResponseView.as_view(),
        name="prompt-response",
    ),
    path("ingest/contact-lens/", views.ContactLensIngestView.as_view(), name="ingest-contact-lens"),
    path("ingest/transcribe/", views.TranscribeIngestView.as_view(), name="ingest-transcribe"),
    path("ingest/google-ccai/", views.GoogleCcaiIngestView.as_view(), name="ingest-google-ccai"),
    path("ingest/twilio/", views.TwilioIngestView.as_view(), name="ingest-twilio"),
    # Anything else under /api/v1/ answers in the API's error shape, not Django's HTML page.
    re_path(r"^.*$", not_found, name="not-found"),
]

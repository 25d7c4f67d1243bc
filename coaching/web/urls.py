from django.urls import path

from coaching import streams
from coaching.web import views

app_name = "coaching_web"
urlpatterns = [
    path("", views.triage, name="triage"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("detections/<int:pk>/feedback/", views.detection_feedback, name="detection_feedback"),
    path("agent/", views.agent_panel, name="agent_panel"),
    path("agent/cues/<int:pk>/respond/", views.cue_respond, name="cue_respond"),
    path("agent/cues/<int:pk>/handoff/", views.cue_handoff, name="cue_handoff"),
    path("stream/", streams.team_stream, name="team_stream"),
    path("stream/agent/", streams.agent_stream, name="agent_stream"),
]

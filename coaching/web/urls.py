from django.urls import path

from coaching import streams

app_name = "coaching_web"
urlpatterns = [
    path("stream/", streams.team_stream, name="team_stream"),
    path("stream/agent/", streams.agent_stream, name="agent_stream"),
]

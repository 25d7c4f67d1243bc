from django.urls import path

from rollout.web import audit_views, views

app_name = "rollout_web"
urlpatterns = [
    path("", views.board, name="board"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("teams/<slug:slug>/", views.team_detail, name="team"),
    path("teams/<slug:slug>/advance/", views.team_advance, name="advance"),
    path("teams/<slug:slug>/rollback/", views.team_rollback, name="rollback"),
    path("teams/<slug:slug>/budget/", views.team_budget, name="budget"),
    path(
        "teams/<slug:slug>/requests/<int:pk>/<str:decision>/",
        views.request_decide,
        name="request_decide",
    ),
    path("teams/<slug:slug>/signals/<str:key>/", views.enablement_update, name="enablement"),
    path(
        "teams/<slug:slug>/signals/<str:key>/review/",
        views.enablement_review,
        name="enablement_review",
    ),
    path("teams/<slug:slug>/forecast/", views.forecast_create, name="forecast"),
    path("teams/<slug:slug>/forecast/<int:pk>/", views.forecast_detail, name="forecast_detail"),
]

"""The catalog pages, mounted at /catalog/ by config/urls.py under the ``signals_web`` namespace the
navigation uses. Their views live in rollout.web because they call rollout services."""

from django.urls import path

from rollout.web import catalog_views

app_name = "signals_web"
urlpatterns = [
    path("", catalog_views.catalog, name="catalog"),
    path("new/", catalog_views.signal_new, name="signal_new"),
    path("<str:key>/", catalog_views.signal_detail, name="signal"),
    path("<str:key>/try/", catalog_views.signal_try, name="signal_try"),
]

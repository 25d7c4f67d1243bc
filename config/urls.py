from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from coaching import streams
from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/stream/", streams.integration_stream, name="api-stream"),
    path("api/v1/", include("coaching.api.urls")),
    path("floor/", include("coaching.web.urls")),
    path("rollout/", include("rollout.web.urls")),
    path("catalog/", include("rollout.web.catalog_urls")),  # namespace signals_web
]

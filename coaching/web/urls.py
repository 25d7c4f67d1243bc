from django.urls import path  # noqa: F401

app_name = "coaching_web"
urlpatterns: list = []

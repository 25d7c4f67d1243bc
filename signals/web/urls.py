"""Unused: the catalog pages (namespace ``signals_web``) are served by ``rollout.web.catalog_urls``,
mounted at /catalog/ in config/urls.py, because their writes are rollout services and signals must
not import rollout."""

app_name = "signals_web_unused"
urlpatterns: list = []

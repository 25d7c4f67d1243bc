"""config.urls with placeholders for the floor pages' url names when the coaching web app does not
define them yet (base.html links to them). Used only by the autouse fixture in this conftest."""

from django.http import HttpResponse
from django.urls import include, path
from django.urls.resolvers import URLResolver

from config.urls import urlpatterns as config_patterns


def _placeholder(request):
    return HttpResponse("floor page placeholder")


_floor = (
    [
        path("", _placeholder, name="triage"),
        path("me/", _placeholder, name="agent_panel"),
    ],
    "coaching_web",
)

urlpatterns = [
    p for p in config_patterns if not (isinstance(p, URLResolver) and p.namespace == "coaching_web")
] + [path("floor/", include(_floor))]

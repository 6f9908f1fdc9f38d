"""The project's URLs plus `/bench/trivial/`, a view that returns a tiny response (lookup benchmark only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    """Return two bytes: the cost of Django, its middleware and gunicorn alone."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), path("", include("motcua.urls"))]

"""The project's URLs plus two bench-only views for the lookup benchmark's reference points.

- `/bench/trivial/` returns two bytes: the cost of Django, its middleware and gunicorn alone;
- `/bench/floor/<secret>/` does what any status look-up must do before it shows anything (the rate-limit
  check and the dossier's row found by its secret: two indexed SELECTs) and answers with the code in a
  page-sized body, without rendering a page: the most a lookup could reach on this machine.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from motcua.dossiers.lookup import lookup_client, lookup_throttled
from motcua.dossiers.models import Dossier

PAGE_SIZE = 9000  # bytes, about the status page's


def trivial(request: HttpRequest) -> HttpResponse:
    """Return two bytes: the cost of Django, its middleware and gunicorn alone."""
    return HttpResponse(b"ok", content_type="text/plain")


def floor(request: HttpRequest, secret: str) -> HttpResponse:
    """Check the rate limit, find the dossier by its secret, answer its code padded to a page's size."""
    if lookup_throttled(lookup_client(request)):
        return HttpResponse(status=429)
    code = Dossier.objects.filter(lookup_secret=secret).order_by().values_list("code", flat=True).first()
    if code is None:
        raise Http404
    return HttpResponse(code.encode().ljust(PAGE_SIZE), content_type="text/html")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/floor/<str:secret>/", floor),
    path("", include("motcua.urls")),
]

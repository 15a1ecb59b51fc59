"""Kototori's URLs plus ``/bench/bare/``: a view that does nothing but return a small page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kototori.access import public
from kototori.urls import urlpatterns as kototori_urlpatterns

BARE_PAGE = b"<!doctype html><html lang=en><title>bare</title><p>A bare Django view.</p></html>"


@public
def bare(request: HttpRequest) -> HttpResponse:
    """Same middleware, same ATOMIC_REQUESTS, same gunicorn: only the view's own work is gone."""
    return HttpResponse(BARE_PAGE)


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *kototori_urlpatterns]

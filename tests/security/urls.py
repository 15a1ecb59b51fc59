"""Test-only views, mounted beside the real URLs with ``@pytest.mark.urls("tests.security.urls")``."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import Context, Template
from django.urls import path

from kototori.access import Perm, hub_permission_required, public
from kototori.audit import log_person_access
from kototori.models import User
from kototori.urls import urlpatterns as real_urlpatterns


@public
def plain_public(request):
    return HttpResponse("public page")


@public
def with_nonce(request):
    template = Template('<script nonce="{{ request.csp_nonce }}" src="/static/x.js"></script>')
    return HttpResponse(template.render(Context({"request": request})))


@public
def idle_page(request):
    seconds = request.GET.get("s", "1")
    return HttpResponse(
        f'<!doctype html><html><body><main data-idle-reset="{int(seconds)}" '
        'data-idle-url="/test/public/"><input name="q"></main>'
        '<script src="/static/js/idle-reset.js" defer></script></body></html>'
    )


@hub_permission_required(Perm.VISITOR_VIEW)
def person(request, hub, pk):
    """Stands for any page that shows a person: it changes something, logs the access, renders."""
    shown = User.objects.get(pk=pk)
    User.objects.filter(pk=pk).update(full_name=shown.full_name + " (seen)")
    log_person_access(request, hub=hub, subjects=[shown], purpose="test")
    return HttpResponse(f"Person: {shown.full_name}")


urlpatterns = [
    path("test/public/", plain_public),
    path("test/nonce/", with_nonce),
    path("test/idle/", idle_page),
    path("test/h/<slug:hub>/person/<int:pk>/", person),
    *real_urlpatterns,
]

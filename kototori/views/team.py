"""The hub manager's team page: who has which role here, invitations, removals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kototori.access import Perm, hub_permission_required
from kototori.forms import InviteForm
from kototori.models import Membership
from kototori.services import membership_invite, membership_remove

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from kototori.models import Hub


@hub_permission_required(Perm.HUB_MANAGE)
def team(request: HttpRequest, hub: Hub) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership, created = membership_invite(
            hub=hub, invited_by=request.user, **form.cleaned_data
        )
        if created:
            messages.success(
                request, _("%(email)s was invited.") % {"email": membership.user.email}
            )
        else:
            messages.info(
                request, _("%(email)s already has that role.") % {"email": membership.user.email}
            )
        return redirect("team", hub=hub.slug)
    members = (
        Membership.objects.filter(hub=hub, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    return render(
        request,
        "kototori/team.html",
        {"hub": hub, "form": form, "members": members},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@hub_permission_required(Perm.HUB_MANAGE)
def team_remove(request: HttpRequest, hub: Hub, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, hub=hub, is_active=True)
    if membership.user_id == request.user.pk and membership.role == "manager":
        messages.error(request, _("You can't remove your own manager role."))
    else:
        membership_remove(membership=membership)
        messages.success(
            request, _("%(email)s no longer has that role here.") % {"email": membership.user.email}
        )
    return redirect("team", hub=hub.slug)

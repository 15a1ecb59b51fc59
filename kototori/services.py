"""Writes of the core that touch several models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .messaging import message_enqueue
from .models import Channel, Hub, Membership, User

if TYPE_CHECKING:
    from django.db.models import Model
    from django.forms import BaseInlineFormSet, ModelForm


@transaction.atomic
def membership_invite(
    *,
    hub: Hub,
    email: str,
    full_name: str,
    role: str,
    preferred_language: str,
    invited_by: User,
    review_languages: list[str] | None = None,
) -> tuple[Membership, bool]:
    """Give ``email`` a role in ``hub``, creating the account if needed, and e-mail a link to set a
    password. Returns ``(membership, created)``; inviting twice to the same role changes nothing
    (a reviewer's languages are changed on the translations app's reviewers page)."""
    user, user_created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "preferred_language": preferred_language}
    )
    if user_created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership, created = Membership.objects.get_or_create(
        user=user,
        hub=hub,
        role=role,
        defaults={"invited_by": invited_by, "review_languages": review_languages or []},
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.ended_at = None
        membership.review_languages = review_languages or membership.review_languages
        membership.save(update_fields=["is_active", "ended_at", "review_languages"])
        created = True
    if created:
        key = default_token_generator.make_token(user)
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
        )
        with translation.override(user.preferred_language):
            body = render_to_string(
                "kototori/email/invitation.txt",
                {
                    "user": user,
                    "hub": hub,
                    "membership": membership,
                    "link": settings.SITE_URL + path,
                    "has_password": user.has_usable_password(),
                },
            )
            subject = str(
                translation.gettext("Your Kototori account at %(hub)s") % {"hub": hub.name}
            )
        message_enqueue(
            key=f"invite:{membership.pk}:{timezone.now().timestamp():.0f}",
            channel=Channel.EMAIL,
            to=user.email,
            subject=subject,
            body=body,
            language=user.preferred_language,
            hub=hub,
        )
    return membership, created


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Takes effect on the user's next request: memberships are read afresh for every request."""
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])


@transaction.atomic
def partner_save(*, form: ModelForm, formsets: list[BaseInlineFormSet]) -> Model:
    partner = form.save()
    for formset in formsets:
        formset.instance = partner
        formset.save()
    return partner

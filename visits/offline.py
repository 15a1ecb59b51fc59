"""Visits logged on a device without network, saved when it is back online (``kototori.offline``
has the protocol). Each visit goes through the desk's own form rules and ``visit_log`` with the
device's key, so a visit sent twice is logged once."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kototori.models import Language, Topic
from kototori.offline import ItemResult, Refused, Status, form_errors_text, item_key

from .forms import VisitForm
from .models import Visit
from .services import visit_log

if TYPE_CHECKING:
    from kototori.models import Hub, User


class OfflineVisitForm(VisitForm):
    """The desk's visit form, fed from a device's queue: the same choices and the same rule for
    the time (not in the future, not older than the desk allows), but the time is required — it
    is when the visit was logged on the device, not when it reaches us — the visit is served by
    whoever logged it, and topics and language arrive as ids checked against lists loaded once
    per batch (no query per item)."""

    topics = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Topics"),
        coerce=int,
        error_messages={"required": gettext_lazy("Pick at least one topic.")},
    )
    language = forms.TypedChoiceField(
        label=gettext_lazy("Language used"), coerce=int, required=False, empty_value=None
    )
    visited_at = forms.DateTimeField(label=gettext_lazy("Time"))
    served_by = None
    key = None

    def __init__(self, data: dict, *, topics: dict[int, Topic], languages: dict[int, Language]):
        super().__init__(data)
        self.fields["topics"].choices = [(pk, topic.name) for pk, topic in topics.items()]
        self.fields["language"].choices = [("", "—")] + [
            (pk, language.name) for pk, language in languages.items()
        ]


class VisitBatch:
    """One batch of queued visits from one user: the reference lists and the keys already saved
    are read once, then each new visit costs one ``visit_log`` call."""

    def __init__(self, *, user: User, hubs: list[Hub], items: list) -> None:
        self.user = user
        self.hubs = {hub.slug: hub for hub in hubs}
        self.topics = {topic.pk: topic for topic in Topic.objects.filter(is_active=True)}
        self.languages = {language.pk: language for language in Language.objects.all()}
        keys = []
        for item in items:
            with contextlib.suppress(Refused):
                keys.append(item_key(item))
        self.saved = {
            (hub_id, key): pk
            for pk, hub_id, key in Visit.objects.filter(
                hub__in=self.hubs.values(), idempotency_key__in=keys
            ).values_list("pk", "hub_id", "idempotency_key")
        }

    def apply(self, item: dict, key: str) -> ItemResult:
        hub = self.hubs.get(str(item.get("hub", "")))
        if hub is None:
            raise Refused(
                "hub",
                _(
                    "You no longer log visits for this hub, so this visit can't be saved. "
                    "Ask your hub manager if that is a mistake."
                ),
            )
        saved = self.saved.get((hub.pk, key))
        if saved is not None:
            return ItemResult(key, Status.DUPLICATE, url=self._url(hub, saved))
        form = OfflineVisitForm(item, topics=self.topics, languages=self.languages)
        if not form.is_valid():
            raise Refused("invalid", form_errors_text(form))
        data = form.cleaned_data
        visit, created = visit_log(
            hub=hub,
            user=self.user,
            topics=[self.topics[pk] for pk in data["topics"]],
            channel=data["channel"],
            language=self.languages.get(data["language"]) if data["language"] else None,
            language_help=data["language_help"],
            outcome=data["outcome"],
            note=data["note"],
            visited_at=data["visited_at"],
            idempotency_key=key,
        )
        self.saved[hub.pk, key] = visit.pk
        status = Status.CREATED if created else Status.DUPLICATE
        return ItemResult(key, status, url=self._url(hub, visit.pk))

    @staticmethod
    def _url(hub: Hub, pk: int) -> str:
        return reverse("visits:visit_detail", kwargs={"hub": hub.slug, "pk": pk})

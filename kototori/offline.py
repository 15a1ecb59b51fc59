"""The sync protocol of the offline front-desk app, shared by its visit and attendance endpoints.

A tablet at an outreach pop-up logs visits and check-ins without network and sends them later as
one JSON batch, ``{"items": [{"key": "<UUID made on the device>", "hub": "<slug>", ...}, ...]}``.
Every item gets its own answer, in the order sent:

- ``created``: saved now;
- ``duplicate``: that key was saved before, so nothing new was written (a resent batch, a second
  tab, a response lost on the way back);
- ``refused``: it can't be saved, and sending it again won't change that; ``reason`` says why in
  the user's language and the device keeps the item on screen until the user dismisses it;
- ``error``: the server failed on it; the device keeps it and tries again later.

Each item is saved in its own transaction (the views are ``non_atomic_requests``), so a batch cut
off half way is simply sent again: what was saved answers ``duplicate``.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.http import JsonResponse
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# One request stays short (each item takes a row lock or two): the app sends its queue in batches
# of at most this many items, and the server refuses a bigger batch whole.
MAX_BATCH_ITEMS = 50
MAX_BATCH_BYTES = 128 * 1024


class Status(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    ERROR = "error"


@dataclass(frozen=True)
class ItemResult:
    key: str
    status: Status
    reason: str = ""
    code: str = ""
    url: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"key": self.key, "status": str(self.status)}
        if self.reason:
            data["reason"] = self.reason
        if self.code:
            data["code"] = self.code
        if self.url:
            data["url"] = self.url
        return data


class Refused(Exception):
    """This item can't be saved; ``reason`` is shown to the user as it is."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason


class BadBatch(Exception):
    """The request as a whole is not a batch we accept (not JSON, too big, no item list)."""


def batch_items(request: HttpRequest) -> list[Any]:
    """The items of the batch in ``request``'s JSON body; raises ``BadBatch``."""
    if len(request.body) > MAX_BATCH_BYTES:
        raise BadBatch(
            _("Too much at once: send at most %(count)s items per batch.")
            % {"count": MAX_BATCH_ITEMS}
        )
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBatch(_("The request is not valid JSON.")) from exc
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise BadBatch(_("The request has no list of items."))
    if len(items) > MAX_BATCH_ITEMS:
        raise BadBatch(
            _("Too much at once: send at most %(count)s items per batch.")
            % {"count": MAX_BATCH_ITEMS}
        )
    return items


def bad_batch(error: BadBatch) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


def item_key(item: Any) -> str:
    """The item's client-made key as a canonical UUID string; raises ``Refused``."""
    try:
        return str(uuid.UUID(str(item["key"])))
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise Refused("invalid", _("This item has no valid key.")) from exc


def sync_each(items: list[Any], apply: Callable[[dict, str], ItemResult]) -> list[dict]:
    """Answer every item in order: ``apply(item, key)`` saves one item (in its own transaction)
    and returns its result or raises ``Refused``. An unexpected failure of one item is logged
    (by key, never its content) and answered ``error``, and the next items still go through."""
    results = []
    for item in items:
        key = str(item.get("key", ""))[:64] if isinstance(item, dict) else ""
        try:
            if not isinstance(item, dict):
                raise Refused("invalid", _("This item is not readable."))
            key = item_key(item)
            result = apply(item, key)
        except Refused as refusal:
            result = ItemResult(key, Status.REFUSED, refusal.reason, refusal.code)
        except Exception:  # one broken item must not keep the rest of the queue from syncing
            logger.exception("offline sync: item %s failed", key)
            result = ItemResult(
                key,
                Status.ERROR,
                _("The server could not save this item. It stays on the device and is sent again."),
                "error",
            )
        results.append(result.as_json())
    return results


def form_errors_text(form: Any) -> str:
    """A form's errors as one line for the device's list: "Topics: Pick at least one topic."."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        parts.append(label + " ".join(str(error) for error in errors))
    return " ".join(parts)

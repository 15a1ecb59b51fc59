"""Retention rules of the front desk's own records (see ``kototori.retention`` for the pattern).

Visitor records, visits, referrals and cases follow the hub's own periods in ``kototori.rights``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from kototori.retention import Rule

from .models import DataRequest

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

# How long a handled request keeps who asked and what was said: long enough to show, if the person
# or the supervisory authority asks, that the request was answered (art. 5(2)), then only counts.
DATA_REQUEST_KEEP = timedelta(days=365)


def _handled_data_requests(now: datetime) -> QuerySet:
    return DataRequest.objects.closed().filter(handled_at__lt=now - DATA_REQUEST_KEEP)


RULES = [
    Rule(
        "data-request-contents",
        _handled_data_requests,
        anonymise={
            "name": "",
            "phone": "",
            "email": "",
            "message": "",
            "staff_note": "",
            "visitor": None,
        },
    ),
]

from datetime import datetime

import pytest
from django.utils import timezone


def add_visits(hub, year: int, month: int, *, day: int = 10, **per_channel: int) -> None:
    """``per_channel`` visits of ``hub`` on one day (``walk_in=120, phone=3``), in one INSERT."""
    from visits.models import Visit

    at = timezone.make_aware(datetime(year, month, day, 12))
    Visit.objects.bulk_create(
        Visit(hub=hub, visited_at=at, day=at.date(), channel=channel)
        for channel, n in per_channel.items()
        for _ in range(n)
    )


@pytest.fixture
def fixed_section(hub):
    """Visits with known channels, so the view and exports can be checked cell by cell:
    October 2026 walk-in 120, phone 3, outreach 30; September 100, 20, 2."""
    add_visits(hub, 2026, 10, walk_in=120, phone=3, outreach=30)
    add_visits(hub, 2026, 9, walk_in=100, phone=20, outreach=2)

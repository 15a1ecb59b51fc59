import pytest

from kototori.reports import builder
from kototori.reports.builder import Figures


@pytest.fixture
def fixed_section():
    """A section with known figures, so the view and exports can be checked cell by cell."""

    def provider(hub_ids, period):
        if period.start.month == 10:
            values = [
                ("walk_in", "Walk-in", 120),
                ("phone", "Telephone", 3),
                ("outreach", "Outreach", 30),
            ]
        else:
            values = [
                ("walk_in", "Walk-in", 100),
                ("phone", "Telephone", 20),
                ("outreach", "Outreach", 2),
            ]
        return [
            Figures(
                key="test_channels",
                title="Visits by channel",
                values=values,
                total=sum(v for _k, _l, v in values),
                total_label="All visits",
                additive=True,
            )
        ]

    builder.section("zz_test", "Test section", order=999)(provider)
    yield
    builder.SECTIONS.pop("zz_test", None)

"""Reading a rendered page the way assistive technology does: which ids it holds, and which field
each label names."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []
        self.described_by: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids[values["id"]] += 1
        if tag == "label" and values.get("for"):
            self.label_targets.append(values["for"])
        for name in ("aria-describedby", "aria-labelledby"):
            self.described_by.extend((values.get(name) or "").split())


def _read(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def duplicate_ids(html: str) -> list[str]:
    """Ids that appear more than once: a label or an error then points at the wrong field."""
    return sorted(id_ for id_, count in _read(html).ids.items() if count > 1)


def dangling_references(html: str) -> list[str]:
    """Label ``for`` and ``aria-*by`` values that name no element of the page."""
    page = _read(html)
    return sorted({ref for ref in page.label_targets + page.described_by if ref not in page.ids})

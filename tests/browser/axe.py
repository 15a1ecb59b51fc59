"""axe-core in the browser tests: inject the vendored engine, run it, and describe what it found.

The engine is added to a browser context as an init script (it runs through the DevTools protocol,
so the pages keep their real Content-Security-Policy); ``axe_check(page)`` then runs it on the page
as it is now and returns the serious and critical violations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


def axe_version() -> str:
    banner = AXE_JS.read_text(encoding="utf-8")[:200]
    match = re.search(r"axe v([\d.]+)", banner)
    assert match, "tests/browser/vendor/axe-core/axe.min.js has no version banner"
    return match.group(1)


def add_axe(context: BrowserContext) -> None:
    context.add_init_script(path=str(AXE_JS))


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    target: str
    html: str
    summary: str

    def __str__(self) -> str:
        return (
            f"{self.page}\n  [{self.impact}] {self.rule}: {self.help}\n"
            f"    element: {self.target}\n    html: {self.html}\n    {self.summary}"
        )


def axe_check(page: Page, label: str) -> list[Violation]:
    """Run every axe rule (WCAG 2.0–2.2 A/AA and best practices) on the page; return the serious
    and critical violations, one per element. ``label`` names the page in the report."""
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "), html: n.html, summary: n.failureSummary || "",
                })),
            }));
        }"""
    )
    found = []
    for rule in results:
        if rule["impact"] not in FAILING_IMPACTS:
            continue
        for node in rule["nodes"]:
            found.append(
                Violation(
                    page=label,
                    rule=rule["id"],
                    impact=rule["impact"],
                    help=rule["help"],
                    target=node["target"],
                    html=node["html"][:200],
                    summary=" ".join(node["summary"].split())[:300],
                )
            )
    return found


def report(violations: list[Violation]) -> str:
    return f"{len(violations)} serious or critical axe-core {axe_version()} violation(s):\n" + (
        "\n".join(str(v) for v in violations)
    )

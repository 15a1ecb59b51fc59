"""Helpers for keyboard-only browser tests: move with Tab, and check at every stop that the focus
can be seen (WCAG 2.4.7, with the contrast of 1.4.11) and that touch targets are big enough."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# Describes the focused element and its focus indicator. An input drawn as a chip or pictogram is
# visually hidden: its label carries the indicator. The indicator is an outline or a box-shadow
# ring at least 2 px wide whose colour has 3:1 contrast with the colour around the element.
_FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = (s) => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = (node) => { for (let n = node; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  let target = el;
  const box = el.getBoundingClientRect();
  if (box.width <= 2 || box.height <= 2 || getComputedStyle(el).opacity === "0") {
    target = el.closest("label") || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el;
  }
  const style = getComputedStyle(target);
  const rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) rings.push(rgb(style.outlineColor));
  for (const shadow of (style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\\))/))) {
    const lengths = shadow.replace(/rgba?\\([^)]*\\)/, "").trim().split(/\\s+/).map(parseFloat);
    if (lengths.length >= 4 && lengths[3] >= 2) rings.push(rgb(shadow));
  }
  const around = background(target.parentElement);
  const best = Math.max(0, ...rings.filter(Boolean).map((c) => contrast(c, around)));
  const rect = target.getBoundingClientRect();
  return {
    element: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.name ? "[name=" + el.name + "]" : ""}`,
    text: (target.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40),
    contrast: Math.round(best * 100) / 100,
    indicator: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} | ${style.boxShadow}`,
    visible: rect.width > 2 && rect.height > 2,
  };
}"""


def focused(page: Page) -> dict | None:
    """The focused element and the contrast of its focus indicator (``None``: nothing focused)."""
    return page.evaluate(_FOCUS_JS)


def assert_focus_visible(page: Page) -> dict:
    info = focused(page)
    assert info is not None, "nothing has the keyboard focus"
    assert info["visible"], f"the focus is on something nobody can see: {info}"
    assert info["contrast"] >= 3, f"the focus indicator can hardly be seen: {info}"
    return info


def tab_to(page: Page, target: Locator, *, limit: int = 40, key: str = "Tab") -> list[dict]:
    """Press Tab until ``target`` has the focus, checking the focus indicator at every stop.
    Returns the stops, so a test can also say what came on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        stops.append(assert_focus_visible(page))
        if target.evaluate("el => el === document.activeElement"):
            return stops
    raise AssertionError(f"{target} was not reached in {limit} presses of {key}: {stops}")


# Every target a finger can press on the page, with its size in CSS pixels. A visually hidden input
# is pressed through its label, so the label is measured.
_TARGETS_JS = """() => {
  const seen = new Set(); const out = [];
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])")) {
    if (el.closest(".hp-field, .field:has(> .hp-field)") || el.tabIndex < 0) continue;
    let target = el;
    const r = el.getBoundingClientRect();
    if (r.width <= 2 || r.height <= 2 || getComputedStyle(el).opacity === "0") {
      target = el.closest("label") || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el;
    }
    if (seen.has(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    // Skipped: what is not drawn, and what sits above the page until focused (the skip link).
    if (getComputedStyle(target).visibility === "hidden" || (box.width === 0 && box.height === 0)
        || box.bottom + window.scrollY <= 0) continue;
    out.push({element: target.outerHTML.slice(0, 90), width: Math.round(box.width * 10) / 10,
              height: Math.round(box.height * 10) / 10});
  }
  return out;
}"""


def touch_targets(page: Page) -> list[dict]:
    return page.evaluate(_TARGETS_JS)


def small_targets(page: Page, minimum: float = 44) -> list[dict]:
    return [t for t in touch_targets(page) if t["width"] < minimum or t["height"] < minimum]

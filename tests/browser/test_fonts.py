"""Fonts served by the app: every visitor language shows in its own script on any device.

A "bare" Chromium is started with a fontconfig that knows one basic Latin font and nothing else,
like a kiosk tablet without Ethiopic or Arabic fonts. On it, the renderer is asked which font drew
each piece of text (DevTools ``CSS.getPlatformFontsForNode``): every glyph must come from a font the
app served; a glyph drawn from the device's font is a box. A screenshot comparison says the same in
pixels: the text drawn in the page's fonts must differ from the same text forced into the basic
Latin font (where every Tigrinya or Arabic letter is a box). Without the served fonts the check
fails (the last tests), so it is not vacuous.

The files themselves are checked without a browser: every character the catalogues and the
templates need is in a served face, and each face holds every character its unicode-range promises
(a promised character the file lacks would be drawn as a box, not looked up elsewhere).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from fontTools import subset as ft
from fontTools.ttLib import TTFont

from kototori.models import Language
from kototori.reference_data import TOPICS
from tests.conftest import CHROMIUM_ARGS
from tests.events.factories import EventFactory, FeedbackFactory
from tests.factories import HubFactory

ROOT = Path(settings.BASE_DIR)
FONTS_CSS = ROOT / "static" / "css" / "fonts.css"
FONTS = ROOT / "static" / "fonts"
NOTO = Path("/usr/share/fonts/truetype/noto")
VISITOR_LANGUAGES = list(settings.VISITOR_LANGUAGES)
REBUILD = (
    "run .venv/bin/python scripts/build_fonts.py and commit static/fonts and static/css/fonts.css"
)


# The files


def font_faces() -> list[dict]:
    """The @font-face rules of fonts.css: family, weight, file and the code points of its range."""
    faces = []
    for block in re.findall(r"@font-face\s*{(.*?)}", FONTS_CSS.read_text(encoding="utf-8"), re.S):
        points: set[int] = set()
        for span in re.search(r"unicode-range:\s*([^;]+);", block).group(1).split(","):
            first, _, last = span.strip().removeprefix("U+").partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
        faces.append(
            {
                "family": re.search(r'font-family:\s*"([^"]+)"', block).group(1),
                "weight": re.search(r"font-weight:\s*([^;]+);", block).group(1),
                "file": re.search(r'url\("\.\./fonts/([^"]+)"\)', block).group(1),
                "range": points,
            }
        )
    return faces


def served(family: str = "Kototori Sans", weight: str = "400") -> set[int]:
    return {
        p for f in font_faces() if f["family"] == family and f["weight"] in (weight, "100 900")
        for p in f["range"]
    }  # fmt: skip


def _po_msgstrs(lang: str) -> str:
    from tests.kototori.test_translations import catalogue

    return "\n".join(text for entry in catalogue(lang)[1] for text in entry.msgstr.values())


def test_each_face_holds_every_character_its_unicode_range_promises():
    for face in font_faces():
        have = set(TTFont(FONTS / face["file"]).getBestCmap())
        missing = face["range"] - have
        assert not missing, f"{face['file']} lacks {''.join(map(chr, sorted(missing)))}: {REBUILD}"
    assert (FONTS / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1


@pytest.mark.parametrize("lang", VISITOR_LANGUAGES)
def test_every_character_of_the_catalogue_and_the_visitor_texts_is_in_a_served_font(lang):
    from tests.kototori.test_translations import TEMPLATES, VISITOR_TEMPLATES

    text = _po_msgstrs(lang)
    text += "".join(names.get(lang, "") for *_rest, names in TOPICS)  # the kiosk's topics
    # Pages, not messages: an e-mail or a text message is drawn by the phone's own fonts.
    for pattern in VISITOR_TEMPLATES:
        for path in TEMPLATES.glob(pattern):
            if path.suffix == ".html":
                text += path.read_text(encoding="utf-8")
    needed = {ord(ch) for ch in text if not ch.isspace() and ord(ch) >= 0x20}
    for weight in ("400", "700"):
        missing = needed - served(weight=weight)
        assert not missing, (
            f"{lang} {weight}: no served font has {''.join(map(chr, sorted(missing)))}: {REBUILD}"
        )


def test_the_language_names_are_all_in_the_small_names_font():
    from django.utils.translation import get_language_info

    names = "".join(get_language_info(code)["name_local"] for code in VISITOR_LANGUAGES)
    non_latin = {ord(ch) for ch in names if ord(ch) >= 0x250}
    assert non_latin and non_latin <= served("Kototori Names")


# The bare browser


@pytest.fixture(scope="session")
def bare_browser(playwright, tmp_path_factory):
    """Chromium whose only font is a basic Latin one (Noto Sans cut to Latin-1, renamed), with a
    visible box for a missing glyph, as on a device that has no other fonts."""
    home = tmp_path_factory.mktemp("bare-fonts")
    (home / "fonts").mkdir()
    options = ft.Options()
    options.notdef_outline = True  # a missing glyph is drawn as a box
    options.name_IDs = ["*"]
    font = ft.load_font(str(NOTO / "NotoSans-Regular.ttf"), options)
    subsetter = ft.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x100))
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "Bare Latin"
        elif record.nameID == 6:
            record.string = "BareLatin-Regular"
    ft.save_font(font, str(home / "fonts" / "BareLatin.ttf"), options)
    (home / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{home / 'fonts'}</dir>\n  <cachedir>{home / 'cache'}</cachedir>\n"
        "</fontconfig>\n"
    )
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(home / "fonts.conf"), "HOME": str(home)},
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def bare_context(bare_browser):
    context = bare_browser.new_context(viewport={"width": 1024, "height": 900})
    yield context
    context.close()


@pytest.fixture
def bare_page(bare_context):
    bare_context.clear_cookies()
    page = bare_context.new_page()
    yield page
    page.close()


# After the fonts a page asked for have loaded, and the ones its layout then asks for.
_FONTS_SETTLED = """async () => {
  for (let i = 0; i < 40; i++) {
    await document.fonts.ready;
    document.body.getBoundingClientRect();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    if (document.fonts.status === "loaded" && ![...document.fonts].some((f) => f.status === "loading")) return;
  }
}"""


def glyphs_not_from_served_fonts(page) -> list[str]:
    """Every text on the page whose glyphs were drawn (partly) with a font of the device."""
    page.evaluate(_FONTS_SETTLED)
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": False})["root"]
        offenders = []

        def walk(node: dict) -> None:
            if node.get("nodeName") in ("SCRIPT", "STYLE", "TITLE", "HEAD", "OPTION", "SELECT"):
                return
            children = node.get("children", [])
            text = "".join(
                c.get("nodeValue", "") for c in children if c.get("nodeType") == 3
            ).strip()
            if text:
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
                theirs = [f["familyName"] for f in fonts if not f["isCustomFont"]]
                if theirs:
                    offenders.append(
                        f"<{node['nodeName'].lower()}> {text[:60]!r} drawn with {theirs}"
                    )
            for child in children:
                walk(child)

        walk(root)
        return offenders
    finally:
        cdp.detach()


def text_differs_from_the_basic_latin_font(page, selector: str) -> bool:
    """Screenshot the element as the page draws it, then with its font forced to the device's basic
    Latin font: identical pictures mean the page drew the same boxes as that font does."""
    element = page.locator(selector).first
    served_shot = element.screenshot(animations="disabled")
    element.evaluate("el => el.style.setProperty('font-family', '\"Bare Latin\"', 'important')")
    page.evaluate(_FONTS_SETTLED)
    bare_shot = element.screenshot(animations="disabled")
    element.evaluate("el => el.style.removeProperty('font-family')")
    return served_shot != bare_shot


def _names(lang: str) -> list[str]:
    return [names[lang] for _key, _pic, _pro, names in TOPICS if lang in names]


@pytest.fixture
def visitor_world(transactional_db):
    hub = HubFactory(slug="hervanta", name="Hervanta")
    # Event text in every visitor language, written in its script (the topic names serve).
    titles = {f"title_{lang}": _names(lang)[0] for lang in VISITOR_LANGUAGES}
    summaries = {f"summary_{lang}": " · ".join(_names(lang)[1:4]) for lang in VISITOR_LANGUAGES}
    event = EventFactory(hub=hub, **titles, **summaries)
    event.languages.set(Language.objects.filter(code__in=VISITOR_LANGUAGES))
    past = EventFactory(
        hub=hub,
        **titles,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    FeedbackFactory(event=past)
    return {"hub": hub, "event": event, "past_event": past}


def _visitor_pages(world, lang: str) -> dict[str, str]:
    hub = world["hub"]
    return {
        "kiosk": f"/kiosk/{hub.kiosk_token}/{lang}/",
        "event": world["event"].get_absolute_url() + f"?lang={lang}",
        "data request": reverse("visits:data_request", args=[hub.slug]) + f"?lang={lang}",
        "feedback": reverse("events:feedback_form", args=[hub.slug, world["past_event"].pk])
        + f"?lang={lang}",
    }


@pytest.mark.browser
@pytest.mark.parametrize("lang", VISITOR_LANGUAGES)
def test_on_a_bare_browser_the_visitor_pages_show_the_language_in_its_own_script(
    lang, visitor_world, bare_page, live_server
):
    offenders = []
    for name, path in _visitor_pages(visitor_world, lang).items():
        bare_page.goto(live_server.url + path)
        offenders += [f"{name}: {o}" for o in glyphs_not_from_served_fonts(bare_page)]
    assert offenders == [], "drawn with the device's font (boxes):\n" + "\n".join(offenders)


@pytest.mark.browser
def test_on_a_bare_browser_the_kiosk_lists_every_language_in_its_own_script(
    visitor_world, bare_page, live_server
):
    bare_page.goto(f"{live_server.url}/kiosk/{visitor_world['hub'].kiosk_token}/")
    assert glyphs_not_from_served_fonts(bare_page) == []
    for code in ("ti", "ar", "uk", "ckb"):
        assert text_differs_from_the_basic_latin_font(bare_page, f"a[hreflang={code}]"), code


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ti", "ar"])
def test_a_screenshot_in_tigrinya_and_arabic_shows_letters_not_boxes(
    lang, visitor_world, bare_page, live_server, tmp_path
):
    pages = _visitor_pages(visitor_world, lang)
    bare_page.goto(live_server.url + pages["kiosk"])
    bare_page.evaluate(_FONTS_SETTLED)
    bare_page.screenshot(path=tmp_path / f"kiosk-{lang}.png", full_page=True)
    for selector in ("legend", ".pictogram-choice span", ".kiosk-submit"):
        assert text_differs_from_the_basic_latin_font(bare_page, selector), selector
    bare_page.goto(live_server.url + pages["feedback"])
    bare_page.evaluate(_FONTS_SETTLED)
    for selector in ("h1", "legend", ".smiley-choice span"):
        assert text_differs_from_the_basic_latin_font(bare_page, selector), selector


@pytest.mark.browser
def test_without_the_served_fonts_the_bare_browser_shows_boxes_and_the_checks_say_so(
    visitor_world, bare_page, live_server
):
    """The control: the same checks on the same page fail when fonts.css is not served."""
    bare_page.route(
        "**/css/fonts.css", lambda route: route.fulfill(body="", content_type="text/css")
    )
    bare_page.goto(f"{live_server.url}/kiosk/{visitor_world['hub'].kiosk_token}/ti/")
    offenders = glyphs_not_from_served_fonts(bare_page)
    assert any("Bare Latin" in o and ("legend" in o or "h1" in o) for o in offenders), offenders
    assert not text_differs_from_the_basic_latin_font(bare_page, "legend")


@pytest.mark.browser
def test_a_finnish_page_downloads_only_the_latin_fonts_and_an_arabic_page_the_arabic_ones(
    visitor_world, page, live_server
):
    fetched: list[str] = []
    page.on(
        "response", lambda r: "/static/fonts/" in r.url and fetched.append(r.url.rsplit("/", 1)[1])
    )
    for path in _visitor_pages(visitor_world, "fi").values():
        page.goto(live_server.url + path)
        page.evaluate(_FONTS_SETTLED)
    page.goto(f"{live_server.url}/kiosk/{visitor_world['hub'].kiosk_token}/")  # every language
    page.evaluate(_FONTS_SETTLED)
    big = {f for f in fetched if f.startswith("kototori-sans-") and "latin" not in f}
    assert big == set(), f"a Finnish visitor downloaded {big}"
    assert "kototori-sans-latin-400.woff2" in fetched
    fetched.clear()
    page.goto(live_server.url + _visitor_pages(visitor_world, "ar")["event"])
    page.evaluate(_FONTS_SETTLED)
    assert "kototori-sans-arabic-400.woff2" in fetched
    assert not any("ethiopic" in f for f in fetched if f.startswith("kototori-sans-"))

#!/usr/bin/env python3
"""Build the web fonts Kototori serves, so no page depends on the fonts of the visitor's device.

Subsets Debian's Noto fonts (package fonts-noto-core) into WOFF2 files in static/fonts/ and writes
static/css/fonts.css, their @font-face rules with exact ``unicode-range``s, so a browser downloads
only the files whose characters a page uses.

- Family "Kototori Sans": one face per script and weight (Latin, Cyrillic, Arabic, Ethiopic; 400
  and 700), plus tiny faces for the few symbols the interface uses (arrows, ✓, ▾). Each face holds
  its script's whole alphabet (so text people type — an event title in Tigrinya — renders too) and
  every character of that script found in the sources below.
- Family "Kototori Names": the language names in their own scripts (العربية, ትግርኛ, українська…),
  used by the language switcher, the kiosk's first page and language badges. A Finnish page that
  lists every language then downloads a few kilobytes of names, not the Arabic and Ethiopic fonts.

Sources of characters: every catalogue in locale/ (msgid and msgstr), Django's own catalogues for
the same languages (dates, form errors), the templates, static/css and static/js, the apps' Python
code and the reference data (topic and language names). A character found there that no face serves
(an emoji, Chinese, Thai) is listed at the end: it is left to the device's fonts.

Run after changing catalogues or templates that bring new characters (tests/browser/test_fonts.py
says when):  .venv/bin/python scripts/build_fonts.py
Needs fonttools and brotli (both in requirements.lock) and fonts-noto-core (NOTO_DIR to override).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTO_DIR = Path(os.environ.get("NOTO_DIR", "/usr/share/fonts/truetype/noto"))
FONTS_DIR = ROOT / "static" / "fonts"
CSS_FILE = ROOT / "static" / "css" / "fonts.css"
FONT_URL = "../fonts/"  # relative to static/css/, so it works under any STATIC_URL

SANS = "Kototori Sans"
NAMES = "Kototori Names"


def cp(*spans: tuple[int, int] | int) -> frozenset[int]:
    out: set[int] = set()
    for span in spans:
        if isinstance(span, int):
            out.add(span)
        else:
            out.update(range(span[0], span[1] + 1))
    return frozenset(out)


@dataclass(frozen=True)
class Script:
    """A face of "Kototori Sans": which code points it may serve (``serves``), which it always
    holds (``alphabet``), and the Noto font it is cut from (``source`` % weight name)."""

    name: str
    source: str
    serves: frozenset[int]
    alphabet: frozenset[int]
    weights: tuple[int, ...] = (400, 700)


LATIN = Script(
    "latin",
    "NotoSans-%s.ttf",
    serves=cp(
        (0x0000, 0x036F),
        (0x1E00, 0x1EFF),
        (0x2000, 0x200B),
        (0x2010, 0x206F),
        (0x20A0, 0x20CF),
        (0x2100, 0x214F),
        0xFEFF,
        0xFFFD,
    ),
    # Basic Latin, Latin-1, Latin Extended-A; dashes, quotes, bullets, ellipsis; the euro; №.
    alphabet=cp(
        (0x0020, 0x007E),
        (0x00A0, 0x017F),
        (0x2010, 0x2027),
        (0x2030, 0x203A),
        0x20AC,
        0x2116,
        0xFFFD,
    ),
)
CYRILLIC = Script(
    "cyrillic",
    "NotoSans-%s.ttf",
    serves=cp((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    alphabet=cp((0x0400, 0x045F), (0x0490, 0x0491)),  # Russian, Ukrainian (ґ), and their kin
)
ARABIC = Script(
    "arabic",
    "NotoSansArabic-%s.ttf",
    # The joiners and direction marks go with Arabic script, so they shape in the same font.
    serves=cp((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0x200C, 0x200F)),
    # The Arabic block: Arabic, Persian, Dari and Sorani letters (پ چ ژ گ ڕ ڵ ۆ ێ), digits.
    alphabet=cp((0x0600, 0x06FF), (0x200C, 0x200F)),
)
ETHIOPIC = Script(
    "ethiopic",
    "NotoSansEthiopic-%s.ttf",
    serves=cp((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)),
    alphabet=cp((0x1200, 0x137F)),  # every syllable Tigrinya is written with, and punctuation
)
SCRIPTS = [LATIN, CYRILLIC, ARABIC, ETHIOPIC]
# Symbols the interface uses that Noto Sans lacks come from these, the first that has them.
SYMBOL_SOURCES = ["NotoSansMath-Regular.ttf", "NotoSansSymbols-Regular.ttf"]
SYMBOL_SOURCES += ["NotoSansSymbols2-Regular.ttf"]
WEIGHT_NAMES = {400: "Regular", 700: "Bold"}


@dataclass
class Face:
    family: str
    file: str
    source: Path
    weights: tuple[str, ...]
    codepoints: set[int] = field(default_factory=set)
    size: int = 0

    def unicode_range(self) -> str:
        return ", ".join(
            f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans(sorted(self.codepoints))
        )


def spans(points: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for p in points:
        if out and p == out[-1][1] + 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


# Where the characters come from


def _po_text(path: Path) -> str:
    """A .po file without its comments (the keywords and escapes add only basic Latin)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


def _reference_data():
    spec = importlib.util.spec_from_file_location("_ref", ROOT / "kototori" / "reference_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def languages() -> list[str]:
    return sorted(p.name for p in (ROOT / "locale").iterdir() if (p / "LC_MESSAGES").is_dir())


def language_names() -> str:
    """Every language's name in its own script, as the kiosk, the switcher and badges show it."""
    from django.conf.locale import LANG_INFO

    names = [LANG_INFO[code]["name_local"] for code in languages() if code in LANG_INFO]
    names += [own for _code, own, _rtl, _names in _reference_data().LANGUAGES]
    return "\n".join(names)


def source_text() -> dict[str, str]:
    """The text of every source of characters, by where it came from."""
    import django

    texts: dict[str, str] = {}
    for code in languages():
        texts[f"locale/{code}"] = _po_text(ROOT / "locale" / code / "LC_MESSAGES" / "django.po")
        theirs = (
            Path(django.__file__).parent / "conf" / "locale" / code / "LC_MESSAGES" / "django.po"
        )
        if theirs.exists():
            texts[f"django/{code}"] = _po_text(theirs)
    globs = ["templates/**/*.html", "templates/**/*.txt", "static/css/*.css", "static/js/*.js"]
    globs += [f"{app}/**/*.py" for app in ("kototori", "visits", "events", "advisors")]
    for pattern in globs:
        for path in sorted(ROOT.glob(pattern)):
            if "migrations" in path.parts or path == CSS_FILE:
                continue
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    texts["language names"] = language_names()
    return texts


def needed_codepoints(texts: dict[str, str]) -> set[int]:
    return {ord(ch) for text in texts.values() for ch in text if ord(ch) >= 0x20}


# Building


def cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(path, lazy=True).getBestCmap())


def plan(needed: set[int], names: str) -> tuple[list[Face], set[int]]:
    """The faces to build and the needed code points no face serves."""
    faces: list[Face] = []
    served: set[int] = set()
    for script in SCRIPTS:
        for weight in script.weights:
            source = NOTO_DIR / (script.source % WEIGHT_NAMES[weight])
            have = cmap(source)
            points = ((needed & script.serves) | script.alphabet) & have
            file = f"kototori-sans-{script.name}-{weight}.woff2"
            faces.append(Face(SANS, file, source, (str(weight),), points))
            served |= points
    # The symbols: grouped by the font that has them; the one file serves both weights. (Not as
    # "font-weight: 100 900": for 600 the browser would pick those faces alone, and no Latin.)
    rest = {p for p in needed - served if not chr(p).isspace() and p >= 0x20}
    for name in SYMBOL_SOURCES:
        source = NOTO_DIR / name
        points = rest & cmap(source) - {p for p in rest if p >= 0x1F000}  # no emoji, ever
        if points:
            slug = name.removeprefix("NotoSans").removesuffix("-Regular.ttf").lower()
            faces.append(Face(SANS, f"kototori-sans-{slug}.woff2", source, ("400", "700"), points))
            rest -= points
            served |= points
    # The language names: their non-Latin letters, from the same sources as the scripts.
    name_points = {ord(ch) for ch in names} - LATIN.serves
    for script in SCRIPTS[1:]:
        source = NOTO_DIR / (script.source % "Regular")
        points = name_points & script.serves & cmap(source)
        if points:
            file = f"kototori-names-{script.name}.woff2"
            faces.append(Face(NAMES, file, source, ("100 900",), points))
    return faces, rest


def subset(face: Face, out: Path) -> None:
    from fontTools import subset as ft

    options = ft.Options()
    options.flavor = "woff2"
    options.hinting = False  # high-density screens need no hints; it halves the files
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and the licence
    options.recalc_timestamp = False  # the same input gives the same file
    font = ft.load_font(str(face.source), options)
    subsetter = ft.Subsetter(options)
    subsetter.populate(unicodes=sorted(face.codepoints))
    subsetter.subset(font)
    ft.save_font(font, str(out), options)
    face.size = out.stat().st_size


def css(faces: list[Face]) -> str:
    lines = [
        "/* Generated by scripts/build_fonts.py: do not edit. Noto fonts (SIL OFL 1.1, see",
        "   static/fonts/OFL.txt), cut to the characters Kototori needs. unicode-range makes the",
        "   browser fetch only the faces whose characters a page uses. */",
    ]
    for face in faces:
        for weight in face.weights:
            lines += [
                "@font-face {",
                f'  font-family: "{face.family}";',
                "  font-style: normal;",
                f"  font-weight: {weight};",
                "  font-display: swap;",
                f'  src: url("{FONT_URL}{face.file}") format("woff2");',
                f"  unicode-range: {face.unicode_range()};",
                "}",
            ]
    return "\n".join(lines) + "\n"


def licence() -> str:
    """The SIL Open Font License 1.1 text, as Debian ships it with the fonts."""
    copyright_file = Path("/usr/share/doc/fonts-noto-core/copyright").read_text(encoding="utf-8")
    # The stanza with the text: "License: OFL-1.1" followed by lines indented by one space.
    stanza = re.search(r"^License: OFL-1\.1\n((?: .*\n?)+)", copyright_file, re.M)
    if stanza is None:
        raise SystemExit("no OFL-1.1 text in Debian's copyright file of fonts-noto-core")
    body = "\n".join("" if line == " ." else line[1:] for line in stanza.group(1).splitlines())
    return (
        "The fonts in this directory are subsets of the Noto fonts\n"
        "Copyright 2010-2020 Google Inc. and Google LLC (https://github.com/notofonts),\n"
        "cut down by scripts/build_fonts.py. They are licensed under the SIL Open Font License,\n"
        "Version 1.1, reproduced below.\n\n"
        "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007\n\n" + body.strip() + "\n"
    )


def readme(faces: list[Face], unserved: set[int]) -> str:
    from fontTools.ttLib import TTFont

    rows = []
    for face in faces:
        version = TTFont(face.source, lazy=True)["name"].getDebugName(5) or ""
        version = version.split(";")[0]
        rows.append(
            f"| `{face.file}` | {face.family} | {', '.join(face.weights)} | {len(face.codepoints)} | "
            f"{face.size / 1024:.1f} KB | {face.source.name} ({version}) |"
        )
    left = " ".join(chr(p) for p in sorted(unserved)) or "none"
    return (
        "# Fonts served by Kototori\n\n"
        "Generated by `scripts/build_fonts.py` (do not edit by hand): subsets of Debian's Noto fonts\n"
        "(`fonts-noto-core`), licensed under the SIL Open Font License 1.1 (`OFL.txt`). The\n"
        "@font-face rules are in `static/css/fonts.css`.\n\n"
        "| file | family | weight | characters | size | cut from |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Total: {sum(f.size for f in faces) / 1024:.1f} KB. A page downloads only the files whose\n"
        "characters it shows (`unicode-range`).\n\n"
        f"Characters found in the sources that no face serves (left to the device's fonts; none\n"
        f"of them may appear on a visitor page): {left}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    if not (NOTO_DIR / "NotoSans-Regular.ttf").exists():
        print(
            f"Noto fonts not found in {NOTO_DIR}: apt-get install fonts-noto-core", file=sys.stderr
        )
        return 1
    texts = source_text()
    faces, unserved = plan(needed_codepoints(texts), texts["language names"])
    FONTS_DIR.mkdir(parents=True, exist_ok=True)
    for old in FONTS_DIR.glob("*.woff2"):
        old.unlink()
    for face in faces:
        subset(face, FONTS_DIR / face.file)
        print(f"{face.file:40} {len(face.codepoints):5} characters {face.size / 1024:7.1f} KB")
    CSS_FILE.write_text(css(faces), encoding="utf-8")
    (FONTS_DIR / "OFL.txt").write_text(licence(), encoding="utf-8")
    (FONTS_DIR / "README.md").write_text(readme(faces, unserved), encoding="utf-8")
    print(f"total {sum(f.size for f in faces) / 1024:.1f} KB; wrote {CSS_FILE.relative_to(ROOT)}")
    if unserved:
        print("left to the device's fonts:", " ".join(chr(p) for p in sorted(unserved)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

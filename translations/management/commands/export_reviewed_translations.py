"""Write the approved translations into ``locale/<lang>/LC_MESSAGES/django.po``, for a developer to
compile and commit: the same text as the download on the Translations page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from translations.catalogue import export_catalogue, po_path
from translations.languages import catalogue_languages


class Command(BaseCommand):
    help = "Apply the approved reviews to the .po catalogues in locale/ (all languages by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("languages", nargs="*", help="language codes, e.g. ar ti")

    def handle(self, *args: Any, languages: list[str], **options: Any) -> None:
        codes = languages or catalogue_languages()
        unknown = sorted(set(codes) - set(catalogue_languages()))
        if unknown:
            raise CommandError(f"Not a reviewed catalogue language: {', '.join(unknown)}")
        for code in codes:
            text, changed = export_catalogue(code)
            path = po_path(code)
            if path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            self.stdout.write(f"{code}: {changed} approved text(s) written to {path}")
        self.stdout.write("Now run compilemessages and commit the .po files.")

"""After restoring a backup: erase again everyone the erasure ledger says was erased."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kototori.rights.services import erasures_reapply


class Command(BaseCommand):
    help = "Erase again the visitors who were erased after the restored backup was taken."

    def handle(self, *args, **options) -> None:
        count = erasures_reapply()
        self.stdout.write(f"{count} erased again")

"""Print the records of processing (GDPR art. 30) from kototori.privacy as a Markdown table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kototori import privacy

ALL_APPS = (*privacy.CLASSIFIED_APPS, "visits", "advisors", "events")


class Command(BaseCommand):
    help = "Print every model's personal-data fields by class; list fields nobody has classified."

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout
        out.write("| Table | About | Purpose | Retention | Personal | Special | Secret |\n")
        out.write("|---|---|---|---|---|---|---|\n")
        for model in sorted(privacy.models_in(ALL_APPS), key=privacy._label):
            label = privacy._label(model)
            record = privacy.INVENTORY.get(label)
            if record is None:
                continue
            by_class: dict[privacy.C, list[str]] = {c: [] for c in privacy.C}
            for f in model._meta.concrete_fields:
                if f.name in record.fields:
                    by_class[record.fields[f.name]].append(f.name)
            cells = [
                ", ".join(by_class[c]) or "—"
                for c in (privacy.C.PERSONAL, privacy.C.SPECIAL, privacy.C.SECRET)
            ]
            out.write(
                f"| `{label}` | {record.about} | {record.purpose} | {record.retention} | {' | '.join(cells)} |\n"
            )
        missing = privacy.unclassified(ALL_APPS)
        if missing:
            out.write("\n**Not yet classified** (add them to `kototori/privacy.py`):\n\n")
            for name in missing:
                out.write(f"- `{name}`\n")

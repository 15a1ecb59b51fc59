"""The training catalogue every deployment starts with (seeded by a data migration)."""

from __future__ import annotations

# key, names by language
TRAININGS: list[tuple[str, dict[str, str]]] = [
    (
        "community_coaching",
        {"fi": "Yhteisövalmennus", "sv": "Gemenskapscoachning", "en": "Community coaching"},
    ),
    (
        "cultural_questions",
        {"fi": "Kulttuuriset kysymykset", "sv": "Kulturella frågor", "en": "Cultural questions"},
    ),
    (
        "threatening_situations",
        {
            "fi": "Uhkaavat asiakastilanteet",
            "sv": "Hotfulla kundsituationer",
            "en": "Threatening client situations",
        },
    ),
    (
        "neighbour_relations",
        {"fi": "Naapurisuhteet", "sv": "Grannrelationer", "en": "Neighbour relations"},
    ),
    ("employment", {"fi": "Työllistyminen", "sv": "Sysselsättning", "en": "Employment"}),
    (
        "social_insurance",
        {
            "fi": "Yhteistyö Kelan kanssa",
            "sv": "Samarbete med FPA",
            "en": "Social insurance cooperation",
        },
    ),
    (
        "data_protection",
        {
            "fi": "Tietosuoja ja vaitiolo",
            "sv": "Dataskydd och tystnadsplikt",
            "en": "Data protection and confidentiality",
        },
    ),
]


def seed_trainings(Training) -> None:
    for order, (key, names) in enumerate(TRAININGS, start=1):
        fields = {f"name_{code}": name for code, name in names.items()}
        Training.objects.get_or_create(
            key=key, defaults={"name": names["fi"], "order": order, **fields}
        )

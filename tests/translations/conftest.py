"""Personas and a private copy of the catalogues for the translation review tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kototori.models import Membership, Role
from tests.events.factories import EventFactory


@pytest.fixture(autouse=True)
def locale_copy(tmp_path, settings):
    """Every test reads and writes its own copy of locale/*.po, never the repository's."""
    source = Path(settings.BASE_DIR) / "locale"
    target = tmp_path / "locale"
    for po in source.glob("*/LC_MESSAGES/django.po"):
        destination = target / po.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(po, destination)
    settings.TRANSLATION_LOCALE_DIR = target
    return target


@pytest.fixture
def make_reviewer(make_member):
    """``make_reviewer(hub, ["ar"])`` → a user holding the reviewer role there for those languages."""

    def make(hub, languages: list[str], **user_fields):
        user = make_member(Role.REVIEWER, hub, **user_fields)
        Membership.objects.filter(user=user, hub=hub, role=Role.REVIEWER).update(
            review_languages=languages
        )
        return user

    return make


@pytest.fixture
def reviewer(make_reviewer, hub):
    return make_reviewer(hub, ["ar", "ti"], full_name="Rahel Reviewer")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    client.user = reviewer
    return client


@pytest.fixture
def bazaar(hub):
    """An upcoming event with an Arabic and a Tigrinya translation nobody has reviewed."""
    return EventFactory(
        hub=hub,
        title_fi="Järjestötori",
        summary_fi="Tutustu alueen järjestöihin.",
        title_ar="سوق الجمعيات",
        summary_ar="تعرّف على جمعيات الحي.",
        title_ti="ዕዳጋ ማሕበራት",
        summary_ti="ምስ ማሕበራት ከባቢ ተላለዩ።",
    )

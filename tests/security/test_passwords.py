"""Passwords: at least 12 characters, long passphrases welcome, guessable words don't count."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(hub, other_hub):
    return UserFactory(email="maija.virtanen@tampere.fi", full_name="Maija Virtanen")


@pytest.mark.parametrize(
    "password",
    [
        "Lyhyt1!",  # too short
        "Kototori2024!",
        "k0t0t0r1-12345",
        "Salasana123456",
        "Hervanta12345!",  # a hub's name
        "kontula-kontula-kontula",  # only a hub's name, repeated
        "maija.virtanen99",  # the user's own e-mail
        "Tampere-2024-!!",  # the e-mail's domain
        "123456789012345",
        "password1234",
    ],
)
def test_guessable_passwords_are_rejected(user, password):
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "pitkä lause jota kukaan ei arvaa",
        "Hervannan kahvila aukeaa aina kahdeksalta",  # a hub's name inside a long sentence
        "x7#Lq9!mZ2@v",
    ],
)
def test_long_passphrases_are_accepted(user, password):
    validate_password(password, user)


def test_the_password_form_explains_the_rule_in_words(client, settings):
    from django.contrib.auth.password_validation import password_validators_help_texts
    from django.utils import translation

    with translation.override("en"):  # outside a request the active language is the default (fi)
        texts = " ".join(password_validators_help_texts())
    assert "12" in texts
    assert "don't count towards the length" in texts

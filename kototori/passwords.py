"""Password rules beyond Django's: words an attacker would try first don't count.

Django's validators cover length (12), the 20,000 most common passwords, all-digit passwords and
similarity to the user's attributes. ``ContextWordsValidator`` adds the words of *this* service: the
product name, "salasana", the organisation's and hubs' names, and the parts of the user's e-mail
address and name (OWASP ASVS 5.0 V6.2, NIST SP 800-63B 3.1.1.2). A long passphrase that happens to
contain one of them is fine: the rule is that those words (and simple letter-for-digit swaps of
them) do not count towards the minimum length.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from collections.abc import Iterable

# Words anyone guessing a Kototori password would try, in the languages of the staff.
SERVICE_WORDS = (
    "kototori",
    "salasana",
    "password",
    "passwort",
    "lösenord",
    "losenord",
    "qwerty",
    "asdfgh",
    "tervetuloa",
    "welcome",
    "admin",
    "hallinto",
    "kotoutuminen",
    "integration",
)
MIN_WORD = 4  # shorter fragments ("on", "ja") occur in every passphrase
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_SPLIT = re.compile(r"[^\w]+|_")


def _normalise(text: str) -> str:
    return text.lower().translate(_LEET)


def _words(*texts: str) -> set[str]:
    found: set[str] = set()
    for text in texts:
        for part in _SPLIT.split(_normalise(text or "")):
            if len(part) >= MIN_WORD:
                found.add(part)
    return found


def context_words(user: Any = None) -> set[str]:
    """The service's words, its organisations and hubs, and the user's own e-mail and name parts."""
    from .models import Hub, Organisation

    words = _words(*SERVICE_WORDS)
    for name, slug in Hub.objects.values_list("name", "slug"):
        words |= _words(name, slug)
    for name, slug in Organisation.objects.values_list("name", "slug"):
        words |= _words(name, slug)
    if user is not None:
        email = getattr(user, "email", "") or ""
        local, _at, domain = email.partition("@")
        domain_labels = domain.split(".")[:-1]  # the top-level domain is no secret
        words |= _words(local, *domain_labels, getattr(user, "full_name", "") or "")
    return words


def strength_left(password: str, words: Iterable[str]) -> int:
    """How many characters remain once the context words are taken out (longest first)."""
    rest = _normalise(password)
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(rest)


class ContextWordsValidator:
    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if strength_left(password, context_words(user)) < self.min_length:
            raise ValidationError(
                ngettext(
                    "This password is built on a word that is too easy to guess (the service's "
                    "or a hub's name, your e-mail address, or a common word). Without it, it must "
                    "still have at least %(min_length)d character.",
                    "This password is built on a word that is too easy to guess (the service's "
                    "or a hub's name, your e-mail address, or a common word). Without it, it must "
                    "still have at least %(min_length)d characters.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return _(
            "Names of the service, of hubs and of yourself don't count towards the length. "
            "A long sentence you can remember is a good password."
        )

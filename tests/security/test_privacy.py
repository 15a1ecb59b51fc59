"""Records of processing stay complete: a new model or field must be classified to pass."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from kototori import privacy


def test_every_field_of_the_classified_apps_has_a_privacy_class():
    missing = privacy.unclassified()
    assert missing == [], (
        "Classify these fields in kototori/privacy.py (none/personal/special/secret): "
        + ", ".join(missing)
    )


def test_the_inventory_names_no_field_that_does_not_exist():
    real = {
        privacy._label(m): {f.name for f in m._meta.concrete_fields}
        for m in privacy.models_in(tuple({label.split(".")[0] for label in privacy.INVENTORY}))
    }
    stale = [
        f"{label}.{name}"
        for label, record in privacy.INVENTORY.items()
        for name in record.fields
        if name not in real.get(label, set())
    ]
    assert stale == []


def test_credentials_are_secret_and_person_details_personal():
    from kototori.models import AccessLog, User

    assert privacy.classify(User, User._meta.get_field("password")) == privacy.C.SECRET
    assert privacy.classify(User, User._meta.get_field("email")) == privacy.C.PERSONAL
    assert (
        privacy.classify(AccessLog, AccessLog._meta.get_field("subject_id")) == privacy.C.PERSONAL
    )


@pytest.mark.django_db
def test_the_inventory_command_prints_the_table():
    out = StringIO()
    call_command("data_inventory", stdout=out)
    text = out.getvalue()
    assert "| `kototori.User` | staff |" in text
    assert "password" in text

from django.utils.translation import gettext_lazy as _

from kototori.access import Perm
from kototori.models import Role
from kototori.navigation import NavItem

ITEMS = [
    NavItem(_("Translations"), "translations:overview", (Perm.TRANSLATION_STATUS,), order=870),
]
HOMES = {Role.REVIEWER: "translations:overview"}

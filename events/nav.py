from django.utils.translation import gettext_lazy as _

from kototori.access import Perm
from kototori.models import Role
from kototori.navigation import NavItem

ITEMS = [
    NavItem(_("Events"), "events:dashboard", (Perm.EVENT_MANAGE,), order=500),
    NavItem(_("Event check-in"), "events:checkin_events", (Perm.EVENT_CHECKIN,), order=510),
]
HOMES = {Role.COORDINATOR: "events:dashboard"}

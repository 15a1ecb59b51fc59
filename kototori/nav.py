from django.utils.translation import gettext_lazy as _

from kototori.access import Perm
from kototori.models import Role
from kototori.navigation import NavItem

ITEMS = [
    NavItem(_("Partners"), "partners:list", (Perm.PARTNER_VIEW,), hub_scoped=False, order=800),
    NavItem(
        _("Reports"),
        "reports:report",
        (Perm.REPORT_FULL, Perm.REPORT_SUPPRESSED),
        hub_scoped=False,
        order=850,
    ),
    NavItem(_("Overview"), "reports:hub_overview", (Perm.HUB_MANAGE,), order=790),
    NavItem(_("Team"), "team", (Perm.HUB_MANAGE,), order=900),
]
HOMES: dict[str, str] = {
    Role.MANAGER: "reports:hub_overview",
    Role.FUNDER: "reports:hub_report",
}

from django.utils.translation import gettext_lazy as _

from kototori.access import Perm
from kototori.models import Role
from kototori.navigation import NavItem

ITEMS = [
    NavItem(_("Desk"), "visits:desk", (Perm.VISIT_LOG,), order=100),
    NavItem(_("Queue"), "visits:queue", (Perm.QUEUE_RUN,), order=110),
    NavItem(_("Visitors"), "visits:visitors", (Perm.VISITOR_VIEW,), order=120),
    NavItem(_("Referrals"), "visits:referrals", (Perm.REFERRAL_MANAGE,), order=130),
    NavItem(_("Outreach"), "visits:outreach", (Perm.OUTREACH_LOG,), order=140),
    # Front desk may open the queue too, but its menu is kept flat (kototori.navigation.FLAT_MENU_MAX).
    NavItem(_("Data requests"), "visits:data_requests", (Perm.DATA_REQUEST_MANAGE,), order=150),
    NavItem(_("Kiosk"), "visits:kiosk_settings", (Perm.HUB_MANAGE,), order=850),
]
HOMES = {Role.FRONT_DESK: "visits:desk"}

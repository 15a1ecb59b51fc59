from django.utils.translation import gettext_lazy as _

from kototori.access import Perm
from kototori.models import Role
from kototori.navigation import NavItem

ITEMS = [
    NavItem(_("My cases"), "advisors:home", (Perm.ADVISOR_SELF,), order=300),
    NavItem(_("Case pool"), "advisors:pool", (Perm.CASE_POOL,), order=310),
    NavItem(_("Supervision"), "advisors:supervision", (Perm.CASE_SUPERVISE,), order=320),
    NavItem(_("All cases"), "advisors:cases", (Perm.CASE_SUPERVISE,), order=330),
    NavItem(_("Advisors"), "advisors:advisors", (Perm.ADVISOR_MANAGE,), order=340),
    NavItem(_("Trainings"), "advisors:trainings", (Perm.ADVISOR_MANAGE,), order=350),
    NavItem(_("Shifts"), "advisors:shifts", (Perm.SHIFT_PLAN, Perm.ADVISOR_SELF), order=360),
    NavItem(_("My hours"), "advisors:hours", (Perm.ADVISOR_SELF,), order=370),
    NavItem(_("My assignments"), "advisors:expert_home", (Perm.EXPERT_SELF,), order=380),
    NavItem(_("Expert assignments"), "advisors:assignments", (Perm.EXPERT_MANAGE,), order=390),
    NavItem(_("Experience experts"), "advisors:experts", (Perm.EXPERT_MANAGE,), order=395),
]
HOMES = {
    Role.ADVISOR: "advisors:home",
    Role.PROFESSIONAL: "advisors:supervision",
    Role.EXPERT: "advisors:expert_home",
}

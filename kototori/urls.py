from django.contrib import admin
from django.urls import include, path

from kototori.views import accesslog, core, partners, team

partner_patterns = (
    [
        path("", partners.partner_list, name="list"),
        path("new/", partners.partner_edit, name="create"),
        path("<int:pk>/", partners.partner_detail, name="detail"),
        path("<int:pk>/edit/", partners.partner_edit, name="edit"),
    ],
    "partners",
)

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("i18n/setlang/", core.set_language, name="set_language"),
    path("hub/switch/", core.switch_hub, name="switch_hub"),
    path("h/<slug:hub>/", core.hub_dashboard, name="hub_dashboard"),
    path("h/<slug:hub>/team/", team.team, name="team"),
    path("h/<slug:hub>/team/<int:pk>/remove/", team.team_remove, name="team_remove"),
    path("h/<slug:hub>/access-log/", accesslog.access_log, name="access_log"),
    path("partners/", include(partner_patterns)),
    path("reports/", include("kototori.reports.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("visits.urls")),
    path("", include("advisors.urls")),
    path("", include("events.urls")),
    path("", include("kototori.rights.urls")),
    path("", include("translations.urls")),
]

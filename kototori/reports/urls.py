from django.urls import path

from . import dashboards, views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.<str:fmt>", views.report_export, name="export"),
    path("h/<slug:hub>/", dashboards.hub_report, name="hub_report"),
    path("h/<slug:hub>/overview/", dashboards.hub_overview, name="hub_overview"),
]

from django.urls import path

from . import views

app_name = "rights"

V = "h/<slug:hub>/visitors/<int:pk>/"

urlpatterns = [
    path(V + "data/", views.visitor_data, name="visitor_data"),
    path(V + "data.pdf", views.visitor_data_pdf, name="visitor_data_pdf"),
    path(V + "data.json", views.visitor_data_json, name="visitor_data_json"),
    path(V + "erase/", views.visitor_erase_view, name="visitor_erase"),
    path("h/<slug:hub>/retention/", views.retention, name="retention"),
    path("h/<slug:hub>/retention/preview/", views.retention_preview_view, name="retention_preview"),
]

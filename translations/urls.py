from django.urls import path

from . import views

app_name = "translations"

urlpatterns = [
    path("h/<slug:hub>/translations/", views.overview, name="overview"),
    path("h/<slug:hub>/translations/reviewers/", views.reviewers, name="reviewers"),
    path(
        "h/<slug:hub>/translations/reviewers/<int:pk>/",
        views.reviewer_languages,
        name="reviewer_languages",
    ),
    path("h/<slug:hub>/translations/<slug:language>.po", views.export, name="export"),
    path("h/<slug:hub>/translations/strings/<slug:language>/", views.strings, name="strings"),
    path(
        "h/<slug:hub>/translations/strings/<slug:language>/<slug:key>/",
        views.string_review,
        name="string",
    ),
    path("h/<slug:hub>/translations/events/<slug:language>/", views.events, name="events"),
    path(
        "h/<slug:hub>/translations/events/<slug:language>/<int:pk>/",
        views.event_review,
        name="event",
    ),
]

from django.urls import include, path

from .views import offline, public, staff

app_name = "events"

staff_patterns = [
    path("", staff.dashboard, name="dashboard"),
    path("new/", staff.event_edit, name="create"),
    path("feedback/", staff.feedback_report, name="feedback"),
    path("check-in/", staff.checkin_events, name="checkin_events"),
    path("<int:pk>/", staff.event_detail, name="detail"),
    path("<int:pk>/edit/", staff.event_edit, name="edit"),
    path("<int:pk>/publish/", staff.event_publish_view, name="publish"),
    path("<int:pk>/cancel/", staff.event_cancel_view, name="cancel"),
    path(
        "<int:pk>/registrations/<int:rid>/cancel/",
        staff.registration_cancel_view,
        name="registration_cancel",
    ),
    path("<int:pk>/check-in/", staff.checkin, name="checkin"),
    path("<int:pk>/check-in/<int:rid>/", staff.checkin_mark, name="checkin_mark"),
    path("<int:pk>/walk-in/", staff.walk_in, name="walk_in"),
    path("<int:pk>/head-count/", staff.head_count, name="head_count"),
    path("<int:pk>/advisor/", staff.advisor_attended, name="advisor_attended"),
    path("<int:pk>/no-shows/", staff.no_shows, name="no_shows"),
]

public_patterns = [
    path("cancel/<str:signed>/", public.cancel_registration, name="cancel_registration"),
    path("r/<str:signed>/", public.registration_status, name="registration"),
    path("<slug:hub>/", public.calendar, name="calendar"),
    path("<slug:hub>/feed.ics", public.hub_feed, name="feed"),
    path("<slug:hub>/<int:pk>/", public.event_page, name="public_event"),
    path("<slug:hub>/<int:pk>/event.ics", public.event_ics, name="event_ics"),
    path("<slug:hub>/<int:pk>/poster/", public.poster, name="poster"),
    path("<slug:hub>/<int:pk>/register/", public.register, name="register"),
    path("<slug:hub>/<int:pk>/feedback/", public.feedback, name="feedback_form"),
]

urlpatterns = [
    path("h/<slug:hub>/events/", include(staff_patterns)),
    # For the offline app (visits:offline): the events a device takes along, and what it recorded
    path("offline/events/", offline.offline_events_data, name="offline_events"),
    path("offline/sync/attendance/", offline.attendance_sync, name="offline_attendance"),
    path("e/", include(public_patterns)),
]

from django.urls import path

from .views import cases, data_requests, desk, kiosk, offline, queue, referrals, visitors

app_name = "visits"

urlpatterns = [
    # The front desk
    path("h/<slug:hub>/desk/", desk.desk, name="desk"),
    path("h/<slug:hub>/desk/log/", desk.log_visit, name="log_visit"),
    path("h/<slug:hub>/desk/visits/<int:pk>/", desk.visit_detail, name="visit_detail"),
    path("h/<slug:hub>/desk/visits/<int:pk>/undo/", desk.undo_visit, name="undo_visit"),
    # The offline app (installable; its service worker's scope is /offline/)
    path("offline/", offline.offline_app, name="offline"),
    path("offline/sw.js", offline.service_worker, name="offline_sw"),
    path("offline/manifest.webmanifest", offline.manifest, name="offline_manifest"),
    path("offline/data/", offline.offline_data, name="offline_data"),
    path("offline/sync/visits/", offline.offline_sync, name="offline_sync"),
    # Today's queue and the lobby screen
    path("h/<slug:hub>/desk/queue/", queue.queue, name="queue"),
    path("h/<slug:hub>/desk/queue/add/", queue.queue_add_view, name="queue_add"),
    path("h/<slug:hub>/desk/queue/next/", queue.queue_next, name="queue_next"),
    path("h/<slug:hub>/desk/queue/<int:pk>/<str:action>/", queue.queue_move, name="queue_move"),
    path("h/<slug:hub>/now-serving/", queue.now_serving, name="now_serving"),
    path("screen/<str:token>/", queue.screen, name="screen"),
    # The kiosk
    path("h/<slug:hub>/desk/kiosk/", queue.kiosk_settings, name="kiosk_settings"),
    path("kiosk/<str:token>/", kiosk.kiosk, name="kiosk"),
    path("kiosk/<str:token>/<str:lang>/", kiosk.kiosk_checkin, name="kiosk_checkin"),
    # Consented visitors
    path("h/<slug:hub>/visitors/", visitors.visitor_list, name="visitors"),
    path("h/<slug:hub>/visitors/new/", visitors.visitor_create_view, name="visitor_create"),
    path("h/<slug:hub>/visitors/consent/", visitors.consent_text, name="consent_text"),
    path("h/<slug:hub>/visitors/<int:pk>/", visitors.visitor_detail, name="visitor_detail"),
    path("h/<slug:hub>/visitors/<int:pk>/edit/", visitors.visitor_edit, name="visitor_edit"),
    path(
        "h/<slug:hub>/visitors/<int:pk>/merge/", visitors.visitor_merge_view, name="visitor_merge"
    ),
    path(
        "h/<slug:hub>/visitors/<int:pk>/withdraw-consent/",
        visitors.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "h/<slug:hub>/visitors/<int:pk>/give-consent/",
        visitors.consent_give_view,
        name="consent_give",
    ),
    # Referrals, and the partner's link
    path("h/<slug:hub>/referrals/", referrals.referral_list, name="referrals"),
    path("h/<slug:hub>/referrals/new/", referrals.referral_create_view, name="referral_create"),
    path("h/<slug:hub>/referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path(
        "h/<slug:hub>/referrals/<int:pk>/link/revoke/",
        referrals.referral_link_revoke_view,
        name="referral_link_revoke",
    ),
    path(
        "h/<slug:hub>/referrals/<int:pk>/link/new/",
        referrals.referral_link_new_view,
        name="referral_link_new",
    ),
    path("r/<str:token>/", referrals.partner_referral, name="partner_referral"),
    # Visitors' requests about their own data: the public form and the staff queue
    path("my-data/<slug:hub>/", data_requests.data_request_view, name="data_request"),
    path(
        "my-data/<slug:hub>/sent/<str:signed>/",
        data_requests.data_request_sent,
        name="data_request_sent",
    ),
    path("h/<slug:hub>/data-requests/", data_requests.data_request_list, name="data_requests"),
    path(
        "h/<slug:hub>/data-requests/<int:pk>/",
        data_requests.data_request_detail,
        name="data_request_detail",
    ),
    path(
        "h/<slug:hub>/data-requests/<int:pk>/link/",
        data_requests.data_request_link,
        name="data_request_link",
    ),
    path(
        "h/<slug:hub>/data-requests/<int:pk>/status/",
        data_requests.data_request_status,
        name="data_request_status",
    ),
    # Cases and outreach
    path("h/<slug:hub>/cases/new/", cases.case_create, name="case_create"),
    path("h/<slug:hub>/outreach/", cases.outreach_list, name="outreach"),
    path("h/<slug:hub>/outreach/new/", cases.outreach_create, name="outreach_create"),
]

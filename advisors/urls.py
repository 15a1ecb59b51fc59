from django.urls import path

from .views import cases, dashboards, experts, people, shifts

app_name = "advisors"

H = "h/<slug:hub>/"

urlpatterns = [
    path(H + "advisor/", dashboards.home, name="home"),
    path(H + "supervision/", dashboards.supervision, name="supervision"),
    path(H + "pool/", cases.pool, name="pool"),
    path(H + "cases/", cases.case_list, name="cases"),
    path(H + "cases/<int:pk>/", cases.case_detail, name="case"),
    path(H + "cases/<int:pk>/claim/", cases.claim, name="claim"),
    path(H + "cases/<int:pk>/note/", cases.case_note, name="case_note"),
    path(H + "cases/<int:pk>/follow-up/", cases.case_follow_up, name="case_follow_up"),
    path(H + "cases/<int:pk>/release/", cases.case_release, name="case_release"),
    path(H + "cases/<int:pk>/transfer/", cases.case_transfer, name="case_transfer"),
    path(H + "cases/<int:pk>/escalate/", cases.case_escalate, name="case_escalate"),
    path(H + "cases/<int:pk>/close/", cases.case_close, name="case_close"),
    path(H + "cases/<int:pk>/hand-back/", cases.case_deescalate, name="case_deescalate"),
    path(H + "cases/<int:pk>/refer/", cases.case_refer, name="case_refer"),
    path(H + "advisors/", people.advisor_list, name="advisors"),
    path(H + "advisors/<int:pk>/", people.advisor_detail, name="advisor"),
    path(
        H + "advisors/from-visitor/<int:visitor>/",
        people.advisor_from_visitor,
        name="advisor_from_visitor",
    ),
    path(H + "advisors/<int:pk>/move/", people.advisor_move, name="advisor_move"),
    path(H + "advisors/<int:pk>/edit/", people.advisor_edit, name="advisor_edit"),
    path(H + "advisors/<int:pk>/outcome/", people.advisor_outcome, name="advisor_outcome"),
    path(H + "advisors/<int:pk>/training/", people.advisor_completion, name="advisor_completion"),
    path(H + "trainings/", people.trainings, name="trainings"),
    path(H + "trainings/sessions/<int:pk>/", people.training_session, name="training_session"),
    path(H + "supervision/sessions/", people.supervision_sessions, name="supervision_sessions"),
    path(H + "shifts/", shifts.shifts, name="shifts"),
    path(H + "shifts/<int:pk>/sign-up/", shifts.shift_signup, name="shift_signup"),
    path(H + "shifts/<int:pk>/cancel/", shifts.shift_cancel, name="shift_cancel"),
    path(H + "hours/", shifts.hours, name="hours"),
    path(H + "expert/", experts.expert_home, name="expert_home"),
    path(H + "expert/offers/<int:pk>/<str:answer>/", experts.offer_respond, name="offer_respond"),
    path(H + "assignments/", experts.assignments, name="assignments"),
    path(H + "assignments/<int:pk>/", experts.assignment_detail, name="assignment"),
    path(H + "assignments/<int:pk>/done/", experts.assignment_done, name="assignment_done"),
    path(
        H + "assignments/<int:pk>/<str:action>/",
        experts.assignment_action,
        name="assignment_action",
    ),
    path(H + "experts/", experts.experts, name="experts"),
]

from django.urls import path

from . import request_views, views

app_name = "selfservice"

urlpatterns = [
    path("", views.home, name="home"),
    path("password-rules/", views.rules, name="rules"),
    path("help/", views.help_page, name="help"),
    path("security-questions/", views.security_questions, name="questions"),
    path("change-password/", views.change_password, name="change_password"),
    path("change-password/done/", views.password_changed, name="password_changed"),
    path("forgotten-password/", views.forgotten, name="forgotten"),
    path("forgotten-password/questions/", views.forgotten_questions, name="forgotten_questions"),
    path("forgotten-password/code/", views.forgotten_code, name="forgotten_code"),
    path(
        "forgotten-password/new-password/",
        views.forgotten_new_password,
        name="forgotten_new_password",
    ),
    path("forgotten-password/done/", views.forgotten_done, name="forgotten_done"),
    path("invitation/done/", views.invitation_done, name="invitation_done"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    # Account requests: the Thrive User Registration and User Changes Form.
    path("requests/", request_views.requests_list, name="requests"),
    path("requests/new/", request_views.request_start, name="request_start"),
    path(
        "requests/new/service/<int:service_pk>/<slug:kind>/",
        request_views.request_new_service,
        name="request_new_service",
    ),
    path(
        "requests/new/work-group/<int:work_group_pk>/<slug:kind>/",
        request_views.request_new_work_group,
        name="request_new_work_group",
    ),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/submitted/", request_views.request_submitted, name="request_submitted"),
    # Administrators.
    path("administration/", request_views.administration, name="administration"),
    path("administration/requests/", request_views.queue, name="queue"),
    path("administration/requests/<int:pk>/", request_views.request_decide, name="request_decide"),
    path(
        "administration/without-self-service/",
        request_views.report_without_self_service,
        name="report_without_self_service",
    ),
    path(
        "administration/passwords-expiring/",
        request_views.report_expiring,
        name="report_expiring",
    ),
    path("administration/locked/", request_views.report_locked, name="report_locked"),
    path("administration/locked/<int:user_pk>/unlock/", request_views.unlock, name="unlock"),
]

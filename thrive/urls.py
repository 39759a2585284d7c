from allauth.account import views as account_views
from django.urls import include, path

from . import views
from .search import views as search_views
from .subject_access import views as subject_access_views

# Only the allauth pages Thrive uses: accounts are issued by administrators and passwords
# are managed in self-service, so sign-up, email and password pages are not mounted.
account_patterns = [
    path("accounts/login/", account_views.login, name="account_login"),
    path("accounts/logout/", account_views.logout, name="account_logout"),
    path("accounts/inactive/", account_views.account_inactive, name="account_inactive"),
]

handler500 = "thrive.outage.server_error"

urlpatterns = [
    *account_patterns,
    path("", views.home, name="home"),
    path("source/", views.source, name="source"),
    path("acceptable-use-policy/", views.accept_aup, name="aup"),
    path("two-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("two-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/signed-out/", views.session_timed_out, name="session_timed_out"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("work-groups/<int:pk>/", views.work_group_detail, name="work_group_detail"),
    path("administration/people/", views.people, name="people"),
    path("administration/people/<int:pk>/", views.person_detail, name="person_detail"),
    path("administration/audit/", views.audit_trail, name="audit"),
    path("administration/operations/", views.operations_page, name="operations"),
    path(
        "administration/operations/emails/<int:pk>/retry/",
        views.retry_email,
        name="operations_retry_email",
    ),
    path("downloads/<int:pk>/", views.export_status, name="export_status"),
    path("downloads/<int:pk>/file/", views.export_download, name="export_download"),
    path("search/", search_views.search, name="search"),
    path(
        "administration/subject-access/",
        subject_access_views.subject_access,
        name="subject_access",
    ),
    path(
        "administration/subject-access/<int:pk>/",
        subject_access_views.subject_access_detail,
        name="subject_access_detail",
    ),
    path(
        "administration/subject-access/<int:pk>/download/",
        subject_access_views.subject_access_download,
        name="subject_access_download",
    ),
    path("cases/", include("cases.urls")),
    path("documents/", include("documents.urls")),
    path("wopi/", include("documents.wopi.urls")),
    path("selfservice/", include("selfservice.urls")),
    path("portal/", include("portal.urls")),
    path("continuity/", include("continuity.urls")),
]

from allauth.account import views as account_views
from django.urls import include, path

from . import views

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
    path("cases/", include("cases.urls")),
    path("documents/", include("documents.urls")),
    path("selfservice/", include("selfservice.urls")),
    path("portal/", include("portal.urls")),
    path("continuity/", include("continuity.urls")),
]

from django.urls import path

from .delegation import absence_views, dashboard, document_views
from .delegation import views as task_views
from .form_engine import views as form_type_views
from .people import views as people_views

app_name = "portal"

urlpatterns = [
    path("", task_views.landing, name="landing"),
    # Health partner people's accounts (portal.people.views).
    path("sign-in/", people_views.sign_in, name="sign_in"),
    path("sign-in/code/", people_views.sign_in_code, name="sign_in_code"),
    path("register/", people_views.register, name="register"),
    path("register/account/", people_views.register_credentials, name="register_credentials"),
    path("register/code/", people_views.register_code, name="register_code"),
    path("register/complete/", people_views.register_complete, name="register_complete"),
    path("forgotten-password/", people_views.forgotten, name="forgotten"),
    path("forgotten-password/code/", people_views.forgotten_code, name="forgotten_code"),
    path("forgotten-password/new/", people_views.forgotten_password, name="forgotten_password"),
    path("account/", people_views.account, name="account"),
    path("account/password/", people_views.change_password, name="change_password"),
    path("account/email/", people_views.change_email, name="change_email"),
    path("account/email/code/", people_views.change_email_code, name="change_email_code"),
    path(
        "account/authenticator/remove/",
        people_views.remove_authenticator,
        name="remove_authenticator",
    ),
    path("work-groups/", people_views.work_groups, name="work_groups"),
    path("work-groups/<int:pk>/people/", people_views.work_group_people, name="work_group_people"),
    path(
        "work-groups/<int:pk>/people/<int:membership_pk>/remove/",
        people_views.remove_member,
        name="remove_member",
    ),
    path("tasks/<int:pk>/", task_views.task_page, name="task"),
    path("tasks/<int:pk>/re-assign/", task_views.reassign, name="reassign"),
    path("tasks/<int:pk>/decline/", task_views.decline, name="decline"),
    path("tasks/<int:pk>/take-over/", absence_views.take_over, name="take_over"),
    path("automatic-replies/", absence_views.automatic_replies, name="automatic_replies"),
    path("work-tray/", task_views.work_tray, name="work_tray"),
    path("work-tray/tasks/<int:pk>/delegate/", task_views.delegate, name="delegate"),
    path("send/", task_views.send_tasks, name="send_tasks"),
    path("send/new/", task_views.send_create, name="send_create"),
    path("send/dashboard/", dashboard.send_dashboard, name="send_dashboard"),
    path("send/tasks/<int:pk>/", task_views.send_task, name="send_task"),
    path("send/tasks/<int:pk>/retract/", task_views.retract, name="retract"),
    # Supporting Documentation and Print PDF (portal.delegation.document_views).
    path("tasks/<int:pk>/documents/", document_views.documents, name="documents"),
    path(
        "tasks/<int:pk>/documents/<int:document_pk>/",
        document_views.download_document,
        name="download_document",
    ),
    path(
        "tasks/<int:pk>/documents/<int:document_pk>/remove/",
        document_views.remove_document,
        name="remove_document",
    ),
    path("tasks/<int:pk>/pdf/", document_views.print_pdf, name="print_pdf"),
    # Form types, for system administrators (portal.form_engine.views).
    path("form-types/", form_type_views.form_types, name="form_types"),
    path("form-types/new/", form_type_views.form_type_add, name="form_type_add"),
    path("form-types/<int:pk>/", form_type_views.form_type, name="form_type"),
    path("form-types/<int:pk>/change/", form_type_views.form_type_change, name="form_type_change"),
    path("form-types/<int:pk>/active/", form_type_views.form_type_active, name="form_type_active"),
]

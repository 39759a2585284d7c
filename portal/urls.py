from django.urls import path

from . import account_views, dashboard, document_views, form_type_views, views, views_more

app_name = "portal"

urlpatterns = [
    path("", views.landing, name="landing"),
    # Health partner people's accounts (portal.account_views).
    path("sign-in/", account_views.sign_in, name="sign_in"),
    path("sign-in/code/", account_views.sign_in_code, name="sign_in_code"),
    path("register/", account_views.register, name="register"),
    path("register/account/", account_views.register_credentials, name="register_credentials"),
    path("register/code/", account_views.register_code, name="register_code"),
    path("register/complete/", account_views.register_complete, name="register_complete"),
    path("forgotten-password/", account_views.forgotten, name="forgotten"),
    path("forgotten-password/code/", account_views.forgotten_code, name="forgotten_code"),
    path("forgotten-password/new/", account_views.forgotten_password, name="forgotten_password"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.change_password, name="change_password"),
    path("account/email/", account_views.change_email, name="change_email"),
    path("account/email/code/", account_views.change_email_code, name="change_email_code"),
    path(
        "account/authenticator/remove/",
        account_views.remove_authenticator,
        name="remove_authenticator",
    ),
    path("work-groups/", account_views.work_groups, name="work_groups"),
    path("work-groups/<int:pk>/people/", account_views.work_group_people, name="work_group_people"),
    path(
        "work-groups/<int:pk>/people/<int:membership_pk>/remove/",
        account_views.remove_member,
        name="remove_member",
    ),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/re-assign/", views.reassign, name="reassign"),
    path("tasks/<int:pk>/decline/", views.decline, name="decline"),
    path("tasks/<int:pk>/take-over/", views_more.take_over, name="take_over"),
    path("automatic-replies/", views_more.automatic_replies, name="automatic_replies"),
    path("work-tray/", views.work_tray, name="work_tray"),
    path("work-tray/tasks/<int:pk>/delegate/", views.delegate, name="delegate"),
    path("send/", views.send_tasks, name="send_tasks"),
    path("send/new/", views.send_create, name="send_create"),
    path("send/dashboard/", dashboard.send_dashboard, name="send_dashboard"),
    path("send/tasks/<int:pk>/", views.send_task, name="send_task"),
    path("send/tasks/<int:pk>/retract/", views.retract, name="retract"),
    # Supporting Documentation and Print PDF (portal.document_views).
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
    # Form types, for system administrators (portal.form_type_views).
    path("form-types/", form_type_views.form_types, name="form_types"),
    path("form-types/new/", form_type_views.form_type_add, name="form_type_add"),
    path("form-types/<int:pk>/", form_type_views.form_type, name="form_type"),
    path("form-types/<int:pk>/change/", form_type_views.form_type_change, name="form_type_change"),
    path("form-types/<int:pk>/active/", form_type_views.form_type_active, name="form_type_active"),
]

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/re-assign/", views.reassign, name="reassign"),
    path("tasks/<int:pk>/decline/", views.decline, name="decline"),
    path("work-tray/", views.work_tray, name="work_tray"),
    path("work-tray/tasks/<int:pk>/delegate/", views.delegate, name="delegate"),
    path("send/", views.send_tasks, name="send_tasks"),
    path("send/new/", views.send_create, name="send_create"),
    path("send/tasks/<int:pk>/", views.send_task, name="send_task"),
    path("send/tasks/<int:pk>/retract/", views.retract, name="retract"),
]

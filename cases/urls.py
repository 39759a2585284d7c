from django.urls import path

from . import note_views, views

app_name = "cases"

urlpatterns = [
    path("my/", views.my_cases, name="my_cases"),
    path("managers-area/", views.managers_area, name="managers_area"),
    path("requiring-action/", views.requiring_action, name="requiring_action"),
    path("archive/", views.archive_list, name="archive_list"),
    path("ehps/", views.ehps_area, name="ehps_area"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<slug:slug>/", views.report, name="report"),
    path("refer/", views.refer, name="refer"),
    path("lists/<slug:kind>/", views.reference_list, name="reference_list"),
    path("lists/<slug:kind>/<int:pk>/", views.reference_list, name="reference_item"),
    path("find/", views.find_case, name="find"),
    path("<str:thrive_id>/", views.case_detail, name="detail"),
    path("<str:thrive_id>/edit/", views.edit_case, name="edit"),
    path("<str:thrive_id>/decision/", views.decide, name="decide"),
    path("<str:thrive_id>/allocate/", views.allocate, name="allocate"),
    path("<str:thrive_id>/close/", views.close, name="close"),
    path("<str:thrive_id>/archive/", views.archive, name="archive"),
    path("<str:thrive_id>/undo-archive/", views.unarchive, name="unarchive"),
    path("<str:thrive_id>/notes/new/", note_views.add_note, name="note_add"),
    path("<str:thrive_id>/notes/<int:pk>/correct/", note_views.correct_note, name="note_correct"),
]

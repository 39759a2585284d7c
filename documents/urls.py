from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("bin/", views.bin_list, name="bin"),
    path("bin/all-services/", views.administrators_bin, name="administrators_bin"),
    path("bin/<int:pk>/delete-for-good/", views.purge, name="purge"),
    path("case/<str:thrive_id>/upload/", views.upload_to_case, name="upload_to_case"),
    path("case/<str:thrive_id>/", views.case_documents, name="case_documents"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path(
        "<int:pk>/versions/<int:number>/download/",
        views.download_version,
        name="download_version",
    ),
    path("<int:pk>/edit-in-the-browser/", views.edit_in_browser, name="edit_in_browser"),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/edit/", views.edit_properties, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/restore/", views.restore, name="restore"),
]

"""WOPI's own addresses (the editor appends /contents to WOPISrc): no trailing slashes."""

from django.urls import path

from . import views

app_name = "wopi"

urlpatterns = [
    path("files/<int:pk>", views.file, name="file"),
    path("files/<int:pk>/contents", views.contents, name="contents"),
]

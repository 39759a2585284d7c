from django.urls import path

from . import record_views, views

app_name = "continuity"

urlpatterns = [
    path("read-only/", views.read_only_mode, name="read_only"),
    path("unavailable/", views.portal_holding_page, name="portal_holding"),
    # Downtime records, the Downtime tracker and the re-entry queue.
    path("tracker/", record_views.tracker, name="tracker"),
    path("re-entry/", record_views.re_entry, name="re_entry"),
    path("records/new/", record_views.add_record, name="record_add"),
    path("records/<int:pk>/", record_views.record_detail, name="record"),
    path("records/<int:pk>/change/", record_views.change_record, name="record_change"),
    path("records/<int:pk>/entered/", record_views.mark_entered, name="record_entered"),
    path("records/<int:pk>/not-entered/", record_views.mark_not_entered, name="record_not_entered"),
]
